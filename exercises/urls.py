from django.urls import URLPattern, URLResolver

# The exercises pages register their routes here.
urlpatterns: list[URLPattern | URLResolver] = []
