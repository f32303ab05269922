from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from scheduling import api

router = DefaultRouter()
router.include_root_view = False
router.register("locations", api.LocationViewSet, basename="location")
router.register("counselors", api.CounselorViewSet, basename="counselor")
router.register("appointments", api.AppointmentViewSet, basename="appointment")
router.register("intake-requests", api.IntakeRequestViewSet, basename="intake-request")

urlpatterns: list[URLPattern | URLResolver] = [
    path("slots/", api.SlotsView.as_view(), name="api-slots"),
    path("availability/", api.SlotsView.as_view(), name="api-availability"),
    path("", include(router.urls)),
]
