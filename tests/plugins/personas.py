"""The named people every test can ask for (Dana the counselor, Alex at the
front desk, Sam and Riley the couple...), built with tests/factories.py,
and the settings every test runs under."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from config.celery import app as celery_app
from tests.factories import (
    DEFAULT_PASSWORD,
    ClientFactory,
    CounselorFactory,
    CoupleFactory,
    PracticeAdminFactory,
    enable_totp,
)


def pytest_configure(config):
    from django.conf import settings

    # Real hashing costs ~0.3 s a password; the tests do not measure it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A page request leaves its reader's language active in the thread (the
    locale middleware activates it, nothing deactivates it): the next test
    starts in English, as a worker does."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def counselor(db):
    """Dana Reyes, a counselor with two-factor authentication on."""
    user = CounselorFactory(full_name="Dana Reyes", email="dana@practice.test")
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def other_counselor(db):
    user = CounselorFactory(full_name="Owen Park", email="owen@practice.test")
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def practice_admin(db):
    """Alex Front, the front-desk admin, with two-factor authentication on."""
    user = PracticeAdminFactory(full_name="Alex Front", email="alex@practice.test")
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def couple(counselor):
    """Sam and Riley, on Dana's caseload."""
    return CoupleFactory(
        partner_one=ClientFactory(full_name="Sam Lee", email="sam@example.test"),
        partner_two=ClientFactory(full_name="Riley Lee", email="riley@example.test"),
        primary_counselor=counselor,
    )


@pytest.fixture
def other_couple(other_counselor):
    """Jo and Kim, on Owen's caseload."""
    return CoupleFactory(
        partner_one=ClientFactory(full_name="Jo Diaz", email="jo@example.test"),
        partner_two=ClientFactory(full_name="Kim Diaz", email="kim@example.test"),
        primary_counselor=other_counselor,
    )


@pytest.fixture
def partner(couple):
    return couple.partner_one


@pytest.fixture
def other_partner(couple):
    return couple.partner_two


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def speaks():
    """speaks(user, "es") -> the user, reading the portal in that language."""

    def set_language(user, language):
        user.language = language
        user.save(update_fields=["language"])
        return user

    return set_language


@pytest.fixture
def as_user():
    """as_user(user) -> a test client logged in as that user."""
    return _logged_in


@pytest.fixture
def personas(counselor, other_counselor, practice_admin, couple, other_couple):
    return SimpleNamespace(
        counselor=counselor,
        other_counselor=other_counselor,
        admin=practice_admin,
        couple=couple,
        other_couple=other_couple,
        partner=couple.partner_one,
        other_partner=couple.partner_two,
    )
