"""Named queries for documents and signatures, scoped to the viewer. Each
costs a fixed number of queries, however many rows it returns."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from intake.models import Document, DocumentVersion, Signature, VersionStatus
from portal import policy


def document_versions_visible_to(user: User) -> QuerySet[DocumentVersion]:
    """Admins: every version; anyone else signed in: the published ones of live documents."""
    versions = DocumentVersion.objects.select_related("document", "published_by")
    if policy.can_manage_documents(user):
        return versions
    if policy.can_read_published_documents(user):
        return versions.filter(status=VersionStatus.PUBLISHED, document__archived=False)
    return versions.none()


def documents_visible_to(user: User) -> QuerySet[Document]:
    """Documents with the versions the user may read prefetched (newest
    first) as ``shown_versions``; for those who read published ones only, the
    documents that have one."""
    shown = document_versions_visible_to(user).select_related(None).select_related("published_by")
    documents = Document.objects.prefetch_related(
        Prefetch("versions", queryset=shown.order_by("-number"), to_attr="shown_versions")
    )
    if policy.can_manage_documents(user):
        return documents
    if policy.can_read_published_documents(user):
        return documents.filter(archived=False, versions__status=VersionStatus.PUBLISHED)
    return documents.none()


def document_for(user: User, document_id: object) -> Document:
    try:
        return documents_visible_to(user).get(pk=int(str(document_id)))
    except (Document.DoesNotExist, ValueError):
        raise Http404("No such document.") from None


def version_for(user: User, version_id: object) -> DocumentVersion:
    try:
        return document_versions_visible_to(user).get(pk=int(str(version_id)))
    except (DocumentVersion.DoesNotExist, ValueError):
        raise Http404("No such document.") from None


def signatures_visible_to(user: User) -> QuerySet[Signature]:
    """policy.signature_scope in SQL, with what every listing shows joined in."""
    scope = policy.signature_scope(user)
    signatures = Signature.objects.select_related(
        "version__document", "signer", "couple__partner_one", "couple__partner_two", "revocation"
    )
    return signatures.none() if scope is None else signatures.filter(scope)


def signature_for(user: User, signature_id: object) -> Signature:
    try:
        return signatures_visible_to(user).get(pk=int(str(signature_id)))
    except (Signature.DoesNotExist, ValueError):
        raise Http404("No such signature.") from None


@dataclass(frozen=True)
class NeededSignature:
    version: DocumentVersion
    resign: bool  # the user signed an earlier version, and this one must be signed again


def signatures_needed_for(user: User) -> list[NeededSignature]:
    """The published documents requiring a signature that ``user`` (a
    partner) has not signed: never signed, or signed (and not revoked) only
    versions older than the latest one published with ``must_resign``.
    Two queries, however many documents."""
    if not policy.can_sign_documents(user):
        return []
    return unsigned_documents(signer_ids=[user.pk]).get(user.pk, [])


def unsigned_documents(
    *, signer_ids: Collection[int], document_ids: Collection[int] | None = None
) -> dict[int, list[NeededSignature]]:
    """signatures_needed_for of several people at once (``document_ids``: of
    these documents only), by signer id; two queries however many."""
    relevant = (
        DocumentVersion.objects.filter(document__archived=False, document__requires_signature=True)
        .exclude(status=VersionStatus.DRAFT)
        .filter(Q(status=VersionStatus.PUBLISHED) | Q(must_resign=True))
        .select_related("document")
        .defer("text", "translations")  # the texts are long, and only what to sign is asked here
        .order_by("document__title", "document_id", "number")
    )
    if document_ids is not None:
        relevant = relevant.filter(document_id__in=list(document_ids))
    live: dict[int, DocumentVersion] = {}
    resign_from: dict[int, int] = {}
    for version in relevant:
        if version.status == VersionStatus.PUBLISHED:
            live[version.document_id] = version
    for version in relevant:
        current = live.get(version.document_id)
        if version.must_resign and current is not None and version.number <= current.number:
            resign_from[version.document_id] = max(resign_from.get(version.document_id, 1), version.number)
    signed: dict[tuple[int, int], list[int]] = {}
    if live:
        for signer_id, document_id, number in Signature.objects.filter(
            signer_id__in=list(signer_ids), revocation__isnull=True, version__document_id__in=list(live)
        ).values_list("signer_id", "version__document_id", "version__number"):
            signed.setdefault((signer_id, document_id), []).append(number)
    needed: dict[int, list[NeededSignature]] = {}
    for signer_id in signer_ids:
        for document_id, current in live.items():
            numbers = signed.get((signer_id, document_id), [])
            floor = resign_from.get(document_id, 1)
            if not any(number >= floor for number in numbers):
                needed.setdefault(signer_id, []).append(NeededSignature(version=current, resign=bool(numbers)))
    return needed
