"""Counselors' own schedules: their public profile and photo, weekly working
hours per location and time off. Admins change anyone's; counselors their own.
Inviting a counselor with their profile in one step (the Staff pages) is here
too: the account is accounts' (counselor_invite), the profile scheduling's.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts import services as accounts_services
from accounts.models import AuditAction, User
from accounts.services import audit_record
from portal import policy
from portal.errors import ServiceConflict, require
from scheduling.models import (
    BLOCKING_STATUSES,
    Appointment,
    CounselorProfile,
    Location,
    Specialty,
    TimeOff,
    WorkingHours,
)
from scheduling.services.locations import HoursInterval, _check_intervals


def _require_counselor(counselor: User) -> None:
    if not policy.has_own_schedule(counselor):
        raise ValidationError({"counselor": gettext("%(name)s is not a counselor.") % {"name": counselor.full_name}})


@transaction.atomic
def counselor_profile_save(
    *,
    actor: User,
    counselor: User,
    credentials: str = "",
    title: str = "",
    bio: str = "",
    specialties: Iterable[Specialty] = (),
    locations: Iterable[Location] = (),
    sees_online: bool = False,
    is_accepting_new_clients: bool = True,
    on_leave: bool = False,
) -> CounselorProfile:
    """Create or replace a counselor's public profile."""
    require(policy.can_manage_schedule_of(actor, counselor), gettext("You may only change your own profile."))
    _require_counselor(counselor)
    profile = CounselorProfile.objects.filter(user=counselor).first() or CounselorProfile(
        user=counselor, slug=_unique_profile_slug(counselor)
    )
    profile.credentials = credentials.strip()
    profile.title = title.strip()
    profile.bio = bio.strip()
    profile.sees_online = sees_online
    profile.is_accepting_new_clients = is_accepting_new_clients
    profile.on_leave = on_leave
    profile.full_clean()
    profile.save()
    profile.specialties.set(specialties)
    profile.locations.set(locations)
    audit_record(actor=actor, action=AuditAction.COUNSELOR_PROFILE_SAVED, target=profile, on_leave=on_leave)
    return profile


@transaction.atomic
def counselor_invite_with_profile(
    *,
    actor: User,
    full_name: str,
    email: str,
    time_zone: str,
    specialties: Iterable[Specialty] = (),
    locations: Iterable[Location] = (),
    language: str = "",
) -> User:
    """Invite a counselor (accounts.services.counselor_invite: the account and
    the e-mailed link) and give them a profile at these locations, in one
    transaction: a refused profile sends no e-mail."""
    invitation = accounts_services.counselor_invite(
        actor=actor, full_name=full_name, email=email, time_zone=time_zone, language=language
    )
    counselor_profile_save(actor=actor, counselor=invitation.user, specialties=specialties, locations=locations)
    return invitation.user


# The photo: at most this many bytes uploaded, pixels decoded, and pixels a side kept.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_SIDE = 400
NOT_AN_IMAGE = gettext_lazy("This file is not a picture we can read. Upload a JPEG, PNG or WebP photo.")


def _photo_jpeg(upload: UploadedFile) -> bytes:
    """The upload as a JPEG at most PHOTO_SIDE a side, upright, with nothing of
    the original file but its pixels (no EXIF, GPS, camera or colour profile)."""
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": gettext("This photo is larger than 10 MB. Please choose a smaller one.")})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()  # reads the whole file: a truncated or forged one stops here
        upload.seek(0)
        with Image.open(upload) as opened:
            if opened.width * opened.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    {"photo": gettext("This photo has too many pixels. Please choose a smaller one.")}
                )
            upright = ImageOps.exif_transpose(opened)
            upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.LANCZOS)
            rgba = upright.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"photo": NOT_AN_IMAGE}) from None
    # A new image takes the pixels only (over white, for a transparent PNG).
    clean = Image.new("RGB", rgba.size, (255, 255, 255))
    clean.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def _profile_for_photo(counselor: User) -> CounselorProfile:
    profile = CounselorProfile.objects.select_for_update().filter(user=counselor).first()
    if profile is None:
        profile = CounselorProfile.objects.create(user=counselor, slug=_unique_profile_slug(counselor))
    return profile


@transaction.atomic
def counselor_photo_set(*, actor: User, counselor: User, upload: UploadedFile) -> CounselorProfile:
    """Replace the counselor's photo with a cleaned copy of the upload, saved
    through the default storage; the previous file is deleted once this commits."""
    require(policy.can_manage_schedule_of(actor, counselor), gettext("You may only change your own photo."))
    _require_counselor(counselor)
    data = _photo_jpeg(upload)
    profile = _profile_for_photo(counselor)
    previous = profile.photo.name
    # A new name each time: a cached copy of the old photo is never served as the new one.
    name = default_storage.save(f"counselor-photos/{profile.slug}-{secrets.token_hex(4)}.jpg", ContentFile(data))
    profile.photo.name = name
    profile.save(update_fields=["photo"])
    if previous:
        transaction.on_commit(lambda: default_storage.delete(previous))
    audit_record(actor=actor, action=AuditAction.COUNSELOR_PHOTO_CHANGED, target=counselor, removed=False)
    return profile


@transaction.atomic
def counselor_photo_remove(*, actor: User, counselor: User) -> None:
    """Take the counselor's photo off their profile (the file is deleted once this commits)."""
    require(policy.can_manage_schedule_of(actor, counselor), gettext("You may only change your own photo."))
    profile = CounselorProfile.objects.select_for_update().filter(user=counselor).first()
    if profile is None or not profile.photo.name:
        return
    previous = profile.photo.name
    profile.photo.name = ""
    profile.save(update_fields=["photo"])
    transaction.on_commit(lambda: default_storage.delete(previous))
    audit_record(actor=actor, action=AuditAction.COUNSELOR_PHOTO_CHANGED, target=counselor, removed=True)


@transaction.atomic
def counselor_bio_save(*, actor: User, counselor: User, bio: str) -> CounselorProfile:
    """A counselor's own words on their public profile (from their profile page)."""
    require(policy.can_manage_schedule_of(actor, counselor), gettext("You may only change your own profile."))
    _require_counselor(counselor)
    profile = _profile_for_photo(counselor)
    profile.bio = bio.strip()
    profile.full_clean()
    profile.save(update_fields=["bio"])
    audit_record(actor=actor, action=AuditAction.COUNSELOR_PROFILE_SAVED, target=profile, on_leave=profile.on_leave)
    return profile


def _unique_profile_slug(counselor: User) -> str:
    base = slugify(counselor.full_name) or f"counselor-{counselor.pk}"
    slug, number = base, 2
    while CounselorProfile.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def working_hours_set(
    *, actor: User, counselor: User, location: Location, intervals: Sequence[HoursInterval]
) -> list[WorkingHours]:
    """Replace the counselor's weekly hours at one location.

    A counselor cannot be in two places at once: intervals may not overlap
    their hours at any other location on the same weekday.
    """
    require(policy.can_manage_schedule_of(actor, counselor), gettext("You may only change your own working hours."))
    _require_counselor(counselor)
    elsewhere = WorkingHours.objects.filter(counselor=counselor).exclude(location=location).select_related("location")
    _check_intervals([*intervals, *(HoursInterval(h.weekday, h.start, h.end) for h in elsewhere)], "working_hours")
    WorkingHours.objects.filter(counselor=counselor, location=location).delete()
    rows = WorkingHours.objects.bulk_create(
        WorkingHours(counselor=counselor, location=location, weekday=i.weekday, start=i.start, end=i.end)
        for i in intervals
    )
    # Working somewhere puts the location on the public profile.
    profile = CounselorProfile.objects.filter(user=counselor).first()
    if profile is not None and intervals:
        profile.locations.add(location)
    audit_record(
        actor=actor,
        action=AuditAction.WORKING_HOURS_SET,
        target=counselor,
        location=location.pk,
        hours=[[i.weekday, f"{i.start:%H:%M}", f"{i.end:%H:%M}"] for i in intervals],
    )
    return rows


class TimeOffOverBookings(ServiceConflict):
    """Sessions are booked in the days off asked for: nothing is saved until
    the person says to add the time off anyway (the sessions are not moved)."""

    def __init__(self, appointments: list[Appointment]) -> None:
        count = len(appointments)
        super().__init__(
            ngettext(
                "%(count)s session is booked in this time off. Adding it does not move "
                "or cancel it: move it first, or add the time off anyway.",
                "%(count)s sessions are booked in this time off. Adding it does not move "
                "or cancel them: move them first, or add the time off anyway.",
                count,
            )
            % {"count": count}
        )
        self.appointments = appointments

    def api_body(self) -> dict[str, object]:
        return {"detail": self.message, "appointments": [a.pk for a in self.appointments]}


def booked_during(*, counselor: User, starts_on: date, ends_on: date) -> list[Appointment]:
    """The counselor's requested or confirmed sessions on these days (each in its office's zone)."""
    # A day wide on both sides covers every zone; the exact days are then checked per office.
    window_start = datetime.combine(starts_on - timedelta(days=1), time.min, tzinfo=UTC)
    window_end = datetime.combine(ends_on + timedelta(days=2), time.min, tzinfo=UTC)
    candidates = (
        Appointment.objects.filter(
            counselor=counselor, status__in=BLOCKING_STATUSES, start__gte=window_start, start__lt=window_end
        )
        .select_related("location", "couple__partner_one", "couple__partner_two", "individual_client")
        .order_by("start")
    )
    return [a for a in candidates if starts_on <= a.start.astimezone(a.location.tz).date() <= ends_on]


@transaction.atomic
def time_off_add(
    *,
    actor: User,
    counselor: User,
    starts_on: date,
    ends_on: date,
    reason: str = "",
    confirm_booked: bool = False,
) -> TimeOff:
    """Block whole days. Sessions already booked then are not moved: unless
    ``confirm_booked``, they are listed (TimeOffOverBookings) and nothing is saved."""
    require(policy.can_manage_schedule_of(actor, counselor), gettext("You may only change your own time off."))
    _require_counselor(counselor)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": gettext("The last day off cannot come before the first.")})
    if not confirm_booked:
        booked = booked_during(counselor=counselor, starts_on=starts_on, ends_on=ends_on)
        if booked:
            raise TimeOffOverBookings(booked)
    time_off = TimeOff(counselor=counselor, starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    time_off.full_clean()
    time_off.save()
    audit_record(
        actor=actor, action=AuditAction.TIME_OFF_ADDED, target=time_off, starts_on=str(starts_on), ends_on=str(ends_on)
    )
    return time_off


@transaction.atomic
def time_off_remove(*, actor: User, time_off: TimeOff) -> None:
    require(policy.can_manage_schedule_of(actor, time_off.counselor), gettext("You may only change your own time off."))
    audit_record(actor=actor, action=AuditAction.TIME_OFF_REMOVED, target=time_off)
    time_off.delete()
