"""Business rules for accounts, couples and invitations.

Every change to people or couples goes through a function here, which also
writes an AuditEvent. Views, serializers, admin actions and tasks call these.
One module per subject, re-exported so callers keep writing
``services.couple_invite(...)``: audit, couples, invitations, profile,
emails, safety, staff.
"""

from accounts.services.audit import audit_record, audit_record_many
from accounts.services.couples import (
    EMAIL_TAKEN_CONSTRAINTS,
    INVITE_ACCEPTED_TEXT,
    InvitationClash,
    PartnerDetails,
    couple_invite,
    couple_invite_or_hold,
    couple_set_status,
    held_invitation_resolve,
)
from accounts.services.emails import (
    SAFETY_NOTICE_SUBJECT,
    email_from_dict,
    email_to_dict,
    neutral_from_email,
    safety_notice_message,
)
from accounts.services.invitations import (
    INVITATION_SALT,
    InvitationInvalid,
    invitation_accept,
    invitation_from_token,
    invitation_resend,
    invitation_send_email,
    invitation_token,
    invitation_url,
)
from accounts.services.profile import user_set_language, user_update_profile
from accounts.services.safety import risk_flag_raise, risk_flag_review, safety_mode_set
from accounts.services.staff import (
    EMAIL_TAKEN,
    counselor_deactivate,
    counselor_invite,
    couple_reassign,
    staff_details_update,
)

__all__ = [
    "EMAIL_TAKEN",
    "EMAIL_TAKEN_CONSTRAINTS",
    "INVITATION_SALT",
    "INVITE_ACCEPTED_TEXT",
    "SAFETY_NOTICE_SUBJECT",
    "InvitationClash",
    "InvitationInvalid",
    "PartnerDetails",
    "audit_record",
    "audit_record_many",
    "counselor_deactivate",
    "counselor_invite",
    "couple_invite",
    "couple_invite_or_hold",
    "couple_reassign",
    "couple_set_status",
    "email_from_dict",
    "email_to_dict",
    "held_invitation_resolve",
    "invitation_accept",
    "invitation_from_token",
    "invitation_resend",
    "invitation_send_email",
    "invitation_token",
    "invitation_url",
    "neutral_from_email",
    "risk_flag_raise",
    "risk_flag_review",
    "safety_mode_set",
    "safety_notice_message",
    "staff_details_update",
    "user_set_language",
    "user_update_profile",
]
