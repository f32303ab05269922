"""Which answers to the private safety check-in raise a flag for the counselor.

The flag carries no content: it says only that the counselor should read
this partner's check-in (and talk with them alone) before joint work. The
rule is deliberately wide: any answer that is not a plain "safe" raises it,
an unanswered question does not. The check-in is the practice's draft, not a
validated instrument; the practice may tune this rule with its clinicians.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exercises.builtin_intake import SAFETY_SCREEN_SLUG

# field key -> the answers that raise the flag
FLAGGING_ANSWERS: dict[str, frozenset[str]] = {
    "feel_safe": frozenset({"mostly", "unsure", "no"}),
    "afraid": frozenset({"sometimes", "often"}),
    "hurt": frozenset({"yes", "rather_not_say"}),
    "control": frozenset({"watches", "money", "isolates", "threatens", "pressures"}),
    "speak_openly": frozenset({"afraid"}),
}


def is_safety_screen(template_slug: str, *, builtin: bool) -> bool:
    return builtin and template_slug == SAFETY_SCREEN_SLUG


def indicates_risk(answers: Mapping[str, Any]) -> bool:
    """True when any answer is among the flagging ones (a checklist: any ticked)."""
    for key, flagging in FLAGGING_ANSWERS.items():
        value = answers.get(key)
        chosen = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and item in flagging for item in chosen):
            return True
    return False
