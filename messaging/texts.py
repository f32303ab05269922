"""Built-in words of messaging, in our own plain language.

CONFIDENTIALITY_*: shown to a partner before they first write in a private
thread, when the practice has not published its own couples' confidentiality
document (intake's "couples-confidentiality"); see
messaging.selectors.confidentiality_text.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONFIDENTIALITY_TITLE = _("Writing to your counselor privately")

CONFIDENTIALITY_TEXT = _(
    """\
In couples counseling your counselor works for your relationship, not for
one of you against the other. Please read this before you write privately.

- **Your partner cannot see this conversation.** Only you and your couple's
  counselors read it.
- **Private does not mean secret.** Your counselor may bring what you write
  here into your joint sessions, as the practice's policy for couples work
  allows. They will use judgment about when and how, and will talk with you
  first.
- **Your counselor will not keep a secret that harms the relationship**, such
  as an ongoing affair. They will help you tell your partner yourself; if you
  choose not to, they may end the couples work rather than keep it.
- **Safety comes first.** Nothing here asks your counselor to share what would
  put anyone at risk. If you are afraid of your partner, say so: your
  counselor will talk with you about safety.
- **This is not for emergencies.** Messages are not read around the clock. In a
  crisis call 988 (the Suicide and Crisis Lifeline) or 911.
"""
)
