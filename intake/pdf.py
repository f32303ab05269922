"""A signed document as a PDF: the version's text, who signed it, when (in
the signer's time zone), from which address, and the SHA-256 of the text.

fpdf2 is pure Python (pip alone, as the embedded default requires); the
vendored DejaVu Sans (intake/fonts, licence beside it) carries accented and
non-Latin names, which the PDF core fonts cannot.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from fpdf import FPDF
from fpdf.fonts import TextStyle

from exercises.markdown import render_markdown
from intake.models import Signature

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "dejavu"


def _signed_at_text(signature: Signature) -> str:
    try:
        zone = zoneinfo.ZoneInfo(signature.signer.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.PRACTICE_TIME_ZONE)
    local = signature.signed_at.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({zone.key})"


def language_name(code: str) -> str:
    """A language's name in the language being written in ("Spanish", "español")."""
    names = dict(settings.LANGUAGES)
    return gettext(names[code]) if code in names else code


def _new_pdf() -> FPDF:
    pdf = FPDF(format="Letter")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    # No oblique face is shipped: emphasis is set upright rather than failing.
    pdf.add_font(FAMILY, "I", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "BI", str(FONTS / "DejaVuSans-Bold.ttf"))
    return pdf


def signature_pdf(signature: Signature) -> bytes:
    """The PDF of ``signature`` (with version__document, signer and revocation
    loaded), all in the language of the text signed (Signature.language): the
    signed text itself, its title and the record of the signature."""
    with translation.override(signature.language or "en"):
        return _signature_pdf(signature)


def _signature_pdf(signature: Signature) -> bytes:
    version = signature.version
    language = signature.language or "en"
    title = version.document.title_in(language)
    pdf = _new_pdf()
    pdf.set_lang(language)
    pdf.set_title(
        gettext("%(title)s, version %(number)d, signed by %(name)s")
        % {"title": title, "number": version.number, "name": signature.typed_name}
    )
    pdf.set_author(settings.PRACTICE_NAME)
    pdf.set_creation_date(signature.signed_at)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    heading = gettext("%(practice)s · version %(number)d") % {
        "practice": settings.PRACTICE_NAME,
        "number": version.number,
    }
    pdf.multi_cell(0, 5, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    monospace = TextStyle(font_family=FAMILY)  # the core Courier has no accents either
    pdf.write_html(
        str(render_markdown(version.text_in(language))),
        font_family=FAMILY,
        tag_styles={"code": monospace, "pre": monospace},
        warn_on_tags_not_matching=False,
    )
    pdf.ln(6)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(0, 7, gettext("Signature"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    revocation = getattr(signature, "revocation", None)
    not_recorded = gettext("not recorded")
    lines = [
        gettext("Signed by: %(name)s <%(email)s>")
        % {"name": signature.signer.full_name, "email": signature.signer.email},
        gettext("Typed name: %(name)s") % {"name": signature.typed_name},
        gettext("Agreement: the signer ticked “I agree”."),
        gettext("Signed at: %(when)s") % {"when": _signed_at_text(signature)},
        gettext("Language of the signed text: %(language)s") % {"language": language_name(language)},
        gettext("IP address: %(address)s") % {"address": signature.ip_address or not_recorded},
        gettext("Browser: %(browser)s") % {"browser": signature.user_agent or not_recorded},
        gettext("SHA-256 of the signed text: %(hash)s") % {"hash": signature.version_sha256},
    ]
    if revocation is not None:
        lines.append(
            gettext("REVOKED on %(when)s UTC. Reason: %(reason)s")
            % {"when": f"{revocation.revoked_at:%Y-%m-%d %H:%M}", "reason": revocation.reason}
        )
    for line in lines:
        pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
