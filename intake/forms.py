from __future__ import annotations

from django import forms

from intake.services.documents import MAX_TEXT_LENGTH


class DraftForm(forms.Form):
    text = forms.CharField(
        label="Text (Markdown)",
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text="Headings start with ##, lists with -. Saving keeps it a draft: nobody sees it until you publish.",
    )


class PublishForm(forms.Form):
    reviewed = forms.BooleanField(
        label="I have read this version and the practice approves it for clients to sign.", required=True
    )
    must_resign = forms.BooleanField(
        label="Partners who signed an earlier version must sign this one again.", required=False
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label="Type your full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    agreed = forms.BooleanField(label="I agree to this document.", required=True)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why are you revoking your signature?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your counselor and the front desk will see this reason.",
    )


class PacketAddForm(forms.Form):
    """Add a document or a questionnaire to one couple's packet (the choices are set by the view)."""

    document = forms.TypedChoiceField(label="Add a document", coerce=int, required=False, empty_value=None)
    template = forms.TypedChoiceField(label="or add a questionnaire", coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args: object, documents: list[tuple[int, str]], templates: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["document"].choices = [("", "—"), *documents]  # type: ignore[attr-defined]
        self.fields["template"].choices = [("", "—"), *templates]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("document") is None) == (data.get("template") is None):
            raise forms.ValidationError("Choose either a document or a questionnaire.")
        return data


class HoldOverrideForm(forms.Form):
    reason = forms.CharField(
        label="Why may the first session go ahead without the signatures?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept on the couple's record and in the audit trail.",
    )


class DefaultPacketForm(forms.Form):
    documents = forms.TypedMultipleChoiceField(
        label="Documents each partner signs", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    templates = forms.TypedMultipleChoiceField(
        label="Questionnaires each partner answers (read by the counselor only)",
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
