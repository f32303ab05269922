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
