"""The audit trail's hash chain (accounts.audit_chain): every row chained to
the one before it, rows never changed or deleted, and ``manage.py
audit_verify`` naming the first row that was."""

import json
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from accounts.audit_chain import GENESIS_HASH, AuditEventImmutable, row_hash
from accounts.models import AuditAction, AuditEvent, User
from accounts.services import audit_record, audit_record_many
from tests.factories import CounselorFactory

TRIGGER = "accounts_auditevent_append_only"


@pytest.fixture
def trail(counselor, couple):
    """Dana's work on Sam and Riley's file: four audit rows, in order."""
    audit_record(actor=counselor, action=AuditAction.COUPLE_STATUS_CHANGED, target=couple, status="paused")
    audit_record(actor=counselor, action=AuditAction.COUPLE_HIGH_CONFLICT_SET, target=couple, high_conflict=True)
    audit_record_many(
        actor=counselor,
        action=AuditAction.USER_PROFILE_UPDATED,
        targets=[(couple.partner_one, {"fields": ["phone"]}), (couple.partner_two, {"fields": ["phone"]})],
    )
    return list(AuditEvent.objects.order_by("sequence"))


def verify(*args) -> str:
    """audit_verify's output when the chain is whole, its error when not."""
    try:
        call_command("audit_verify", *args, stdout=(out := _Output()))
    except CommandError as broken:
        assert broken.returncode == 1
        return f"BROKEN {broken}"
    return out.text


class _Output:
    text = ""

    def write(self, text: str) -> None:
        self.text += text


def raw(sql: str, params=()) -> None:
    """SQL past the ORM, the append-only trigger disabled (in the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks: ALTER TABLE can run
        cursor.execute(f"ALTER TABLE accounts_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE accounts_auditevent ENABLE TRIGGER {TRIGGER}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def expected_hash(event: AuditEvent, prev_hash: str) -> str:
    return row_hash(
        prev_hash=prev_hash,
        sequence=event.sequence,
        actor_id=event.actor_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        details=event.details,
        created_at=event.created_at,
    )


def test_each_audit_row_carries_the_hash_of_its_content_and_of_the_row_before(trail):
    prev_hash = GENESIS_HASH
    for number, event in enumerate(trail, start=1):
        assert event.sequence == number
        assert event.row_hash == expected_hash(event, prev_hash)
        prev_hash = event.row_hash


def test_audit_verify_sums_up_a_whole_chain_and_exits_zero(trail):
    assert verify() == f"Audit chain whole: 4 rows, head sequence 4 hash {trail[-1].row_hash}.\n"


def test_audit_verify_reads_the_chain_in_batches_of_any_size(trail):
    assert verify("--batch-size", "1").startswith("Audit chain whole: 4 rows")


def test_details_hash_the_same_after_the_database_gives_them_back(counselor, couple):
    audit_record(
        actor=counselor, action=AuditAction.COUPLE_STATUS_CHANGED, target=couple, ratio=1.0, big=1e20, ids={10: 1, 9: 2}
    )
    assert verify().startswith("Audit chain whole: 1 row,")


def test_a_row_changed_with_raw_sql_is_named(trail):
    changed = trail[1]
    raw("UPDATE accounts_auditevent SET details = '{\"high_conflict\": false}' WHERE id = %s", [changed.pk])
    assert verify() == (
        f"BROKEN Audit chain broken: row id {changed.pk} (sequence 2) does not match its hash: changed, or inserted"
        f" out of place (or row id {trail[0].pk}, sequence 1, rewritten with a new hash)."
    )


def test_a_row_whose_actor_was_rewritten_is_named(trail, other_counselor):
    raw("UPDATE accounts_auditevent SET actor_id = %s WHERE id = %s", [other_counselor.pk, trail[0].pk])
    assert f"row id {trail[0].pk} (sequence 1) does not match its hash" in verify()


def test_a_deleted_row_is_named_as_a_gap_in_the_sequence(trail):
    raw("DELETE FROM accounts_auditevent WHERE id = %s", [trail[2].pk])
    assert verify() == (
        f"BROKEN Audit chain broken: sequence 3 missing after row id {trail[1].pk} (sequence 2),"
        f" before row id {trail[3].pk} (sequence 4): deleted."
    )


def test_a_deleted_first_row_is_named(trail):
    raw("DELETE FROM accounts_auditevent WHERE id = %s", [trail[0].pk])
    assert f"sequence 1 missing at the start, before row id {trail[1].pk} (sequence 2): deleted." in verify()


def _insert(event: AuditEvent, *, sequence: int, hash_: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_auditevent (actor_id, action, target_type, target_id, details, created_at,"
            " sequence, row_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                event.actor_id,
                event.action,
                event.target_type,
                event.target_id,
                json.dumps(event.details),
                event.created_at,
                sequence,
                hash_,
            ],
        )
        return cursor.fetchone()[0]


def test_a_row_inserted_at_the_end_with_a_copied_hash_is_named(trail):
    forged = _insert(trail[3], sequence=5, hash_=trail[3].row_hash)
    assert f"row id {forged} (sequence 5) does not match its hash: changed, or inserted out of place" in verify()


def test_a_row_inserted_before_the_first_is_named(trail):
    forged = _insert(trail[0], sequence=0, hash_=GENESIS_HASH)
    assert (
        verify()
        == f"BROKEN Audit chain broken: row id {forged} (sequence 0) is before the chain's first row: inserted."
    )


def test_a_row_spliced_into_the_middle_with_a_recomputed_hash_is_named(trail, other_counselor):
    """Someone who knows the recipe shifts rows 3 and 4 up and slips a row
    with a correct hash in at 3: the old row 3 no longer follows, and the
    slipped-in row is named as the one before it."""
    raw("UPDATE accounts_auditevent SET sequence = sequence + 10 WHERE sequence >= 3")
    raw("UPDATE accounts_auditevent SET sequence = sequence - 9 WHERE sequence >= 13")
    slipped = AuditEvent(
        actor_id=other_counselor.pk,
        action=AuditAction.COUPLE_STATUS_CHANGED,
        target_type="accounts.couple",
        target_id=trail[0].target_id,
        details={"status": "ended"},
        created_at=trail[2].created_at,
        sequence=3,
    )
    slipped_id = _insert(slipped, sequence=3, hash_=expected_hash(slipped, trail[1].row_hash))
    assert verify() == (
        f"BROKEN Audit chain broken: row id {trail[2].pk} (sequence 4) does not match its hash: changed, or inserted"
        f" out of place (or row id {slipped_id}, sequence 3, rewritten with a new hash)."
    )


def test_a_chain_cut_at_its_end_fails_against_the_head_recorded_earlier(trail):
    anchor = f"4:{trail[3].row_hash}"
    raw("DELETE FROM accounts_auditevent WHERE id = %s", [trail[3].pk])
    assert verify("--anchor", anchor) == (
        "BROKEN Audit chain broken: the chain ends at sequence 3, before the anchored sequence 4: rows deleted."
    )


def test_a_chain_rewritten_from_before_its_anchor_fails(trail):
    anchor = f"2:{trail[1].row_hash}"
    raw("UPDATE accounts_auditevent SET details = '{}' WHERE id = %s", [trail[0].pk])
    rewritten = GENESIS_HASH
    for event in AuditEvent.objects.order_by("sequence"):
        rewritten = expected_hash(event, rewritten)
        raw("UPDATE accounts_auditevent SET row_hash = %s WHERE id = %s", [rewritten, event.pk])
    assert verify().startswith("Audit chain whole")
    assert f"row id {trail[1].pk} (sequence 2) is not the anchored row: chain rewritten." in verify("--anchor", anchor)


def test_an_anchor_that_is_not_sequence_and_hash_is_refused(trail):
    with pytest.raises(CommandError, match="--anchor takes SEQUENCE:HASH"):
        call_command("audit_verify", "--anchor", "4")


def test_saving_an_existing_audit_row_is_refused(trail):
    trail[0].details = {"status": "active"}
    with pytest.raises(AuditEventImmutable):
        trail[0].save()


def test_updating_audit_rows_through_the_orm_is_refused(trail):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=trail[0].pk).update(details={})


def test_bulk_updating_audit_rows_is_refused(trail):
    trail[0].details = {}
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_update([trail[0]], ["details"])


def test_inserting_audit_rows_that_may_be_skipped_on_conflict_is_refused(counselor):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_create(
            [AuditEvent(actor=counselor, action=AuditAction.USER_PROFILE_UPDATED, target_type="t", target_id="1")],
            ignore_conflicts=True,
        )
    assert not AuditEvent.objects.exists()


def test_deleting_audit_rows_through_the_orm_is_refused(trail):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=trail[0].pk).delete()
    with pytest.raises(AuditEventImmutable):
        trail[0].delete()
    assert AuditEvent.objects.count() == 4


def test_postgresql_refuses_an_update_of_an_audit_row_in_sql(trail):
    with (
        pytest.raises(IntegrityError, match="audit rows are never changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE accounts_auditevent SET details = '{}' WHERE id = %s", [trail[0].pk])


def test_postgresql_refuses_a_delete_of_an_audit_row_in_sql(trail):
    with (
        pytest.raises(IntegrityError, match="audit rows are never changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [trail[0].pk])
    assert AuditEvent.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_truncate_still_empties_the_audit_table(trail):
    """As the test runner's flush does between transactional tests."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_auditevent")
    assert not AuditEvent.objects.exists()


def test_deleting_a_user_with_audit_rows_is_refused_and_the_rows_keep_their_actor(other_counselor):
    audit_record(actor=other_counselor, action=AuditAction.USER_PROFILE_UPDATED, target=other_counselor)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        other_counselor.delete()
    assert list(AuditEvent.objects.values_list("actor_id", flat=True)) == [other_counselor.pk]
    assert verify().startswith("Audit chain whole")


def test_the_django_admin_deletes_neither_a_user_nor_an_audit_row(trail, practice_admin, couple, as_user):
    practice_admin.is_staff = practice_admin.is_superuser = True
    practice_admin.save(update_fields=["is_staff", "is_superuser"])
    client = as_user(practice_admin)
    sam = couple.partner_one
    assert client.post(f"/admin/accounts/user/{sam.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/accounts/auditevent/{trail[0].pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=sam.pk).exists()
    assert AuditEvent.objects.count() == 4


def test_recording_an_audit_row_costs_one_statement_besides_its_insert(counselor, couple):
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=counselor, action=AuditAction.COUPLE_STATUS_CHANGED, target=couple, status="paused")
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 2
    assert statements[0].startswith("SELECT pg_advisory_xact_lock(")
    assert statements[1].startswith('INSERT INTO "accounts_auditevent"')


@pytest.mark.django_db(transaction=True)
def test_counselors_writing_audit_rows_at_once_make_one_chain_without_gaps():
    """Six counselors, each on their own connection, each writing twenty
    transactions of one row and two rows at the same moment."""
    counselors = [CounselorFactory() for _ in range(6)]
    barrier = Barrier(len(counselors))

    def write(counselor) -> int:
        try:
            barrier.wait(timeout=30)
            for _ in range(20):
                with transaction.atomic():
                    audit_record(actor=counselor, action=AuditAction.USER_PROFILE_UPDATED, target=counselor)
                    audit_record_many(
                        actor=counselor,
                        action=AuditAction.USER_PROFILE_UPDATED,
                        targets=[(counselor, {"part": part}) for part in (1, 2)],
                    )
            return 60
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(counselors)) as pool:
        written = sum(pool.map(write, counselors))

    assert written == 360
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, 361))
    assert (
        verify()
        == f"Audit chain whole: 360 rows, head sequence 360 hash {AuditEvent.objects.get(sequence=360).row_hash}.\n"
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_rows_written_before_the_chain_in_order_of_time(counselor):
    """Rows from before migration 0011 (no sequence, no hash) are chained by
    created_at, then id; the triggers come back with migration 0012."""
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0010_audit_action_record_exported")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_auditevent (actor_id, action, target_type, target_id, details, created_at)"
                " VALUES (%s, 'couple.created', 'accounts.couple', '7', '{\"b\": 1, \"a\": [1.5]}',"
                " '2026-03-02T10:00Z'),"
                " (%s, 'couple.status_changed', 'accounts.couple', '7', '{}', '2026-03-01T10:00Z'),"
                " (NULL, 'invitation.accepted', 'accounts.invitation', '3', '{}', '2026-03-01T10:00Z')"
                " RETURNING id",
                [counselor.pk, counselor.pk],
            )
            ids = [row[0] for row in cursor.fetchall()]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    order = list(AuditEvent.objects.order_by("sequence").values_list("id", "sequence"))
    assert order == [(ids[1], 1), (ids[2], 2), (ids[0], 3)]
    assert verify().startswith("Audit chain whole: 3 rows")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent")


@pytest.mark.django_db(transaction=True)
def test_rows_written_between_the_two_migrations_by_code_not_yet_upgraded_are_chained_after_the_others(counselor):
    """A web host still on the old code writes rows without a sequence after
    0011 chained the table; 0012 chains them after the head before
    requiring a sequence."""
    audit_record(actor=counselor, action=AuditAction.USER_PROFILE_UPDATED, target=counselor)
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0011_audit_chain_columns")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_auditevent (actor_id, action, target_type, target_id, details, created_at)"
                " VALUES (%s, 'user.profile_updated', 'accounts.user', %s, '{}', '2020-01-01T00:00Z') RETURNING id",
                [counselor.pk, str(counselor.pk)],
            )
            straggler = cursor.fetchone()[0]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert AuditEvent.objects.get(pk=straggler).sequence == 2
    assert verify().startswith("Audit chain whole: 2 rows")
