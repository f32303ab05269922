"""Between-session exercises.

- ExerciseTemplate: what an exercise asks (its fields are data, see fields.py);
  built-in (owner null) or a counselor's own.
- Assignment: a template given to a couple, once (due_at) or on a recurrence
  (rrule + due_time in the couple's time zone).
- Occurrence: one due instance of an assignment.
- Response: a partner's (or, for a joint exercise, the couple's) answer to an
  occurrence; ResponseVersion keeps earlier submitted answers.
- Comment: a counselor's note on an occurrence or a response.
- CoupleExerciseSettings: per-couple switches, such as high-conflict.

Rules live in services.py (changes) and portal/policy/ (who may see what).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from exercises import recurrence
from exercises.fields import clean_field_specs
from exercises.translations import DEFAULT_LANGUAGE, LANGUAGE_CODES, clean_translations
from portal.crypto import EncryptedJSONField, EncryptedTextField


class Category(models.TextChoices):
    COMMUNICATION = "communication", _("Communication")
    CONNECTION = "connection", _("Connection and rituals")
    APPRECIATION = "appreciation", _("Appreciation")
    VULNERABILITY = "vulnerability", _("Vulnerability")
    SELF_AWARENESS = "self_awareness", _("Self-awareness")
    EMPATHY = "empathy", _("Empathy")
    TRUST = "trust", _("Trust")
    OTHER = "other", pgettext_lazy("exercise category", "Other")


class CompletionMode(models.TextChoices):
    EACH_PARTNER = "each_partner", _("Each partner separately")
    JOINT = "joint", _("One joint answer for the couple")


class Visibility(models.TextChoices):
    COUNSELOR_ONLY = "counselor_only", _("Counselor only")
    AFTER_BOTH = "after_both", _("Counselor, and partner once both have submitted")
    AT_ONCE = "at_once", _("Counselor and partner at once")


class TemplateKind(models.TextChoices):
    ONCE = "once", _("Done once")
    PRACTICE = "practice", _("A practice logged again and again")


# The languages an exercise's text may be written in (settings.LANGUAGES).
LANGUAGE_CHOICES = [(code, code) for code in LANGUAGE_CODES]


class ExerciseTemplate(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    summary = models.CharField(max_length=300)
    instructions = models.TextField(help_text="Markdown.")
    estimated_minutes = models.PositiveSmallIntegerField(default=15)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    fields = models.JSONField(default=list, help_text="The questions; see exercises/fields.py.")
    completion_mode = models.CharField(
        max_length=20, choices=CompletionMode.choices, default=CompletionMode.EACH_PARTNER
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.AFTER_BOTH)
    kind = models.CharField(max_length=10, choices=TemplateKind.choices, default=TemplateKind.ONCE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercise_templates",
        help_text="The counselor who wrote it; empty for a built-in.",
    )
    is_builtin = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False, help_text="No longer offered for new assignments.")
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies")
    language = models.CharField(
        max_length=8,
        choices=LANGUAGE_CHOICES,
        default=DEFAULT_LANGUAGE,
        help_text="The language its title, instructions and questions are written in.",
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text="Its text in other languages, keyed by language; see exercises/translations.py.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="template_category_valid"),
            models.CheckConstraint(
                condition=Q(completion_mode__in=CompletionMode.values), name="template_completion_mode_valid"
            ),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="template_visibility_valid"),
            models.CheckConstraint(condition=Q(kind__in=TemplateKind.values), name="template_kind_valid"),
            models.CheckConstraint(
                condition=Q(estimated_minutes__gte=1, estimated_minutes__lte=240), name="template_minutes_range"
            ),
            # A built-in belongs to nobody; everything else to its counselor.
            models.CheckConstraint(
                condition=Q(is_builtin=True, owner__isnull=True) | Q(is_builtin=False, owner__isnull=False),
                name="template_builtin_xor_owner",
            ),
            # A joint answer is written by both partners, so both see it.
            models.CheckConstraint(
                condition=~Q(completion_mode=CompletionMode.JOINT) | Q(visibility=Visibility.AT_ONCE),
                name="template_joint_is_shared",
            ),
            models.UniqueConstraint(fields=["slug"], condition=Q(owner__isnull=True), name="template_builtin_slug"),
            models.UniqueConstraint(
                fields=["owner", "slug"], condition=Q(owner__isnull=False), name="template_owner_slug"
            ),
        ]
        indexes = [models.Index(fields=["owner", "is_archived", "title"])]

    def __str__(self) -> str:
        return self.title + (" (built-in)" if self.is_builtin else "")

    def clean(self) -> None:
        super().clean()
        self.fields = clean_field_specs(self.fields)
        self.translations = clean_translations(self.translations, language=self.language, fields=self.fields)
        if self.completion_mode == CompletionMode.JOINT and self.visibility != Visibility.AT_ONCE:
            raise ValidationError(
                {"visibility": gettext("A joint answer is written by both partners, so both see it: choose “at once”.")}
            )


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("assignment status", "Active")
    PAUSED = "paused", pgettext_lazy("assignment status", "Paused")
    ENDED = "ended", pgettext_lazy("assignment status", "Ended")


class Assignment(models.Model):
    """A template given to a couple.

    The template's fields, completion mode and visibility are copied here when
    the assignment is made: a counselor who later edits the template must not
    change what a partner was promised about who reads their answer, nor
    invalidate answers already written."""

    template = models.ForeignKey(ExerciseTemplate, on_delete=models.PROTECT, related_name="assignments")
    couple = models.ForeignKey("accounts.Couple", on_delete=models.PROTECT, related_name="exercise_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, max_length=2000)
    fields = models.JSONField(default=list)
    # The language of the fields' text, and the fields' translations, copied
    # with the fields (exercises/translations.py).
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default=DEFAULT_LANGUAGE)
    translations = models.JSONField(default=dict, blank=True)
    completion_mode = models.CharField(max_length=20, choices=CompletionMode.choices)
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    starts_on = models.DateField()
    # One-off: due_at. Recurring: rrule, due at due_time local in the couple's time zone.
    due_at = models.DateTimeField(null=True, blank=True)
    rrule = models.CharField("recurrence (RFC 5545 RRULE)", max_length=200, blank=True)
    due_time = models.TimeField(null=True, blank=True, help_text="Local wall-clock time in the couple's time zone.")
    status = models.CharField(max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Occurrences due before this are never generated: set when the
    # assignment is made and when it is resumed, so that a pause leaves a gap
    # rather than a backlog of missed exercises.
    generate_from = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(due_at__isnull=False) & Q(rrule="")) | (Q(due_at__isnull=True) & ~Q(rrule="")),
                name="assignment_due_at_xor_rrule",
            ),
            models.CheckConstraint(
                condition=Q(rrule="") | Q(due_time__isnull=False), name="assignment_rrule_has_due_time"
            ),
            models.CheckConstraint(condition=Q(status__in=AssignmentStatus.values), name="assignment_status_valid"),
            models.CheckConstraint(
                condition=Q(status=AssignmentStatus.ENDED, ended_at__isnull=False)
                | (~Q(status=AssignmentStatus.ENDED) & Q(ended_at__isnull=True)),
                name="assignment_ended_at_iff_ended",
            ),
            models.CheckConstraint(
                condition=Q(completion_mode__in=CompletionMode.values), name="assignment_completion_mode_valid"
            ),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="assignment_visibility_valid"),
        ]
        indexes = [
            models.Index(fields=["couple", "status"]),
            models.Index(fields=["status", "rrule"]),
        ]

    def __str__(self) -> str:
        return f"{self.template.title} for {self.couple}"

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)

    @property
    def is_joint(self) -> bool:
        return self.completion_mode == CompletionMode.JOINT

    @property
    def schedule_text(self) -> str:
        return recurrence.describe(self.rrule) if self.rrule else "once"


class Occurrence(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="occurrences")
    sequence = models.PositiveIntegerField(help_text="1 for the first time the assignment is due, and so on.")
    due_at = models.DateTimeField()
    # Set when the last answer needed is submitted (both partners', or the
    # joint one), so lists filter done/overdue without counting responses.
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "due_at"], name="occurrence_unique_due_at"),
            models.UniqueConstraint(fields=["assignment", "sequence"], name="occurrence_unique_sequence"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="occurrence_sequence_positive"),
        ]
        indexes = [models.Index(fields=["due_at"]), models.Index(fields=["completed_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.assignment.template.title} #{self.sequence} due {self.due_at:%Y-%m-%d %H:%M} UTC"


class ResponseState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("answer state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("answer state", "Submitted")


class Response(models.Model):
    """An answer to an occurrence: one per partner, or one for the couple
    (author empty) when the exercise is joint."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercise_responses",
        help_text="The partner who answers; empty for a joint answer.",
    )
    last_edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=ResponseState.choices, default=ResponseState.DRAFT)
    # Encrypted in its column (portal.crypto, docs/encryption.md): never looked
    # into in SQL (the rituals' "happened" is read in Python, progress keeps
    # its scores in its own table, the safety flag is set when submitted).
    answers = EncryptedJSONField(default=dict)
    version = models.PositiveIntegerField(default=1, help_text="Goes up each time a submitted answer is edited.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Raw ids, not the related models' orderings: no joins, so that
        # select_for_update never touches an outer join.
        ordering = ["occurrence_id", "author_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "author"], condition=Q(author__isnull=False), name="response_one_per_partner"
            ),
            models.UniqueConstraint(fields=["occurrence"], condition=Q(author__isnull=True), name="response_one_joint"),
            models.CheckConstraint(condition=Q(state__in=ResponseState.values), name="response_state_valid"),
            models.CheckConstraint(
                condition=Q(state=ResponseState.DRAFT, submitted_at__isnull=True)
                | Q(state=ResponseState.SUBMITTED, submitted_at__isnull=False),
                name="response_submitted_at_iff_submitted",
            ),
            # Only a submitted answer is reviewed, and a review says by whom.
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False, state=ResponseState.SUBMITTED),
                name="response_review_complete",
            ),
        ]
        indexes = [models.Index(fields=["author", "state"])]

    def __str__(self) -> str:
        who = self.author.full_name if self.author else "joint"
        return f"Response ({who}, {self.get_state_display()}) to occurrence {self.occurrence_id}"

    @property
    def is_submitted(self) -> bool:
        return self.state == ResponseState.SUBMITTED

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


class ResponseVersion(models.Model):
    """A submitted answer as it was before its author edited it."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    answers = EncryptedJSONField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response_id", "version"]
        constraints = [models.UniqueConstraint(fields=["response", "version"], name="response_version_unique")]

    def __str__(self) -> str:
        return f"Version {self.version} of response {self.response_id}"


class Comment(models.Model):
    """A counselor's comment on a whole occurrence or on one answer."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="comments")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(max_length=4000)  # encrypted (portal.crypto); the empty string stays empty
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty")]
        indexes = [models.Index(fields=["occurrence", "created_at"])]

    def __str__(self) -> str:
        target = f"response {self.response_id}" if self.response_id else f"occurrence {self.occurrence_id}"
        return f"Comment by {self.author.full_name} on {target}"


class CoupleExerciseSettings(models.Model):
    """Exercise switches for one couple, kept here so accounts stays unaware
    of exercises. No row means the defaults."""

    couple = models.OneToOneField(
        "accounts.Couple", on_delete=models.CASCADE, primary_key=True, related_name="exercise_settings"
    )
    # Turns every cross-partner sharing off, whatever the templates say.
    high_conflict = models.BooleanField(default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "couple exercise settings"

    def __str__(self) -> str:
        return f"Exercise settings for couple {self.couple_id}" + (" (high-conflict)" if self.high_conflict else "")
