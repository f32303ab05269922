"""The built-in measures, and the function that installs them (by slug,
idempotently: the data migration and load_demo both call it)."""

from __future__ import annotations

from typing import Any

from progress import scoring

EMOTIONAL_INTIMACY = "emotional-intimacy-check"

BUILTIN_MEASURES: list[dict[str, Any]] = [
    {
        "slug": EMOTIONAL_INTIMACY,
        "title": "Emotional intimacy check",
        "summary": "Six statements, one for each part of feeling close: trust, knowing each other, give and take, "
        "commitment, care and leaning on each other. Higher means closer.",
        # One statement per component; the give-and-take one is worded the other way round (reversed).
        "items": [
            {
                "key": "trust",
                "text": "I rely on my partner to keep my needs in mind, even when I am not there.",
                "reversed": False,
            },
            {
                "key": "knowledge",
                "text": "My partner could describe how I am likely to react to a hard day.",
                "reversed": False,
            },
            {"key": "mutuality", "text": "Lately I put much more into us than I get back.", "reversed": True},
            {
                "key": "commitment",
                "text": "I am confident we will keep investing in this relationship for years.",
                "reversed": False,
            },
            {
                "key": "caring",
                "text": "When I struggle, my partner notices and offers help or comfort.",
                "reversed": False,
            },
            {
                "key": "interdependence",
                "text": "We lean on each other and decide the big things as a team.",
                "reversed": False,
            },
        ],
        "scale_labels": scoring.AGREEMENT_LABELS,
        "scoring": scoring.ScoringMethod.MEAN,
        "bands": [
            {"label": "Distant", "min": "1.00", "max": "2.49"},
            {"label": "Mixed", "min": "2.50", "max": "3.49"},
            {"label": "Connected", "min": "3.50", "max": "4.24"},
            {"label": "Close", "min": "4.25", "max": "5.00"},
        ],
        "visibility": "after_both",
        # What a Spanish reader sees; the scores and the stored band labels stay the English ones.
        "translations": {
            "es": {
                "title": "Chequeo de intimidad emocional",
                "summary": "Seis afirmaciones, una por cada parte de sentirse cerca: confianza, conocerse, "
                "dar y recibir, compromiso, cuidado y apoyarse mutuamente. Un puntaje más alto indica más cercanía.",
                "items": {
                    "trust": "Cuento con que mi pareja tenga presentes mis necesidades, aun cuando yo no estoy.",
                    "knowledge": "Mi pareja podría describir cómo es probable que yo reaccione ante un día difícil.",
                    "mutuality": "Últimamente pongo mucho más en lo nuestro de lo que recibo.",
                    "commitment": "Confío en que seguiremos invirtiendo en esta relación durante años.",
                    "caring": "Cuando paso por un mal momento, mi pareja lo nota y me ofrece ayuda o consuelo.",
                    "interdependence": "Nos apoyamos el uno en el otro y decidimos las cosas importantes en equipo.",
                },
                "scale_labels": [
                    "Muy en desacuerdo",
                    "En desacuerdo",
                    "Ni de acuerdo ni en desacuerdo",
                    "De acuerdo",
                    "Muy de acuerdo",
                ],
                "bands": {"Distant": "Distantes", "Mixed": "Variable", "Connected": "Conectados", "Close": "Cercanos"},
            }
        },
    },
]

_SYNCED = ("title", "summary", "items", "scale_labels", "scoring", "bands", "visibility", "translations")


def _wanted(entry: dict[str, Any]) -> dict[str, Any]:
    items = scoring.clean_items(entry["items"])
    return {
        "title": entry["title"],
        "summary": entry["summary"],
        "items": items,
        "scale_labels": scoring.clean_scale_labels(entry["scale_labels"]),
        "scoring": str(entry["scoring"]),
        "bands": scoring.clean_bands(entry["bands"], method=entry["scoring"], item_count=len(items)),
        "visibility": entry["visibility"],
        "translations": scoring.clean_translations(entry.get("translations")),
    }


def install_builtin_measures(measure_model: type[Any] | None = None) -> dict[str, int]:
    """Create or update each built-in measure by slug; rows already current
    are not saved again, so a second run changes nothing. ``measure_model``
    is the migration's historical model when called from a migration."""
    if measure_model is None:
        from progress.models import Measure

        measure_model = Measure
    manager = measure_model._default_manager
    existing = {measure.slug: measure for measure in manager.filter(owner__isnull=True)}
    counts = {"created": 0, "updated": 0}
    # A migration's historical model may predate a field (translations came with 0004).
    known = {field.name for field in measure_model._meta.get_fields()}
    synced = [name for name in _SYNCED if name in known]
    for entry in BUILTIN_MEASURES:
        wanted = {name: value for name, value in _wanted(entry).items() if name in known}
        current = existing.get(entry["slug"])
        if current is None:
            manager.create(slug=entry["slug"], owner=None, **wanted)
            counts["created"] += 1
        elif any(getattr(current, name) != wanted[name] for name in synced):
            for name in synced:
                setattr(current, name, wanted[name])
            current.save()
            counts["updated"] += 1
    return counts
