from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.thread_list, name="thread_list"),
    path("new/", views.thread_new, name="thread_new"),
    path("activity/", views.activity, name="activity"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path("<int:thread_id>/since/", views.thread_since, name="thread_since"),
    path("m/<int:message_id>/edit/", views.message_edit, name="message_edit"),
    path("m/<int:message_id>/delete/", views.message_delete, name="message_delete"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
