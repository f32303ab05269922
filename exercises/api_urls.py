from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from exercises import api

router = SimpleRouter()
router.register("exercises", api.TemplateViewSet, basename="exercise-template")
router.register("assignments", api.AssignmentViewSet, basename="assignment")
router.register("occurrences", api.OccurrenceViewSet, basename="occurrence")

# Answers and comments live under their occurrence, which scopes them.
responses = api.ResponseViewSet.as_view({"get": "list", "post": "create"})
response = api.ResponseViewSet.as_view({"get": "retrieve"})
response_review = api.ResponseViewSet.as_view({"post": "review"})
comments = api.CommentViewSet.as_view({"get": "list", "post": "create"})

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("occurrences/<int:occurrence_pk>/responses/", responses, name="occurrence-responses"),
    path("occurrences/<int:occurrence_pk>/responses/<int:pk>/", response, name="occurrence-response"),
    path(
        "occurrences/<int:occurrence_pk>/responses/<int:pk>/review/",
        response_review,
        name="occurrence-response-review",
    ),
    path("occurrences/<int:occurrence_pk>/comments/", comments, name="occurrence-comments"),
]
