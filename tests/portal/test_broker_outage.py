"""A broker (Redis) that accepts connections and never answers: a request
that queues a task gives up on it within about two seconds and still does
its work (an account e-mail is then sent from the request itself)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client

from config.celery import app as celery_app
from tests.processes import SilentServer, app_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def hung_broker() -> Iterator[SilentServer]:
    silent = SilentServer()
    celery_app.conf.task_always_eager = False
    try:
        with app_broker(f"redis://127.0.0.1:{silent.port}/0"):
            yield silent
    finally:
        celery_app.conf.task_always_eager = True
        silent.close()


def test_a_password_reset_with_the_broker_hung_answers_within_three_seconds(hung_broker, partner):
    started = time.monotonic()
    response = Client().post("/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302
    assert time.monotonic() - started < 3.0


def test_with_the_broker_hung_the_reset_e_mail_still_goes(hung_broker, partner):
    Client().post("/accounts/password/reset/", {"email": partner.email})
    assert [message.to for message in mail.outbox] == [[partner.email]]
