"""Forms of the messaging pages (the rules are the services'; these only parse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import MAX_BODY, MAX_SUBJECT, ThreadKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the services check each one's bytes and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text; **bold**, lists and links work."),
    )
    attachments = MultipleFileField(
        label=_("Attach pictures or PDFs"),
        required=False,
        help_text=_("JPEG, PNG, GIF, WebP or PDF, up to 10 MB each."),
    )


class EditForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 5}))


class NewThreadForm(forms.Form):
    couple = forms.TypedChoiceField(label=_("Couple"), coerce=int)
    kind = forms.ChoiceField(label=_("Conversation"), choices=ThreadKind.choices, widget=forms.RadioSelect)
    partner = forms.TypedChoiceField(
        label=_("With which partner (a private conversation)"), coerce=int, required=False, empty_value=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT, required=False)
    body = forms.CharField(label=_("Message"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(
        self, *args: Any, couples: list[tuple[int, str]], partners: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["couple"].choices = couples  # type: ignore[attr-defined]
        self.fields["partner"].choices = [("", "—"), *partners]  # type: ignore[attr-defined]
