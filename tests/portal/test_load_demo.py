from io import StringIO

from django.apps import apps
from django.core.management import call_command

from accounts.models import Couple, Role, User
from config import demo
from scheduling.models import Location, LocationKind


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every model, so a second run can be compared field by field."""
    return {
        model._meta.label: sorted(model.objects.values_list(), key=repr)
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "scheduling", "exercises", "account", "mfa"}
    }


def test_load_demo_builds_every_seed_office_and_an_online_one(db):
    call_command("load_demo", stdout=StringIO())
    assert Location.objects.filter(kind=LocationKind.IN_PERSON).count() == len(demo.OFFICES) == 23
    online = Location.objects.get(kind=LocationKind.ONLINE)
    assert online.phone == "(206) 388-3929"
    greenlake = Location.objects.get(slug="seattle-greenlake")
    assert greenlake.address == "6827 Oswego Place NE, Suite B, Seattle, WA 98115"


def test_load_demo_builds_an_admin_three_counselors_and_four_couples(db):
    call_command("load_demo", stdout=StringIO())
    assert User.objects.filter(role=Role.PRACTICE_ADMIN).count() == 1
    assert User.objects.filter(role=Role.COUNSELOR).count() == 3
    assert Couple.objects.count() == 4


def test_load_demo_prints_the_demo_logins(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "frontdesk@demo.test" in out.getvalue()
    assert demo.DEMO_PASSWORD in out.getvalue()


def test_load_demo_a_second_time_changes_nothing(db):
    call_command("load_demo", stdout=StringIO())
    before = _snapshot()
    call_command("load_demo", stdout=StringIO())
    assert _snapshot() == before


def test_demo_accounts_can_log_in_with_the_printed_password(db, client):
    call_command("load_demo", stdout=StringIO())
    response = client.post("/accounts/login/", {"login": "maya.chen@demo.test", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_load_demo_gives_each_active_couple_weeks_of_exercises_scores_and_sessions(db):
    from exercises.models import Response
    from progress.models import MeasureScore
    from scheduling.models import Appointment

    call_command("load_demo", stdout=StringIO())
    for couple in Couple.objects.filter(status="active"):
        assert Response.objects.filter(occurrence__assignment__couple=couple, state="submitted").count() >= 4
        assert MeasureScore.objects.filter(response__occurrence__assignment__couple=couple).count() >= 4
        assert Appointment.objects.filter(couple=couple).exists()
