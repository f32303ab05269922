"""The daily erasure: a closed couple's clinical content past the practice's
retention period is erased (texts, earlier versions, comments, notes,
scores, messages, their earlier texts and files), with a tombstone and an
audit row that keeps the chain whole; open couples, and closed ones still
inside the period, are untouched."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from accounts.audit_chain import verify
from accounts.models import AuditAction, AuditEvent, CoupleStatus
from exercises.models import Assignment, Comment, Response, ResponseVersion
from messaging.models import Attachment, Message, MessageRevision, Thread
from progress.models import MeasureScore
from retention import services
from retention.models import Erasure, RetentionSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def erase(django_capture_on_commit_callbacks):
    """erase() -> the daily run's erasures, its after-commit work (removing files) done."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return services.erase_past_retention()

    return run


def everything_kept() -> str:
    """Every clinical text the portal keeps, read through the models (which
    decrypt what is encrypted at rest), as one text."""
    parts: list[str] = []
    parts += [str(r.answers) for r in Response.objects.all()]
    parts += [str(v.answers) for v in ResponseVersion.objects.all()]
    parts += [c.body for c in Comment.objects.all()]
    parts += [a.note for a in Assignment.objects.all()]
    parts += [f"{m.body} {m.body_html}" for m in Message.objects.all()]
    parts += [r.body for r in MessageRevision.objects.all()]
    parts += [t.subject for t in Thread.objects.all()]
    return "\n".join(parts)


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_couple_closed_longer_than_the_period_has_its_content_erased(erase, sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=7, days=1)

    (erasure,) = erase()

    assert erasure.couple == couple
    assert [r.answers for r in Response.objects.filter(occurrence__assignment__couple=couple)] == [{}, {}]
    assert ResponseVersion.objects.filter(response__occurrence__assignment__couple=couple).count() == 0
    assert Comment.objects.filter(occurrence__assignment__couple=couple).count() == 0
    assert MeasureScore.objects.filter(couple=couple).count() == 0
    assert MessageRevision.objects.filter(message__thread__couple=couple).count() == 0
    assert set(Message.objects.filter(thread__couple=couple).values_list("body", flat=True)) == {""}
    assert set(Thread.objects.filter(couple=couple).values_list("subject", flat=True)) == {""}


def test_no_trace_of_the_erased_text_is_left(erase, sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=7, days=1)

    erase()

    assert "ERASE-" not in everything_kept()


def test_the_erased_couples_files_are_removed(erase, sams_content, couple, counselor, close, media_root):
    assert len(files_under(media_root)) == 1
    close(couple, counselor, years_ago=7, days=1)

    erase()

    assert files_under(media_root) == []
    assert Attachment.objects.count() == 0


def test_an_open_couple_is_untouched(erase, sams_content, jos_content, couple, counselor, close, media_root):
    close(couple, counselor, years_ago=8)

    erase()

    assert "KEEP-EDITED" in everything_kept()
    assert "KEEP-COMMENT" in everything_kept()
    assert "KEEP-REPLY-EDITED" in everything_kept()
    assert len(files_under(media_root)) == 1  # Jo and Kim's picture
    assert MeasureScore.objects.filter(couple=jos_content.joint.couple).count() == 1


def test_a_couple_closed_within_the_period_is_untouched(erase, sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=6, days=360)

    assert erase() == []
    assert "ERASE-EDITED" in everything_kept()


def test_the_practices_period_decides(erase, sams_content, couple, counselor, practice_admin, close):
    services.retention_set(actor=practice_admin, years=10)
    close(couple, counselor, years_ago=8)

    assert erase() == []


def test_the_erasure_leaves_a_tombstone_and_an_audit_row(erase, sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=7, days=1)

    erase()

    tombstone = Erasure.objects.get(couple=couple)
    assert tombstone.retention_years == RetentionSettings.load().years == 7
    assert tombstone.counts["comments"] == 1
    assert tombstone.counts["answer_versions"] == 1
    assert tombstone.counts["attachments"] == 1
    event = AuditEvent.objects.filter(action=AuditAction.CONTENT_ERASED).get()
    assert (event.actor, event.target_id) == (None, str(couple.pk))


def test_the_audit_chain_stays_whole_after_an_erasure(erase, sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=7, days=1)

    erase()

    report = verify(AuditEvent.objects.all())
    assert report.whole, report.problem


def test_a_second_run_erases_nothing_more(erase, sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=7, days=1)
    erase()

    assert erase() == []
    assert Erasure.objects.count() == 1


def test_a_couple_reopened_is_not_erased(erase, sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=7, days=1)
    account_services.couple_set_status(couple=couple, status=CoupleStatus.ACTIVE, actor=counselor)

    assert erase() == []
    assert "ERASE-EDITED" in everything_kept()
