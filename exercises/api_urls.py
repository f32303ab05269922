from django.urls import URLPattern, URLResolver

# The exercises API (/api/v1/...) registers its routes here.
urlpatterns: list[URLPattern | URLResolver] = []
