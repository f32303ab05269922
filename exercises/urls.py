from django.urls import URLPattern, URLResolver, path

from exercises import audit, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/", audit.audit_list, name="audit_list"),
    path("exercises/", views.template_list, name="template_list"),
    path("exercises/hints/", views.hints, name="exercise_hints"),
    path("exercises/templates/new/", views.template_new, name="template_new"),
    path("exercises/templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("exercises/templates/<int:template_id>/copy/", views.template_copy, name="template_copy"),
    path("exercises/templates/<int:template_id>/edit/", views.template_edit, name="template_edit"),
    path("exercises/occurrences/<int:occurrence_id>/", views.occurrence_detail, name="occurrence_detail"),
    path("exercises/occurrences/<int:occurrence_id>/comments/", views.occurrence_comment, name="occurrence_comment"),
    path("exercises/responses/<int:response_id>/review/", views.response_review, name="response_review"),
    path("exercises/assignments/<int:assignment_id>/note/", views.assignment_note, name="assignment_note"),
    # After "note/": any other word is a status change (pause, resume, end).
    path(
        "exercises/assignments/<int:assignment_id>/<str:action>/",
        views.assignment_action,
        name="assignment_action",
    ),
    path("couples/<int:couple_id>/exercises/", views.couple_exercises, name="couple_exercises"),
    path(
        "couples/<int:couple_id>/exercises/high-conflict/",
        views.couple_high_conflict,
        name="couple_high_conflict",
    ),
]
