from django.urls import URLPattern, URLResolver, path

from records import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/record/", api.MyRecordView.as_view(), name="api-my-record"),
]
