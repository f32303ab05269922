"""People and the couples they form.

A user logs in with an e-mail address and has one role. Clients come in
pairs (a couple) looked after by a primary counselor and optionally others.
"""

from __future__ import annotations

import secrets
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from accounts.models.audit import AuditAction as AuditAction
from accounts.models.audit import AuditEvent as AuditEvent


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            gettext("“%(zone)s” is not a known time zone (use an IANA name such as America/Los_Angeles).")
            % {"zone": value}
        )


def default_time_zone() -> str:
    return settings.PRACTICE_TIME_ZONE


class Role(models.TextChoices):
    PRACTICE_ADMIN = "practice_admin", pgettext_lazy("role", "Practice admin")
    COUNSELOR = "counselor", pgettext_lazy("role", "Counselor")
    CLIENT = "client", pgettext_lazy("role", "Client")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.PRACTICE_ADMIN)
        extra.setdefault("full_name", "Site administrator")
        return self._create_user(email, password, **extra)


# knox has no type hints: the stubs cannot see ApiToken's manager behind user.auth_token_set.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLIENT)
    time_zone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])
    # Blank: the practice's language, else the browser's (accounts.languages).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("May log in to the Django admin."))
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
        ]
        indexes = [
            models.Index(fields=["role", "full_name"]),
            # The couples list, by the first partner's name: its first page is
            # read off this index instead of sorting every couple of the practice.
            models.Index(fields=["full_name"], name="user_full_name"),
        ]

    def __str__(self) -> str:
        # A person reads as their name; a list that needs the e-mail prints it.
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class CoupleStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("couple status", "Active")
    PAUSED = "paused", pgettext_lazy("couple status", "Paused")
    CLOSED = "closed", pgettext_lazy("couple status", "Closed")


# A couple that is not closed still holds its partners: a client may be in
# at most one such couple at a time.
OPEN_COUPLE_STATUSES = (CoupleStatus.ACTIVE, CoupleStatus.PAUSED)


class Couple(models.Model):
    partner_one = models.ForeignKey(User, on_delete=models.PROTECT, related_name="couples_as_partner_one")
    partner_two = models.ForeignKey(User, on_delete=models.PROTECT, related_name="couples_as_partner_two")
    primary_counselor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="primary_couples")
    other_counselors = models.ManyToManyField(User, blank=True, related_name="secondary_couples")
    status = models.CharField(max_length=10, choices=CoupleStatus.choices, default=CoupleStatus.ACTIVE)
    started_on = models.DateField(default=timezone.localdate)
    time_zone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)
    # When the couple's work ended (status closed), for the practice's
    # retention period; cleared when the couple is reopened.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner_one__full_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(partner_one=models.F("partner_two")), name="couple_partners_differ"),
            models.CheckConstraint(condition=Q(status__in=CoupleStatus.values), name="couple_status_valid"),
            models.CheckConstraint(
                condition=Q(status=CoupleStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=CoupleStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="couple_closed_at_when_closed",
            ),
            # The same-column half of "one open couple per client"; the
            # cross-column half (A as partner_one here, partner_two there) is
            # checked under a row lock in accounts.services.couple_create.
            models.UniqueConstraint(
                fields=["partner_one"],
                condition=Q(status__in=OPEN_COUPLE_STATUSES),
                name="couple_partner_one_one_open_couple",
            ),
            models.UniqueConstraint(
                fields=["partner_two"],
                condition=Q(status__in=OPEN_COUPLE_STATUSES),
                name="couple_partner_two_one_open_couple",
            ),
        ]
        indexes = [
            models.Index(fields=["primary_counselor", "status"]),
            # Retention: the closed couples, oldest closing first.
            models.Index(fields=["closed_at"], condition=Q(closed_at__isnull=False), name="couple_closed_at"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps couple_closed_at_when_closed: a couple closed without a time
        is closed now; one no longer closed has none."""
        if self.status == CoupleStatus.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != CoupleStatus.CLOSED:
            self.closed_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "closed_at"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return f"{self.partner_one.full_name} & {self.partner_two.full_name}"

    @property
    def partners(self) -> tuple[User, User]:
        return (self.partner_one, self.partner_two)

    def partner_of(self, user: User) -> User:
        if user.pk == self.partner_one_id:
            return self.partner_two
        if user.pk == self.partner_two_id:
            return self.partner_one
        raise ValueError(f"{user} is not a partner in {self}")


def new_invitation_key() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """An e-mailed, single-use link for a new account to set its password: a
    partner of a couple, or a counselor invited by a practice admin (no couple)."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    # Part of every signed link: rotating it on acceptance makes old links dead.
    key = models.CharField(max_length=64, default=new_invitation_key, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["couple", "user"], name="invitation_one_per_partner")]
        # The API's list order (newest first, then id): a practice admin's first
        # page is read off it, not sorted out of every invitation (30,000: 132 ms).
        indexes = [models.Index(fields=["-created_at", "id"], name="invitation_created_id")]

    def __str__(self) -> str:
        state = "accepted" if self.accepted_at else "pending"
        return f"Invitation for {self.user.email} ({state})"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class HoldReason(models.TextChoices):
    STAFF_ADDRESS = "staff_address", _("The address belongs to a staff account")
    IN_OPEN_COUPLE = "in_open_couple", _("The client already belongs to an active couple")


class HeldInvitation(models.Model):
    """An invitation the front desk must sort out before anyone is e-mailed: an
    address that belongs to a staff account, or to a client of another open
    couple. The inviter is told nothing of it (the invite answers the same
    whoever the address belongs to); a practice admin resolves it."""

    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    primary_counselor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    partner_one_name = models.CharField(max_length=150)
    partner_one_email = models.EmailField()
    partner_two_name = models.CharField(max_length=150)
    partner_two_email = models.EmailField()
    partner_one_language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    partner_two_language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    reason = models.CharField(max_length=20, choices=HoldReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        return f"Held invitation for {self.partner_one_email} and {self.partner_two_email}"


# The rule for "a screen flag the counselor has not yet seen", in one place
# (the model's property, the dashboard's Exists, the pages): a flag is
# unreviewed while its raising is later than its last review.
UNREVIEWED_RISK_FLAG = Q(risk_flagged_at__isnull=False) & (
    Q(risk_reviewed_at__isnull=True) | Q(risk_reviewed_at__lt=models.F("risk_flagged_at"))
)


class PartnerSafety(models.Model):
    """One client's safety state, seen and set by their counselors only;
    created on demand (no row means: no safety mode, never flagged).

    - ``safety_mode``: e-mails and in-app notices to this person carry no
      practice name and no content, their pages have a quick-exit button,
      and their partner is told nothing of their activity.
    - The risk flag: raised by the system when a safety screen answer
      indicates risk (``risk_flagged_at``), marked seen by a counselor
      (``risk_reviewed_at``). The rule: a flag is *unreviewed* when
      ``risk_flagged_at`` is set and ``risk_reviewed_at`` is null or earlier
      than ``risk_flagged_at``. Raising it again after a review moves
      ``risk_flagged_at`` past the review, so it needs attention again; the
      last review stays recorded (and every raise and review is in the audit
      trail). Nothing here holds what the screen said.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="safety")
    safety_mode = models.BooleanField(default=False)
    safety_mode_changed_at = models.DateTimeField(null=True, blank=True)
    safety_mode_changed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    risk_flagged_at = models.DateTimeField(null=True, blank=True)
    risk_reviewed_at = models.DateTimeField(null=True, blank=True)
    risk_reviewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "partner safety"
        verbose_name_plural = "partner safety"
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_reviewed_at__isnull=True) | Q(risk_flagged_at__isnull=False),
                name="partnersafety_reviewed_only_flagged",
            ),
        ]
        # No index beyond the primary key: every read is by user (a page's
        # partners, the dashboard's Exists per partner), never "all flags".

    def __str__(self) -> str:
        state = ["safety mode" if self.safety_mode else "no safety mode"]
        if self.has_unreviewed_flag:
            state.append("flag to review")
        return f"Safety of user {self.user_id}: {', '.join(state)}"

    @property
    def has_unreviewed_flag(self) -> bool:
        if self.risk_flagged_at is None:
            return False
        return self.risk_reviewed_at is None or self.risk_reviewed_at < self.risk_flagged_at


class ApiToken(AbstractAuthToken):
    """An API token, one per login through /api/v1/auth/token/ (django-rest-knox
    keeps only its hash, `digest`, and its first characters, `token_key`, to
    find it). `label` says which client asked for it, so its owner can tell
    their tokens apart on the Security page; `last_used_at` is written at most
    once a minute (accounts.authentication)."""

    label = models.CharField(max_length=200, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expiry"])]

    def __str__(self) -> str:
        return f"API token {self.token_key}… of {self.user_id}"
