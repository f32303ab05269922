from django.urls import URLPattern, URLResolver, path

from progress import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", views.dashboard, name="progress_dashboard"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/new/", views.measure_new, name="measure_new"),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure_detail"),
    path("couples/<int:couple_id>/progress/", views.couple_progress, name="couple_progress"),
    path("couples/<int:couple_id>/progress/summary/", views.couple_progress_summary, name="couple_progress_summary"),
    path("couples/<int:couple_id>/progress/export.csv", views.couple_progress_csv, name="couple_progress_csv"),
]
