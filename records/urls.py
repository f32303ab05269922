from django.urls import path

from records import views

urlpatterns = [
    path("me/record.<str:export_format>", views.my_record, name="my_record"),
    path("records/clients/<int:user_id>/record.<str:export_format>", views.client_record, name="client_record"),
]
