"""The intake packet as each viewer may see it: which partner has done
what (never what they answered). A fixed number of queries for any number
of packets: the packets with their items, the documents' live versions and
signatures (intake.selectors.documents.unsigned_documents), and the
questionnaires' occurrences and answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy

from accounts.models import OPEN_COUPLE_STATUSES, UNREVIEWED_RISK_FLAG, PartnerSafety, User
from exercises.models import ExerciseTemplate, Occurrence, Response, ResponseState
from intake.models import DocumentVersion, IntakePacket, IntakePacketItem, VersionStatus
from intake.selectors.documents import NeededSignature, unsigned_documents
from portal import policy
from scheduling.models import Appointment, AppointmentStatus


class PartnerStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    LABELS = {
        NOT_STARTED: pgettext_lazy("intake status", "Not started"),
        IN_PROGRESS: pgettext_lazy("intake status", "In progress"),
        COMPLETE: pgettext_lazy("intake status", "Complete"),
    }


@dataclass(frozen=True)
class ItemProgress:
    item: IntakePacketItem
    title: str
    kind: str  # "document" or "questionnaire"
    done: bool
    started: bool
    available: bool  # a document with no published version yet is not (yet) asked for
    resign: bool  # a document signed before, to be signed again in its new version
    url: str  # where the partner does it ("" when done or not available)
    occurrence_id: int | None = None  # a questionnaire's: where its counselor reads the answers


@dataclass
class PartnerProgress:
    partner: User
    items: list[ItemProgress] = field(default_factory=list)

    @property
    def status(self) -> str:
        asked = [item for item in self.items if item.available]
        if asked and all(item.done for item in asked):
            return PartnerStatus.COMPLETE
        if not asked:
            return PartnerStatus.COMPLETE
        if any(item.done or item.started for item in asked):
            return PartnerStatus.IN_PROGRESS
        return PartnerStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(PartnerStatus.LABELS[self.status])

    @property
    def missing(self) -> list[str]:
        return [item.title for item in self.items if item.available and not item.done]

    @property
    def unsigned_documents(self) -> list[str]:
        return [item.title for item in self.items if item.kind == "document" and item.available and not item.done]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.available and item.done)

    @property
    def asked_count(self) -> int:
        return sum(1 for item in self.items if item.available)


@dataclass
class PacketProgress:
    packet: IntakePacket
    partners: list[PartnerProgress]

    @property
    def documents_unsigned(self) -> bool:
        return any(partner.unsigned_documents for partner in self.partners)


def packets_visible_to(user: User) -> QuerySet[IntakePacket]:
    """policy.intake_packet_scope in SQL, with the couple and the items loaded."""
    scope = policy.intake_packet_scope(user)
    packets = IntakePacket.objects.select_related(
        "couple__partner_one", "couple__partner_two", "couple__primary_counselor", "hold_overridden_by"
    ).prefetch_related(
        Prefetch(
            "items",
            queryset=IntakePacketItem.objects.select_related("document", "template").order_by("position", "pk"),
        )
    )
    return packets.none() if scope is None else packets.filter(scope)


def packet_for(user: User, packet_id: object) -> IntakePacket:
    try:
        return packets_visible_to(user).get(pk=int(str(packet_id)))
    except (IntakePacket.DoesNotExist, ValueError, TypeError):
        raise Http404("No such intake packet.") from None


def packet_of_couple(user: User, couple_id: object) -> IntakePacket:
    try:
        return packets_visible_to(user).get(couple_id=int(str(couple_id)))
    except (IntakePacket.DoesNotExist, ValueError, TypeError):
        raise Http404("No such intake packet.") from None


def packets_progress(viewer: User, packets: Sequence[IntakePacket]) -> list[PacketProgress]:
    """Each packet's progress per partner: both partners for staff, the
    viewer alone for a partner. The packets come from packets_visible_to."""
    whole = policy.sees_whole_intake_packet(viewer)
    people = {packet.pk: [p for p in packet.couple.partners if whole or p.pk == viewer.pk] for packet in packets}
    return _progress(packets, people)


def packet_progress_all(packet: IntakePacket) -> PacketProgress:
    """Both partners' progress, for the portal's own decisions (the hold on
    the first appointment, reminders); not for showing to a viewer."""
    return _progress([packet], {packet.pk: list(packet.couple.partners)})[0]


def _progress(packets: Sequence[IntakePacket], people: dict[int, list[User]]) -> list[PacketProgress]:
    items = {packet.pk: list(packet.items.all()) for packet in packets}
    signer_ids = {person.pk for persons in people.values() for person in persons}
    document_ids = {item.document_id for rows in items.values() for item in rows if item.document_id}
    assignment_ids = [item.assignment_id for rows in items.values() for item in rows if item.assignment_id]
    unsigned = unsigned_documents(signer_ids=signer_ids, document_ids=document_ids) if document_ids else {}
    published = _published_documents(document_ids)
    occurrence_of: dict[int, int] = {}
    answered: dict[tuple[int, int], str] = {}  # (assignment, author) -> state
    if assignment_ids:
        for occurrence_id, assignment_id in (
            Occurrence.objects.filter(assignment_id__in=assignment_ids)
            .order_by("assignment_id", "sequence")
            .values_list("pk", "assignment_id")
        ):
            occurrence_of.setdefault(assignment_id, occurrence_id)
        for assignment_id, author_id, state in Response.objects.filter(
            occurrence__assignment_id__in=assignment_ids, author_id__in=signer_ids
        ).values_list("occurrence__assignment_id", "author_id", "state"):
            if answered.get((assignment_id, author_id)) != ResponseState.SUBMITTED:
                answered[(assignment_id, author_id)] = state
    result = []
    for packet in packets:
        partners = []
        for person in people[packet.pk]:
            needed = {n.version.document_id: n for n in unsigned.get(person.pk, [])}
            progress = PartnerProgress(partner=person)
            for item in items[packet.pk]:
                if item.document_id is not None:
                    progress.items.append(_document_progress(item, needed.get(item.document_id), published))
                else:
                    answer_state = answered.get((item.assignment_id or 0, person.pk))
                    occurrence = occurrence_of.get(item.assignment_id or 0)
                    done = answer_state == ResponseState.SUBMITTED
                    progress.items.append(
                        ItemProgress(
                            item=item,
                            title=item.local_title,
                            kind="questionnaire",
                            done=done,
                            started=answer_state == ResponseState.DRAFT,
                            available=occurrence is not None,
                            resign=False,
                            url=reverse("occurrence_detail", args=[occurrence]) if occurrence and not done else "",
                        )
                    )
            partners.append(progress)
        result.append(PacketProgress(packet=packet, partners=partners))
    return result


def _published_documents(document_ids: set[int]) -> set[int]:
    """Of these documents, those asked for now: a published version, a signature required."""
    if not document_ids:
        return set()
    return set(
        DocumentVersion.objects.filter(
            document_id__in=document_ids,
            status=VersionStatus.PUBLISHED,
            document__archived=False,
            document__requires_signature=True,
        ).values_list("document_id", flat=True)
    )


def _document_progress(item: IntakePacketItem, needed: NeededSignature | None, published: set[int]) -> ItemProgress:
    available = item.document_id in published
    done = available and needed is None
    return ItemProgress(
        item=item,
        title=item.local_title,
        kind="document",
        done=done,
        started=False,
        available=available,
        resign=bool(needed and needed.resign),
        url=reverse("document_sign", args=[needed.version.pk]) if needed is not None else "",
    )


def progress_of(viewer: User, packet: IntakePacket) -> PacketProgress:
    return packets_progress(viewer, [packet])[0]


def packet_progress_for_partner(partner: User) -> PacketProgress | None:
    """The partner's own progress in their open couple's packet (None when
    they have none, or it asks nothing of them)."""
    packet = packets_visible_to(partner).filter(couple__status__in=OPEN_COUPLE_STATUSES).order_by("-pk").first()
    if packet is None:
        return None
    progress = progress_of(partner, packet)
    return progress if progress.partners and progress.partners[0].asked_count else None


def first_appointment_of(couple_id: int) -> Appointment | None:
    """The couple's first session, while it is still ahead of them: their
    earliest appointment that is not cancelled, if it has not taken place."""
    first = (
        Appointment.objects.filter(couple_id=couple_id)
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("start", "pk")
        .first()
    )
    if first is None or first.status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW):
        return None
    return first


def has_had_a_session(couple_id: int) -> bool:
    """Has the couple's first session taken place (the hold no longer matters)?"""
    return (
        Appointment.objects.filter(
            couple_id=couple_id, status__in=(AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)
        )
        .order_by()
        .exists()
    )


def first_appointment_hold(appointment: Appointment) -> str | None:
    """Why this appointment may not be confirmed yet: it is the couple's
    first and a partner has a document of the packet to sign (unless a
    practice admin lifted the hold). None when it may."""
    if appointment.couple_id is None:
        return None
    packet = (
        IntakePacket.objects.select_related("couple__partner_one", "couple__partner_two")
        .prefetch_related(Prefetch("items", queryset=IntakePacketItem.objects.select_related("document", "template")))
        .filter(couple_id=appointment.couple_id)
        .first()
    )
    if packet is None or packet.hold_overridden:
        return None
    earlier = (
        Appointment.objects.filter(couple_id=appointment.couple_id, start__lt=appointment.start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exclude(pk=appointment.pk)
    )
    if earlier.exists():
        return None
    missing = [
        gettext("%(name)s has not signed %(documents)s")
        % {"name": partner.partner.full_name, "documents": ", ".join(partner.unsigned_documents)}
        for partner in packet_progress_all(packet).partners
        if partner.unsigned_documents
    ]
    if not missing:
        return None
    return gettext(
        "This is the couple's first session, and their paperwork is not complete: %(missing)s. "
        "It can be confirmed once they have signed, or a practice admin can lift the hold "
        "on the couple's intake page."
    ) % {"missing": "; ".join(missing)}


def questionnaire_usable(user: User, packet: IntakePacket, template_id: int) -> bool:
    """May this template be added to the packet by ``user``: a built-in, or
    one of the assigning counselor's own (the acting counselor, or for a
    practice admin the couple's primary counselor)?"""
    counselor = user if policy.can_manage_assignments(user, packet.couple) else packet.couple.primary_counselor
    template = ExerciseTemplate.objects.filter(pk=template_id).first()
    return template is not None and policy.can_use_template(counselor, template)


def flagged_partner_ids(viewer: User, packets: Sequence[IntakePacket]) -> set[int]:
    """Partners of these packets whose safety check-in needs their
    counselor's attention, for the counselors who may see it only (one
    query; none for anyone else). Never what the check-in said."""
    partner_ids = [
        p.pk for packet in packets if policy.can_see_risk_flag(viewer, packet.couple) for p in packet.couple.partners
    ]
    if not partner_ids:
        return set()
    return set(
        PartnerSafety.objects.filter(UNREVIEWED_RISK_FLAG, user_id__in=partner_ids).values_list("user_id", flat=True)
    )
