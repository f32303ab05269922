"""Scoring: reversed items, sum and mean, bands; the built-in measure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from progress import scoring
from progress.builtin import BUILTIN_MEASURES, install_builtin_measures
from progress.models import Measure
from tests.seed_text import copied_runs

ITEMS = [
    {"key": "a", "text": "A", "reversed": False},
    {"key": "b", "text": "B", "reversed": True},
    {"key": "c", "text": "C", "reversed": False},
]
BANDS = [{"label": "Low", "min": "1", "max": "2.49"}, {"label": "High", "min": "2.5", "max": "5"}]


def test_a_reversed_item_counts_as_six_minus_the_answer():
    # a=5, b=5 reversed -> 1, c=3
    assert scoring.compute_score(ITEMS, "sum", {"a": 5, "b": 5, "c": 3}) == Decimal("9.00")


def test_the_mean_is_rounded_to_two_places():
    assert scoring.compute_score(ITEMS, "mean", {"a": 5, "b": 5, "c": 4}) == Decimal("3.33")


def test_an_unanswered_item_gives_no_score():
    assert scoring.compute_score(ITEMS, "mean", {"a": 5, "b": 5}) is None


def test_a_score_gets_the_band_it_falls_in():
    bands = scoring.clean_bands(BANDS, method="mean", item_count=3)
    assert scoring.band_for(bands, Decimal("2.49")) == "Low"
    assert scoring.band_for(bands, Decimal("2.50")) == "High"
    assert scoring.band_for(bands, Decimal("5.00")) == "High"


def test_overlapping_bands_are_refused():
    with pytest.raises(ValidationError) as caught:
        scoring.clean_bands([*BANDS, {"label": "Top", "min": "4", "max": "5"}], method="mean", item_count=3)
    assert "overlaps" in str(caught.value.message_dict["bands"])


def test_a_band_outside_the_score_range_is_refused():
    with pytest.raises(ValidationError):
        scoring.clean_bands([{"label": "Huge", "min": "1", "max": "16"}], method="sum", item_count=3)


def test_the_built_in_has_one_item_per_component_of_emotional_intimacy(intimacy):
    keys = [item["key"] for item in intimacy.items]
    assert keys == ["trust", "knowledge", "mutuality", "commitment", "caring", "interdependence"]
    assert intimacy.scale_labels[0] == "Strongly disagree" and intimacy.scale_labels[-1] == "Strongly agree"
    assert intimacy.owner is None and intimacy.is_builtin


def test_the_built_in_scores_the_reversed_mutuality_item_the_other_way(intimacy):
    fours = {item["key"]: 4 for item in intimacy.items}
    # five items count 4, "mutuality" counts 6 - 4 = 2: mean 22/6
    assert scoring.compute_score(intimacy.items, intimacy.scoring, fours) == Decimal("3.67")
    assert scoring.band_for(intimacy.bands, Decimal("3.67")) == "Connected"


def test_installing_the_built_ins_again_changes_nothing(db):
    before = list(Measure.objects.order_by("pk").values())
    assert install_builtin_measures() == {"created": 0, "updated": 0}
    assert list(Measure.objects.order_by("pk").values()) == before


def test_installing_restores_an_edited_built_in(intimacy):
    Measure.objects.filter(pk=intimacy.pk).update(title="Changed")
    assert install_builtin_measures()["updated"] == 1
    intimacy.refresh_from_db()
    assert intimacy.title == "Emotional intimacy check"


def test_the_built_in_copies_no_run_of_six_words_from_the_seed_articles():
    texts = [m["title"] for m in BUILTIN_MEASURES] + [m["summary"] for m in BUILTIN_MEASURES]
    texts += [item["text"] for m in BUILTIN_MEASURES for item in m["items"]]
    assert copied_runs(texts) == []
