"""The API answers what its OpenAPI schema says, for every role.

Schemathesis reads /api/schema/ from the running test server and sends
generated requests to every operation (examples, coverage, fuzzing and the
stateful phase that chains them), with an API token of a partner, of a
counselor and of a practice admin, running all its checks. Any server error
or schema violation fails the test, with schemathesis's report (each failure
with a curl line to reproduce it).

Configuration (tests/portal/schemathesis.toml): business rules a schema cannot
state (a time must be free, an id must be within the caller's scope) may turn
a schema-valid request away with 400, 404 or 409.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import totp_code

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
MAX_EXAMPLES = os.environ.get("API_CONFORMANCE_MAX_EXAMPLES", "5")


@pytest.fixture
def practice(counselor, practice_admin, couple, book, tuesday):
    """Dana's caseload with something in every list: an appointment, an
    assignment with an answered occurrence."""
    from datetime import time, timedelta

    from django.utils import timezone

    from exercises import services as exercise_services
    from exercises.builtin import install_builtin_templates
    from exercises.models import ExerciseTemplate, Occurrence

    install_builtin_templates()  # an earlier transactional test flushed the migration's rows
    book(tuesday, "10:00")
    template = ExerciseTemplate.objects.get(slug="weekly-check-in", owner=None)
    today = timezone.localdate()
    assignment = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=today,
        due_on=today + timedelta(days=3),
        due_time=time(20, 0),
    )
    occurrence = Occurrence.objects.filter(assignment=assignment).order_by("due_at").first()
    assert occurrence is not None
    return {"couple": couple, "occurrence": occurrence}


def _token(client, user, password) -> str:
    body = {"email": user.email, "password": password}
    if getattr(user, "totp_secret", None):
        body["otp_code"] = totp_code(user.totp_secret)
    response = client.post(reverse("api-token"), body, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()["token"]


def _token_scheme(client) -> str:
    """The name the schema gives the token security scheme (it follows the
    authentication library)."""
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
    for name, scheme in schema["components"]["securitySchemes"].items():
        if scheme.get("in") == "header" and scheme.get("name") == "Authorization":
            return name
    raise AssertionError(f"no token scheme in {schema['components']['securitySchemes']}")


def _run(live_server, tmp_path, *, scheme: str, token: str, role: str) -> subprocess.CompletedProcess:
    config = tmp_path / f"schemathesis-{role}.toml"
    config.write_text(
        CONFIG.read_text() + f'\n[auth.openapi.{scheme}]\napi_key = "Token {token}"\n',
    )
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            f"{live_server.url}/api/schema/",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            "20261206",
            "--workers",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("role", ["partner", "counselor", "practice_admin"])
def test_every_operation_answers_as_the_schema_says(role, practice, client, live_server, tmp_path, password, request):
    user = {
        "partner": practice["couple"].partner_one,
        "counselor": request.getfixturevalue("counselor"),
        "practice_admin": request.getfixturevalue("practice_admin"),
    }[role]
    done = _run(live_server, tmp_path, scheme=_token_scheme(client), token=_token(client, user, password), role=role)
    report = done.stdout[-20000:] + done.stderr[-2000:]
    assert done.returncode == 0, f"schemathesis as {role} found failures:\n{report}"
    assert " generated" in done.stdout  # it did run test cases
