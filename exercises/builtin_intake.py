"""The built-in questionnaires of the intake packet (intake/ gives them to a
new couple; counselors may also assign them from the library).

Both are answered by each partner separately and read by the counselor
only. They are the practice's drafts, in our own words, to be reviewed by
the practice before use. The safety check-in is not a validated screening
instrument; intake/safety.py says which of its answers raise a flag for
the counselor.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from exercises.fields import FieldSpec
from exercises.translations import localized_title

INTAKE_QUESTIONNAIRE_SLUG = "intake-about-you"
SAFETY_SCREEN_SLUG = "intake-private-safety-check-in"


# A question's Spanish: its label; or (label, {choice value: label}) for a
# choice; or (label, low end, high end) for a scale; or a dict of the
# translation's own keys (label, help_text, choices, min_label, max_label).
SpanishQuestion = str | tuple[str, dict[str, str]] | tuple[str, str, str] | dict[str, Any]


def spanish(title: str, summary: str, instructions: str, questions: dict[str, SpanishQuestion]) -> dict[str, Any]:
    """A built-in's ``translations`` entry for Spanish, written compactly."""
    fields: list[dict[str, Any]] = []
    for key, question in questions.items():
        if isinstance(question, str):
            fields.append({"key": key, "label": question})
        elif isinstance(question, dict):
            fields.append({"key": key, **question})
        elif len(question) == 2:
            fields.append({"key": key, "label": question[0], "choices": question[1]})
        else:
            fields.append({"key": key, "label": question[0], "min_label": question[1], "max_label": question[2]})
    text = {"title": title, "summary": summary, "instructions": instructions.strip(), "fields": fields}
    return {"es": text}


def _field(key: str, kind: str, label: str, *, required: bool = True, help_text: str = "", **extra: Any) -> FieldSpec:
    spec: FieldSpec = {"key": key, "kind": kind, "label": label, "help_text": help_text, "required": required}
    spec.update(extra)
    return spec


def _options(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


INTAKE_TEMPLATES: list[dict[str, Any]] = [
    {
        "slug": INTAKE_QUESTIONNAIRE_SLUG,
        "title": "Before your first session: about you",
        "summary": "A few questions about what brings you, so your counselor can prepare. Each of you answers alone.",
        "category": "other",
        "estimated_minutes": 10,
        "completion_mode": "each_partner",
        "visibility": "counselor_only",
        "kind": "once",
        "instructions": """\
*Draft for the practice to review before use.*

Your counselor reads your answers before your first session. Your partner
does not see them: each of you answers on your own, in your own words.
There are no right answers, and a few lines are enough. Anything you would
rather say in person can wait for the session.
""",
        "fields": [
            _field("what_brings_you", "long_text", "What brings you to counseling now?", max_length=2000),
            _field(
                "hopes",
                "long_text",
                "If counseling helps, what will be different in six months?",
                max_length=2000,
            ),
            _field("years_together", "number", "How many years have you been together?", required=False, min=0, max=80),
            _field(
                "counseled_before",
                "yes_no",
                "Have the two of you seen a counselor together before?",
                required=False,
            ),
            _field(
                "stress",
                "scale",
                "How much strain is the relationship under right now?",
                min_label="Very little",
                max_label="A great deal",
            ),
            _field(
                "health",
                "long_text",
                "Is there anything about your health, medication or circumstances your counselor should know?",
                required=False,
                max_length=2000,
            ),
        ],
    },
    {
        "slug": SAFETY_SCREEN_SLUG,
        "title": "Private check-in: safety at home",
        "summary": "A short private check-in about safety. Only your counselor reads it; your partner never does.",
        "category": "other",
        "estimated_minutes": 5,
        "completion_mode": "each_partner",
        "visibility": "counselor_only",
        "kind": "once",
        "instructions": """\
*Draft for the practice to review before use. It is a conversation starter
for your counselor, not a test or a diagnosis.*

Counseling together works best when both partners feel safe to speak
openly. So we ask each partner, privately, a few questions about safety at
home. **Only your counselor reads your answers.** Your partner does not see
them, and is not told whether you have answered. You may skip anything you
prefer to talk about in person.

If you are in danger right now, call 911. The National Domestic Violence
Hotline answers day and night at 1-800-799-7233 (or text START to 88788).
""",
        "fields": [
            _field(
                "feel_safe",
                "single_choice",
                "Do you feel safe at home?",
                choices=_options(("yes", "Yes"), ("mostly", "Mostly"), ("unsure", "I am not sure"), ("no", "No")),
            ),
            _field(
                "afraid",
                "single_choice",
                "In the past year, have you felt afraid of your partner?",
                choices=_options(("never", "Never"), ("sometimes", "Sometimes"), ("often", "Often")),
            ),
            _field(
                "hurt",
                "single_choice",
                "In the past year, has your partner pushed, hit, choked or otherwise physically hurt you?",
                choices=_options(("no", "No"), ("yes", "Yes"), ("rather_not_say", "I would rather not say here")),
            ),
            _field(
                "control",
                "checklist",
                "In the past year, has your partner done any of these? Tick any that apply.",
                required=False,
                choices=_options(
                    ("watches", "Checked my phone, messages or whereabouts against my wishes"),
                    ("money", "Kept me from money I need"),
                    ("isolates", "Kept me from seeing friends or family"),
                    ("threatens", "Threatened me, the children, pets, or to hurt themselves"),
                    ("pressures", "Pressured or forced me into sexual activity"),
                ),
            ),
            _field(
                "speak_openly",
                "single_choice",
                "How do you feel about speaking openly in joint sessions?",
                choices=_options(
                    ("comfortable", "Comfortable"),
                    ("hesitant", "A little hesitant"),
                    ("afraid", "Afraid of what might happen afterwards"),
                ),
            ),
            _field(
                "for_counselor",
                "long_text",
                "Is there anything you want your counselor to know privately?",
                required=False,
                max_length=2000,
            ),
        ],
    },
]

# What e-mails, in-app notices and calendar feeds call the safety check-in:
# they may be read over a partner's shoulder, on a shared device or calendar.
DISCREET_TITLE = gettext_noop("A private questionnaire")  # translated where it is shown


def title_outside_the_portal(template: Any) -> str:
    """An exercise's title as shown outside the portal's pages, in the active
    language (e-mails are written inside the recipient's override_for): the
    safety check-in's stays private (DISCREET_TITLE), any other is its title."""
    if getattr(template, "is_builtin", False) and getattr(template, "slug", "") == SAFETY_SCREEN_SLUG:
        return gettext(DISCREET_TITLE)
    return localized_title(template)


# --- Their Spanish (see spanish()) ---------------------------------------------------

_SPANISH = {
    INTAKE_QUESTIONNAIRE_SLUG: spanish(
        "Antes de su primera sesión: sobre usted",
        "Algunas preguntas sobre lo que le trae, para que su consejero o consejera pueda prepararse. "
        "Cada uno responde por separado.",
        """\
*Borrador: el consultorio debe revisarlo antes de usarlo.*

Su consejero o consejera lee sus respuestas antes de la primera sesión. Su
pareja no las ve: cada uno contesta por su cuenta y con sus propias
palabras. No hay respuestas correctas, y bastan unas pocas líneas. Lo que
prefiera contar en persona puede esperar a la sesión.
""",
        {
            "what_brings_you": "¿Qué le trae a la consejería en este momento?",
            "hopes": "Si la consejería da resultado, ¿qué será distinto dentro de seis meses?",
            "years_together": "¿Cuántos años llevan juntos?",
            "counseled_before": "¿Han asistido juntos a consejería de pareja anteriormente?",
            "stress": ("¿Cuánta tensión está atravesando la relación ahora mismo?", "Muy poca", "Muchísima"),
            "health": "¿Hay algo sobre su salud, sus medicamentos o su situación que su consejero o consejera "
            "deba saber?",
        },
    ),
    SAFETY_SCREEN_SLUG: spanish(
        "Consulta privada: seguridad en casa",
        "Unas preguntas breves y privadas sobre su seguridad. Solo las lee su consejero o consejera; su pareja, nunca.",
        """\
*Borrador: el consultorio debe revisarlo antes de usarlo. Sirve para abrir
una conversación con su consejero o consejera; no es una prueba ni un
diagnóstico.*

La consejería en pareja da mejores frutos cuando las dos personas se sienten
a salvo para hablar con franqueza. Por eso preguntamos a cada una, en
privado, algunas cosas sobre la seguridad en casa. **Solo su consejero o
consejera lee sus respuestas.** Su pareja no las ve, y tampoco se le avisa si
usted respondió o no. Puede dejar sin contestar lo que prefiera hablar en
persona.

Si en este momento corre peligro, llame al 911. La Línea Nacional contra la
Violencia Doméstica atiende a toda hora en el 1-800-799-7233 (también puede
enviar un mensaje de texto con la palabra START al 88788).
""",
        {
            "feel_safe": (
                "¿Siente que está a salvo en su casa?",
                {"yes": "Sí", "mostly": "Casi siempre", "unsure": "No lo sé con certeza", "no": "No"},
            ),
            "afraid": (
                "Durante el último año, ¿ha sentido miedo de su pareja?",
                {"never": "Nunca", "sometimes": "A veces", "often": "Con frecuencia"},
            ),
            "hurt": (
                "Durante el último año, ¿su pareja le ha empujado, golpeado, estrangulado o lastimado "
                "físicamente de alguna otra manera?",
                {"no": "No", "yes": "Sí", "rather_not_say": "Prefiero no responder esto aquí"},
            ),
            "control": (
                "Durante el último año, ¿su pareja ha hecho alguna de estas cosas? Marque todas las que correspondan.",
                {
                    "watches": "Revisar mi teléfono, mis mensajes o mi paradero en contra de mi voluntad",
                    "money": "Impedirme disponer del dinero que necesito",
                    "isolates": "Impedirme ver a mis amistades o a mi familia",
                    "threatens": "Amenazarme a mí, a los hijos o a las mascotas, o amenazar con hacerse daño",
                    "pressures": "Presionarme u obligarme a tener actividad sexual",
                },
            ),
            "speak_openly": (
                "¿Cómo se siente ante la idea de hablar con franqueza en las sesiones conjuntas?",
                {
                    "comfortable": "Con tranquilidad",
                    "hesitant": "Con algo de duda",
                    "afraid": "Con miedo de lo que pueda pasar después",
                },
            ),
            "for_counselor": "¿Hay algo que quiera que su consejero o consejera sepa en privado?",
        },
    ),
}
for _entry in INTAKE_TEMPLATES:
    _entry["translations"] = _SPANISH[_entry["slug"]]
