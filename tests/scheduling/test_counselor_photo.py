"""A counselor's photo: whoever uploads it (a practice admin on the Staff page,
the counselor on their own public profile), what is kept is a JPEG at most
400 pixels a side, upright, without the camera's data, saved through the
default storage; the previous one is deleted; a file that is not a picture
is refused on the photo field."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuditAction, AuditEvent
from scheduling import services
from scheduling.models import CounselorProfile

ORIENTATION = 0x0112
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(width: int = 1200, height: int = 800) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 80, 40, 255)).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def camera_jpeg() -> SimpleUploadedFile:
    """A 1600x1200 photo taken with the phone turned (EXIF orientation 6:
    shown rotated, 1200x1600) and with a GPS position and a camera make."""
    image = Image.new("RGB", (1600, 1200), (30, 120, 200))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD)[2] = (47.0, 36.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")


def stored(profile: CounselorProfile) -> Image.Image:
    with default_storage.open(profile.photo.name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_an_admin_uploads_a_photo_kept_small_upright_and_without_camera_data(
    practice_admin, as_user, dana, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(practice_admin).post(
            reverse("staff_edit", args=[dana.pk]), {"form": "photo", "photo": camera_jpeg()}
        )
    assert response.status_code == 302
    profile = CounselorProfile.objects.get(user=dana)
    assert profile.photo.name.startswith("counselor-photos/dana-reyes-")
    assert default_storage.exists(profile.photo.name)
    assert (media / profile.photo.name).is_file()  # the default storage wrote it, under MEDIA_ROOT
    image = stored(profile)
    assert image.format == "JPEG"
    assert image.size == (300, 400)  # turned upright, then fitted in 400x400
    assert not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert AuditEvent.objects.filter(action=AuditAction.COUNSELOR_PHOTO_CHANGED, target_id=str(dana.pk)).exists()


def test_a_small_photo_is_not_enlarged_and_a_transparent_one_gets_white(practice_admin, dana):
    profile = services.counselor_photo_set(actor=practice_admin, counselor=dana, upload=png(200, 120))
    image = stored(profile)
    assert image.size == (200, 120)
    assert image.mode == "RGB"


def test_a_new_photo_replaces_the_file_of_the_previous_one(practice_admin, dana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.counselor_photo_set(actor=practice_admin, counselor=dana, upload=png()).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.counselor_photo_set(actor=practice_admin, counselor=dana, upload=png()).photo.name
    assert first != second
    assert not default_storage.exists(first)
    assert default_storage.exists(second)
    assert stored(CounselorProfile.objects.get(user=dana)).size == (400, 267)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 this is not really a jpeg"),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("empty.png", b""),
    ],
)
def test_a_file_that_is_not_a_picture_is_refused_on_the_photo_field(practice_admin, as_user, dana, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = as_user(practice_admin).post(reverse("staff_edit", args=[dana.pk]), {"form": "photo", "photo": upload})
    assert response.status_code == 400
    assert response.context["photo_form"].errors["photo"]
    assert not CounselorProfile.objects.get(user=dana).photo


def test_a_truncated_picture_is_refused_by_the_service(practice_admin, dana):
    whole = png().read()
    broken = SimpleUploadedFile("cut.png", whole[: len(whole) // 2], content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.counselor_photo_set(actor=practice_admin, counselor=dana, upload=broken)
    assert refused.value.message_dict["photo"] == [services.NOT_AN_IMAGE]


def test_a_counselor_changes_their_own_photo_and_bio_from_their_profile(counselor, as_user, dana):
    client = as_user(counselor)
    assert reverse("own_public_profile") in client.get(reverse("profile")).content.decode()
    response = client.post(reverse("own_public_profile"), {"bio": "  I see couples in Edmonds.  ", "photo": png()})
    assert response.status_code == 302
    profile = CounselorProfile.objects.get(user=dana)
    assert profile.bio == "I see couples in Edmonds."
    assert stored(profile).size == (400, 267)


def test_a_counselor_cannot_change_another_counselors_photo(counselor, owen):
    with pytest.raises(PermissionDenied):
        services.counselor_photo_set(actor=counselor, counselor=owen, upload=png())


def test_partners_and_admins_have_no_own_public_profile_page(partner, practice_admin, as_user):
    assert as_user(partner).get(reverse("own_public_profile")).status_code == 404
    assert as_user(practice_admin).get(reverse("own_public_profile")).status_code == 404


def test_the_admin_edits_a_counselors_name_and_profile(practice_admin, as_user, dana, edmonds, specialties):
    client = as_user(practice_admin)
    url = reverse("staff_edit", args=[dana.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"form": "details", "full_name": "Dana Reyes-Kim", "time_zone": "America/Denver"})
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "form": "profile",
            "credentials": "PhD",
            "title": "Psychologist",
            "bio": "Hello",
            "locations": [edmonds.pk],
            "specialties": [specialties["grief-and-loss"].pk],
            "on_leave": "on",
        },
    )
    assert response.status_code == 302
    dana.refresh_from_db()
    profile = CounselorProfile.objects.get(user=dana)
    assert (dana.full_name, dana.time_zone) == ("Dana Reyes-Kim", "America/Denver")
    assert (profile.credentials, profile.on_leave, profile.is_accepting_new_clients) == ("PhD", True, False)
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_DETAILS_CHANGED, target_id=str(dana.pk)).exists()


def test_a_blank_name_is_refused_on_its_field(practice_admin, as_user, dana):
    response = as_user(practice_admin).post(
        reverse("staff_edit", args=[dana.pk]), {"form": "details", "full_name": " ", "time_zone": "America/Denver"}
    )
    assert response.status_code == 400
    assert response.context["details_form"].errors["full_name"]
