from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from accounts import views as accounts_views
from config import views as portal_views
from exercises import views as exercise_views
from portal import health, metrics

# The admin's own login form checks only a password; send it through
# allauth's, which asks for the TOTP code of users who have 2FA on.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

router = DefaultRouter()
router.register("couples", accounts_api.CoupleViewSet, basename="couple")
router.register("invitations", accounts_api.InvitationViewSet, basename="invitation")

api_v1: list[URLPattern | URLResolver] = [
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
    path("", include("exercises.api_urls")),
    path("", include("scheduling.api_urls")),
    path("", include("progress.api_urls")),
    path("", include("intake.api_urls")),  # documents and signatures
    path("", include("messaging.api_urls")),  # threads, messages and their files
    path("", include("records.api_urls")),  # a client's own record
]

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("me/", exercise_views.client_home, name="client_home"),
    path("profile/", accounts_views.profile, name="profile"),
    path("profile/security/", accounts_views.security, name="security"),
    path("profile/security/tokens/<str:token_key>/revoke/", accounts_views.api_token_revoke, name="api_token_revoke"),
    path("profile/security/sign-out-everywhere/", accounts_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("couples/", accounts_views.couple_list, name="couple_list"),
    path("couples/invite/", accounts_views.couple_invite, name="couple_invite"),
    path("couples/held/", accounts_views.held_invitation_list, name="held_invitation_list"),
    path("couples/held/<int:held_id>/resolve/", accounts_views.held_invitation_resolve, name="held_invitation_resolve"),
    path("couples/<int:couple_id>/", accounts_views.couple_detail, name="couple_detail"),
    path("couples/<int:couple_id>/status/", accounts_views.couple_status, name="couple_status"),
    path("couples/<int:couple_id>/reassign/", accounts_views.couple_reassign, name="couple_reassign"),
    path(
        "couples/<int:couple_id>/partners/<int:user_id>/safety-mode/",
        accounts_views.partner_safety_mode,
        name="partner_safety_mode",
    ),
    path(
        "couples/<int:couple_id>/partners/<int:user_id>/risk-flag/review/",
        accounts_views.partner_risk_flag_review,
        name="partner_risk_flag_review",
    ),
    path("invitations/<int:invitation_id>/resend/", accounts_views.invitation_resend, name="invitation_resend"),
    path("invitations/accept/<str:token>/", accounts_views.invitation_accept, name="invitation_accept"),
    path("", include("exercises.urls")),
    path("", include("scheduling.urls")),
    path("", include("progress.urls")),
    path("", include("intake.urls")),  # documents and consent
    path("messages/", include("messaging.urls")),  # secure messaging
    path("", include("records.urls")),  # a person's own record: the client's download, staff exports
    path("", include("retention.urls")),  # the retention period, erasure, closing an account
    path("notifications/", include("notifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline: the CSP forbids inline script.
    path("api/docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("language/", portal_views.set_language, name="set_language"),
    path("language-help/", portal_views.language_help, name="language_help"),
    path("accessibility/", portal_views.accessibility_statement, name="accessibility_statement"),
    # Operations: the load balancer's and orchestrator's probes, Prometheus's scrape.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]

# Errors Django answers itself: JSON under /api/ (portal.error_pages).
handler403 = "portal.error_pages.permission_denied"
handler404 = "portal.error_pages.not_found"
handler500 = "portal.error_pages.server_error"
