from django.urls import path

from scheduling import views

urlpatterns = [
    path("locations/", views.location_list, name="location_list"),
]
