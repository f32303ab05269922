"""Factories for the people the tests talk about.

Personas (see conftest): a counselor and their couple (two partners),
another counselor with another couple, and a practice admin.
"""

from __future__ import annotations

import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import Couple, Role, User
from scheduling.models import Location

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    role = Role.CLIENT
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClientFactory(UserFactory):
    role = Role.CLIENT


class CounselorFactory(UserFactory):
    role = Role.COUNSELOR


class PracticeAdminFactory(UserFactory):
    role = Role.PRACTICE_ADMIN


class CoupleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Couple

    partner_one = factory.SubFactory(ClientFactory)
    partner_two = factory.SubFactory(ClientFactory)
    primary_counselor = factory.SubFactory(CounselorFactory)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Office {n}")
    slug = factory.Sequence(lambda n: f"office-{n}")
    city = "Seattle"
    phone = "(206) 555-0100"


def enable_totp(user: User) -> str:
    """Turn on TOTP for a user; returns the secret so a test can make codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return secret


# A code is only accepted within its own 30-second step (allauth's tolerance
# is 0). A code made in the step's last seconds can reach the server in the
# next one on a busy machine (a browser fills and submits it), so the helper
# waits for a fresh step rather than hand out a code about to expire.
TOTP_MARGIN_SECONDS = 5.0


def totp_code(secret: str) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left + 0.05)
    counter = int(time.time() // period)
    return format_hotp_value(hotp_value(secret, counter))
