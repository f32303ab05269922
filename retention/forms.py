from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from retention.models import MAX_YEARS


class RetentionForm(forms.Form):
    years = forms.IntegerField(
        label=_("Years to keep a closed couple's clinical content"),
        min_value=1,
        max_value=MAX_YEARS,
        help_text=_("Counted from the day the couple is closed. Many states require at least 7 years; check yours."),
    )


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("close", _("Close the account")), ("keep", _("Keep the account open"))],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Reply to the client"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the account stays open. No clinical content: the client may read it on any device."),
    )
