from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.auth import login_attempts_serialized
from accounts.models import CoupleStatus, User
from portal.form_fields import PersonChoiceField, TimeZoneField


def language_choices() -> list[tuple[str, Any]]:
    """A person's language: blank follows the practice's default (accounts.languages);
    each language is named in itself ("Español"), as whoever reads it would look for it."""
    return [("", _("As the practice's default")), *settings.LANGUAGES]


class LanguageField(forms.ChoiceField):
    """A person's language, or blank for the practice's default."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Language"))
        super().__init__(choices=language_choices, required=False, **kwargs)


class InviteCoupleForm(forms.Form):
    partner_one_name = forms.CharField(label=_("First partner's full name"), max_length=150)
    partner_one_email = forms.EmailField(label=_("First partner's e-mail"))
    partner_one_language = LanguageField(label=_("First partner's language"))
    partner_two_name = forms.CharField(label=_("Second partner's full name"), max_length=150)
    partner_two_email = forms.EmailField(label=_("Second partner's e-mail"))
    partner_two_language = LanguageField(label=_("Second partner's language"))
    primary_counselor = PersonChoiceField(queryset=User.objects.none(), label=pgettext_lazy("role", "Counselor"))
    time_zone = TimeZoneField(label=_("The couple's time zone"))

    def __init__(self, *args: object, counselors: object, default_time_zone: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["primary_counselor"]
        field.queryset = counselors  # type: ignore[attr-defined]
        if counselors.count() == 1:  # type: ignore[attr-defined]
            field.initial = counselors.first()  # type: ignore[attr-defined]
        self.fields["time_zone"].initial = default_time_zone


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Type it again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", gettext("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CoupleStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CoupleStatus.choices)


class CoupleReassignForm(forms.Form):
    counselor = PersonChoiceField(queryset=User.objects.none(), label=_("New counselor"))
    move_future_appointments = forms.BooleanField(
        required=False,
        label=_("Move their sessions still to come to the new counselor"),
        help_text=_("Left unticked, booked sessions stay with the present counselor until you move them."),
    )

    def __init__(self, *args: Any, counselors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors  # type: ignore[attr-defined]


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()
    language = LanguageField(
        help_text=_("The language of your pages, e-mails and reminders. The footer's language links change it too.")
    )

    class Meta:
        model = User
        fields = ["full_name", "phone", "time_zone", "language"]
        labels = {"full_name": _("Full name"), "phone": _("Phone")}


class PortalLoginForm(LoginForm):
    """allauth's login form, one attempt per address at a time (see
    login_attempts_serialized)."""

    def clean(self) -> dict:
        # A refused login raises ValidationError; raise it only after the
        # block commits, or the failure django-axes recorded is rolled back.
        refusal: forms.ValidationError | None = None
        with login_attempts_serialized(str(self.data.get("login", ""))):
            try:
                cleaned = super().clean()
            except forms.ValidationError as exc:
                refusal = exc
        if refusal is not None:
            raise refusal
        return cleaned
