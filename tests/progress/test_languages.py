"""Measures in Spanish as well as English: a built-in measure carries its
Spanish (statements, scale, bands), a partner answers it in their language
and the counselor reads it in theirs; the score is the same in both."""

from __future__ import annotations

import csv
import io

from exercises.models import Response
from progress import services
from progress.models import MeasureScore
from tests.progress.helpers import ALL_FOURS

TRUST_EN = "I rely on my partner to keep my needs in mind, even when I am not there."
TRUST_ES = "Cuento con que mi pareja tenga presentes mis necesidades, aun cuando yo no estoy."


def test_the_built_in_measure_reads_in_spanish(intimacy):
    assert intimacy.title_in("es") == "Chequeo de intimidad emocional"
    assert intimacy.items_in("es")[0]["text"] == TRUST_ES
    assert intimacy.scale_labels_in("es")[0] == "Muy en desacuerdo"
    assert [band["label"] for band in intimacy.bands_in("es")] == ["Distantes", "Variable", "Conectados", "Cercanos"]
    assert intimacy.items_in("en")[0]["text"] == TRUST_EN


def test_the_measure_s_exercise_carries_the_spanish_of_each_statement(intimacy, assign_measure):
    assignment = assign_measure(intimacy)
    spanish = assignment.template.translations["es"]
    assert spanish["title"] == "Chequeo de intimidad emocional"
    assert spanish["fields"][0] == {
        "key": "trust",
        "label": TRUST_ES,
        "min_label": "Muy en desacuerdo",
        "max_label": "Muy de acuerdo",
    }
    assert assignment.translations["es"]["fields"][0]["label"] == TRUST_ES
    assert "Lea cada afirmación" in spanish["instructions"]


def test_a_spanish_partner_s_measure_page_shows_the_spanish_statements(
    intimacy, assign_measure, first_occurrence, partner, as_user, speaks
):
    occurrence = first_occurrence(assign_measure(intimacy))
    html = as_user(speaks(partner, "es")).get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()
    assert TRUST_ES in html and "Muy de acuerdo" in html
    assert TRUST_EN not in html


def test_an_english_partner_s_measure_page_stays_english(
    intimacy, assign_measure, first_occurrence, other_partner, as_user, speaks
):
    occurrence = first_occurrence(assign_measure(intimacy))
    html = as_user(speaks(other_partner, "en")).get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()
    assert TRUST_EN in html and "Strongly agree" in html
    assert TRUST_ES not in html


def test_the_score_does_not_depend_on_the_language_answered_in(
    intimacy, assign_measure, first_occurrence, answer, partner, other_partner, speaks
):
    occurrence = first_occurrence(assign_measure(intimacy))
    answer(occurrence, speaks(partner, "es"), ALL_FOURS)
    answer(occurrence, speaks(other_partner, "en"), ALL_FOURS)
    scores = {s.partner_id: (s.score, s.band) for s in MeasureScore.objects.filter(response__occurrence=occurrence)}
    assert scores[partner.pk] == scores[other_partner.pk]
    assert scores[partner.pk][1] == "Connected"  # stored as the English key, shown in the reader's language


def test_a_spanish_partner_reads_the_band_in_spanish_on_their_progress_page(
    intimacy, assign_measure, first_occurrence, answer, partner, couple, as_user, speaks
):
    occurrence = first_occurrence(assign_measure(intimacy))
    answer(occurrence, partner, ALL_FOURS)
    html = as_user(speaks(partner, "es")).get(f"/couples/{couple.pk}/progress/").content.decode()
    assert "Chequeo de intimidad emocional" in html and "(Conectados)" in html
    assert "Puntajes a lo largo del tiempo" in html


def test_the_counselor_reads_the_measure_in_their_own_language(intimacy, counselor, as_user, speaks):
    client = as_user(speaks(counselor, "en"))
    assert TRUST_EN in client.get(f"/measures/{intimacy.pk}/").content.decode()
    speaks(counselor, "es")
    html = client.get(f"/measures/{intimacy.pk}/").content.decode()
    assert TRUST_ES in html and "Asignar a una pareja" in html


def test_a_counselor_s_own_measure_gets_the_portal_s_spanish_scale(counselor, partner, speaks):
    measure = services.measure_create(owner=counselor, title="Calm", items=[{"key": "calm", "text": "I feel calm."}])
    assert measure.scale_labels_in("es") == [
        "Muy en desacuerdo",
        "En desacuerdo",
        "Ni de acuerdo ni en desacuerdo",
        "De acuerdo",
        "Muy de acuerdo",
    ]
    assert measure.items_in("es")[0]["text"] == "I feel calm."  # what the counselor wrote, as written


def test_the_csv_headers_are_in_the_requester_s_language(
    intimacy, assign_measure, first_occurrence, answer, partner, couple, counselor, as_user, speaks
):
    answer(first_occurrence(assign_measure(intimacy)), partner, ALL_FOURS)
    response = as_user(speaks(counselor, "es")).get(f"/couples/{couple.pk}/progress/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["registro", "fecha", "miembro", "medida", "puntaje"]
    assert rows[1][0] == "puntaje" and rows[1][3] == "Chequeo de intimidad emocional"


def test_the_dashboard_s_reasons_are_in_the_counselor_s_language(
    intimacy, assign_measure, first_occurrence, answer, partner, counselor, as_user, speaks
):
    answer(first_occurrence(assign_measure(intimacy)), partner, ALL_FOURS)
    assert Response.objects.filter(reviewed_at__isnull=True).exists()
    rows = as_user(speaks(counselor, "es")).get("/dashboard/").context["rows"]
    assert "1 respuesta esperando revisión" in rows[0].reasons


def test_a_charts_spoken_summary_writes_dates_and_scores_the_spanish_way():
    from datetime import UTC, datetime
    from decimal import Decimal

    from django.utils import translation

    from progress.charts import Series, score_chart

    when = datetime(2026, 10, 26, 12, tzinfo=UTC)
    series = [Series(name="Sam", points=[(when, Decimal("2.67"))])]
    with translation.override("es"):
        chart = score_chart(chart_id="c", title="t", series=series, y_min=1, y_max=5, start=when, end=when)
    assert "Sam: 26 Oct 2,67." in chart  # the day before the month, a decimal comma
