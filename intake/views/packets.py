"""Pages of the intake packet: the partner's "Before your first session",
the staff's list of packets and one couple's packet (status per partner,
adjusting it, the admin's lift of the first-appointment hold), and the
practice's default packet. Status only, never what anyone answered."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.models import User
from exercises.models import ExerciseTemplate
from exercises.translations import localized_title
from intake import selectors, services
from intake.forms import DefaultPacketForm, HoldOverrideForm, PacketAddForm
from intake.models import DefaultPacketItem, Document, IntakePacket
from portal import paging, policy
from portal.errors import submit_form
from portal.http import AuthenticatedHttpRequest


def partner_intake(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A partner's own packet: what is left, what is done, phone first."""
    if not policy.can_sign_documents(request.user):
        raise Http404("No such page.")
    progress = selectors.packet_progress_for_partner(request.user)
    first = selectors.first_appointment_of(progress.packet.couple_id) if progress is not None else None
    mine = progress.partners[0] if progress is not None else None
    return render(request, "intake/partner_intake.html", {"progress": progress, "mine": mine, "first": first})


def packet_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.sees_whole_intake_packet(request.user):
        raise Http404("No such page.")
    page = paging.page_of(selectors.packets_visible_to(request.user).order_by("-created_at", "-pk"), request.GET)
    packets = list(page.items)
    flagged = selectors.flagged_partner_ids(request.user, packets)
    rows = selectors.packets_progress(request.user, packets)
    return render(request, "intake/packet_list.html", {"rows": rows, "page": page, "flagged": flagged})


def _packet(request: AuthenticatedHttpRequest, couple_id: int) -> IntakePacket:
    if not policy.sees_whole_intake_packet(request.user):
        raise Http404("No such intake packet.")
    return selectors.packet_of_couple(request.user, couple_id)


def packet_detail(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    packet = _packet(request, couple_id)
    return _render_detail(request, packet)


def _render_detail(
    request: AuthenticatedHttpRequest,
    packet: IntakePacket,
    *,
    add_form: PacketAddForm | None = None,
    override_form: HoldOverrideForm | None = None,
) -> HttpResponse:
    couple = packet.couple
    progress = selectors.progress_of(request.user, packet)
    can_adjust = policy.can_adjust_intake_packet(request.user, couple)
    in_packet_documents = {item.document_id for item in packet.items.all()}
    in_packet_templates = {item.template_id for item in packet.items.all()}
    if add_form is None and can_adjust:
        add_form = _add_form(request.user, packet, None, in_packet_documents, in_packet_templates)
    can_override = policy.can_override_intake_hold(request.user) and not packet.hold_overridden
    context = {
        "packet": packet,
        "couple": couple,
        "progress": progress,
        "flagged": selectors.flagged_partner_ids(request.user, [packet]),
        "first": selectors.first_appointment_of(couple.pk),
        "had_session": selectors.has_had_a_session(couple.pk),
        "can_adjust": can_adjust,
        # The counselors read the answers on the exercise's page (audited there); nobody else.
        "reads_answers": policy.can_manage_assignments(request.user, couple),
        "add_form": add_form,
        "can_override": can_override,
        "override_form": override_form or (HoldOverrideForm() if can_override else None),
    }
    status = 400 if (add_form and add_form.errors) or (override_form and override_form.errors) else 200
    return render(request, "intake/packet_detail.html", context, status=status)


def _add_form(
    user: User, packet: IntakePacket, data: object, in_documents: set[int | None], in_templates: set[int | None]
) -> PacketAddForm:
    documents = [
        (d.pk, d.local_title)
        for d in Document.objects.filter(archived=False).exclude(pk__in=[d for d in in_documents if d])
    ]
    counselor = user if policy.can_manage_assignments(user, packet.couple) else packet.couple.primary_counselor
    usable = ExerciseTemplate.objects.filter(is_archived=False).filter(Q(is_builtin=True) | Q(owner=counselor))
    templates = [
        (t.pk, localized_title(t))
        for t in usable.exclude(pk__in=[t for t in in_templates if t]).order_by("title", "pk")
    ]
    return PacketAddForm(data, documents=documents, templates=templates)


@require_POST
def packet_item_add(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    packet = _packet(request, couple_id)
    if not policy.can_adjust_intake_packet(request.user, packet.couple):
        raise Http404("No such intake packet.")
    items = list(packet.items.all())
    form = _add_form(request.user, packet, request.POST, {i.document_id for i in items}, {i.template_id for i in items})
    if form.is_valid():
        data = form.cleaned_data
        added = submit_form(
            form,
            lambda: services.packet_item_add(
                actor=request.user, packet=packet, document_id=data["document"], template_id=data["template"]
            ),
        )
        if added is not None:
            messages.success(
                request, gettext("“%(title)s” is now in this couple's packet.") % {"title": added.local_title}
            )
            return redirect("packet_detail", couple_id=packet.couple_id)
    return _render_detail(request, packet, add_form=form)


@require_POST
def packet_item_remove(request: AuthenticatedHttpRequest, couple_id: int, item_id: int) -> HttpResponse:
    packet = _packet(request, couple_id)
    item = next((i for i in packet.items.all() if i.pk == item_id), None)
    if item is None:
        raise Http404("No such item.")
    services.packet_item_remove(actor=request.user, item=item)
    messages.success(
        request, gettext("“%(title)s” is no longer in this couple's packet.") % {"title": item.local_title}
    )
    return redirect("packet_detail", couple_id=packet.couple_id)


@require_POST
def packet_hold_override(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    packet = _packet(request, couple_id)
    form = HoldOverrideForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        done = submit_form(
            form, lambda: services.packet_hold_override(actor=request.user, packet=packet, reason=reason)
        )
        if done is not None:
            messages.success(request, gettext("The hold is lifted: the first appointment can now be confirmed."))
            return redirect("packet_detail", couple_id=packet.couple_id)
    return _render_detail(request, packet, override_form=form)


def default_packet(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_manage_default_packet(request.user):
        raise Http404("No such page.")
    current = list(DefaultPacketItem.objects.all())
    documents = [(d.pk, d.local_title) for d in Document.objects.filter(archived=False).order_by("title", "pk")]
    templates = [
        (t.pk, localized_title(t))
        for t in ExerciseTemplate.objects.filter(
            is_builtin=True, is_archived=False, measure_link__isnull=True
        ).order_by("title", "pk")
    ]
    initial = {
        "documents": [i.document_id for i in current if i.document_id],
        "templates": [i.template_id for i in current if i.template_id],
    }
    form = DefaultPacketForm(
        request.POST if request.method == "POST" else None, initial=initial, documents=documents, templates=templates
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit_form(
            form,
            lambda: services.default_packet_set(
                actor=request.user, document_ids=data["documents"], template_ids=data["templates"]
            ),
        )
        if saved is not None:
            messages.success(request, gettext("Saved. Couples invited from now on receive this packet."))
            return redirect("default_packet")
    return render(request, "intake/default_packet.html", {"form": form}, status=400 if form.errors else 200)
