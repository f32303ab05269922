from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from intake import api

router = SimpleRouter()
router.register("documents", api.DocumentViewSet, basename="document")
router.register("signatures", api.SignatureViewSet, basename="signature")
router.register("intake-packets", api.IntakePacketViewSet, basename="intake-packet")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
