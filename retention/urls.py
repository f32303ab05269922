from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("retention/", views.overview, name="overview"),
    path("retention/requests/<int:request_id>/decide/", views.closure_decide, name="closure_decide"),
    path("me/close-account/", views.close_account, name="close_account"),
]
