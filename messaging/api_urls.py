from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from messaging import api

router = SimpleRouter()
router.register("threads", api.ThreadViewSet, basename="thread")

# Messages and their files live under their thread, which scopes them.
messages = api.MessageViewSet.as_view({"get": "list", "post": "create"})
message = api.MessageViewSet.as_view({"patch": "partial_update", "delete": "destroy"})

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("threads/<int:thread_pk>/messages/", messages, name="thread-messages"),
    path("threads/<int:thread_pk>/messages/<int:pk>/", message, name="thread-message"),
    path(
        "threads/<int:thread_pk>/messages/<int:message_pk>/attachments/<int:pk>/",
        api.AttachmentView.as_view(),
        name="thread-message-attachment",
    ),
]
