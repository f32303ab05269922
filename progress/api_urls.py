from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from progress import api

router = SimpleRouter()
router.register("measures", api.MeasureViewSet, basename="measure")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("couples/<int:couple_id>/progress/", api.CoupleProgressView.as_view(), name="api-couple-progress"),
    path("dashboard/", api.DashboardView.as_view(), name="api-dashboard"),
]
