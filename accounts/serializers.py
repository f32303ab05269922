from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Couple, Invitation, User
from portal import policy
from portal.api import ScopedPrimaryKeyRelatedField


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "email", "phone"]


class CounselorSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]


class MeSerializer(serializers.ModelSerializer):
    two_factor_enabled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "time_zone", "language", "phone", "two_factor_enabled"]
        read_only_fields = ["id", "email", "role", "two_factor_enabled"]
        extra_kwargs = {"language": {"help_text": _("The language of one's pages and e-mails; empty: the practice's.")}}

    def get_two_factor_enabled(self, user: User) -> bool:
        from allauth.mfa.utils import is_mfa_enabled

        return is_mfa_enabled(user)

    def validate_time_zone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(gettext("Use an IANA time zone name such as America/Los_Angeles."))
        return value


class CoupleSerializer(serializers.ModelSerializer):
    """Names, contact details and status: what every role in scope may see of
    a couple. Clinical content never appears here."""

    partners = serializers.SerializerMethodField()
    primary_counselor = CounselorSerializer(read_only=True)
    other_counselors = CounselorSerializer(many=True, read_only=True)

    class Meta:
        model = Couple
        fields = ["id", "partners", "primary_counselor", "other_counselors", "status", "started_on", "time_zone"]

    def get_partners(self, couple: Couple) -> list[dict]:
        return PersonSerializer(couple.partners, many=True).data  # type: ignore[return-value]


class CoupleStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Couple._meta.get_field("status").choices)  # type: ignore[arg-type]


class InvitationSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    couple: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    accepted = serializers.BooleanField(source="is_accepted", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "couple", "full_name", "email", "accepted", "accepted_at", "last_sent_at", "send_count"]


def _partner_language_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[("", _("The practice's language")), *settings.LANGUAGES],
        required=False,
        default="",
        help_text=_("The language the partner reads the portal and its e-mails in; empty: the practice's."),
    )


class InviteCoupleSerializer(serializers.Serializer):
    partner_one_name = serializers.CharField(max_length=150)
    partner_one_email = serializers.EmailField()
    partner_one_language = _partner_language_field()
    partner_two_name = serializers.CharField(max_length=150)
    partner_two_email = serializers.EmailField()
    partner_two_language = _partner_language_field()
    primary_counselor = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(), scope=policy.counselors_assignable_by, required=False
    )
    time_zone = serializers.CharField(required=False)

    def validate_time_zone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(gettext("Use an IANA time zone name such as America/Los_Angeles."))
        return value


class InviteAcceptedSerializer(serializers.Serializer):
    """The answer to an invitation, the same whoever the addresses belong to."""

    detail = serializers.CharField()


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_code = serializers.CharField(
        required=False, allow_blank=True, help_text=_("TOTP or recovery code, if 2FA is on.")
    )


class TokenRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    otp_code = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Present when a code is missing or wrong.")
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_('Send it as "Authorization: Token <token>". Shown only once.'))
    expiry = serializers.DateTimeField(
        help_text=_(
            "When the token stops working (API_TOKEN_HOURS after it was made). Each call to this endpoint "
            "makes a new token; a password change or signing out everywhere revokes them all."
        )
    )
