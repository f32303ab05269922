from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intake.services.documents import MAX_TEXT_LENGTH


class DraftForm(forms.Form):
    text = forms.CharField(
        label=_("Text (Markdown)"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Headings start with ##, lists with -. Saving keeps it a draft: nobody sees it until you publish."),
    )
    text_es = forms.CharField(
        label=_("Spanish text (Markdown)"),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "lang": "es"}),
        help_text=_(
            "The same version in Spanish, optional: partners who read the portal in Spanish read and sign it. "
            "Leave it empty and they read the English text."
        ),
    )

    def translations(self) -> dict[str, str]:
        return {"es": self.cleaned_data.get("text_es") or ""}


class PublishForm(forms.Form):
    reviewed = forms.BooleanField(
        label=_("I have read this version and the practice approves it for clients to sign."), required=True
    )
    must_resign = forms.BooleanField(
        label=_("Partners who signed an earlier version must sign this one again."), required=False
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label=_("Type your full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    agreed = forms.BooleanField(label=_("I agree to this document."), required=True)
    # The language of the text shown on the page: the one signed.
    language = forms.CharField(max_length=8, required=False, widget=forms.HiddenInput)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you revoking your signature?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your counselor and the front desk will see this reason."),
    )


class PacketAddForm(forms.Form):
    """Add a document or a questionnaire to one couple's packet (the choices are set by the view)."""

    document = forms.TypedChoiceField(label=_("Add a document"), coerce=int, required=False, empty_value=None)
    template = forms.TypedChoiceField(label=_("or add a questionnaire"), coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args: object, documents: list[tuple[int, str]], templates: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["document"].choices = [("", "—"), *documents]  # type: ignore[attr-defined]
        self.fields["template"].choices = [("", "—"), *templates]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("document") is None) == (data.get("template") is None):
            raise forms.ValidationError(gettext("Choose either a document or a questionnaire."))
        return data


class HoldOverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why may the first session go ahead without the signatures?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept on the couple's record and in the audit trail."),
    )


class DefaultPacketForm(forms.Form):
    documents = forms.TypedMultipleChoiceField(
        label=_("Documents each partner signs"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    templates = forms.TypedMultipleChoiceField(
        label=_("Questionnaires each partner answers (read by the counselor only)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: object, documents: list[tuple[int, str]], templates: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["documents"].choices = documents  # type: ignore[attr-defined]
        self.fields["templates"].choices = templates  # type: ignore[attr-defined]
