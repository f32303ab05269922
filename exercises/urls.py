from django.urls import URLPattern, URLResolver, path

from exercises import audit, views_translations
from exercises.views import couple, home, live_hints, occurrences, templates

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/", audit.audit_list, name="audit_list"),
    path("exercises/", templates.template_list, name="template_list"),
    path("exercises/hints/", live_hints.hints, name="exercise_hints"),
    path("exercises/templates/new/", templates.template_new, name="template_new"),
    path("exercises/templates/<int:template_id>/", templates.template_detail, name="template_detail"),
    path("exercises/templates/<int:template_id>/copy/", templates.template_copy, name="template_copy"),
    path("exercises/templates/<int:template_id>/edit/", templates.template_edit, name="template_edit"),
    path(
        "exercises/templates/<int:template_id>/translation/",
        views_translations.template_translation,
        name="template_translation",
    ),
    path("exercises/done/", home.client_done, name="client_done"),
    path("exercises/occurrences/<int:occurrence_id>/", occurrences.occurrence_detail, name="occurrence_detail"),
    path(
        "exercises/occurrences/<int:occurrence_id>/comments/",
        occurrences.occurrence_comment,
        name="occurrence_comment",
    ),
    path("exercises/responses/<int:response_id>/review/", occurrences.response_review, name="response_review"),
    path("exercises/assignments/<int:assignment_id>/note/", couple.assignment_note, name="assignment_note"),
    # After "note/": any other word is a status change (pause, resume, end).
    path(
        "exercises/assignments/<int:assignment_id>/<str:action>/",
        couple.assignment_action,
        name="assignment_action",
    ),
    path("couples/<int:couple_id>/exercises/", couple.couple_exercises, name="couple_exercises"),
    path(
        "couples/<int:couple_id>/exercises/high-conflict/",
        couple.couple_high_conflict,
        name="couple_high_conflict",
    ),
]
