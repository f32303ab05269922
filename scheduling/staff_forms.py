"""The Staff pages' forms (practice admins): inviting a counselor, their name
and time zone, their photo; and a counselor's own photo and bio. A counselor's
public profile is scheduling.forms.CounselorProfileForm, shared with their
schedule page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import LanguageField
from portal.form_fields import TimeZoneField, practice_time_zone
from scheduling.forms import SpecialtiesField
from scheduling.models import Location, Specialty

PHOTO_HELP = _(
    "A JPEG, PNG or WebP picture, up to 10 MB. It is shown at most 400 pixels wide, without its camera data."
)


def _photo_field(*, required: bool) -> forms.FileField:
    # A FileField, not an ImageField: the service is the one place that opens
    # the upload with Pillow, for every way in, and names the field when it cannot.
    return forms.FileField(
        label=_("Photo"),
        required=required,
        help_text=PHOTO_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        if not required
        else forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class StaffInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invitation goes here; it is also how they sign in."))
    time_zone = TimeZoneField(label=_("Time zone"), help_text=_("Their calendar and e-mails use it."))
    language = LanguageField(help_text=_("The invitation and their pages are written in it; they can change it."))
    locations = forms.ModelMultipleChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Offices"),
    )
    specialties = SpecialtiesField(
        queryset=Specialty.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Specialties"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = practice_time_zone()


class StaffDetailsForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    time_zone = TimeZoneField(label=_("Time zone"))


class CounselorPhotoForm(forms.Form):
    photo = _photo_field(required=True)


class OwnPublicProfileForm(forms.Form):
    """What a counselor changes on their own public profile from their profile page."""

    bio = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("Bio"),
        help_text=_("A few sentences for couples choosing a counselor: how you work, whom you see."),
    )
    photo = _photo_field(required=False)


class StaffFilterForm(forms.Form):
    """The Staff list: everyone, or only the active, invited or deactivated."""

    STATES = [
        ("", _("Everyone")),
        ("active", _("Active")),
        ("invited", _("Invited")),
        ("deactivated", _("Deactivated")),
    ]
    state = forms.ChoiceField(choices=STATES, required=False, label=_("Show"))
