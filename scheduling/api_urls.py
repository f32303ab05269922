from django.urls import URLPattern, URLResolver

# The scheduling API (/api/v1/...) registers its routes here.
urlpatterns: list[URLPattern | URLResolver] = []
