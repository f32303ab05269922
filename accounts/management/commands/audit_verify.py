"""``manage.py audit_verify``: walk the audit trail's hash chain
(accounts.audit_chain) from its first row, in batches (memory stays the same
for millions of rows), and name the first row that was changed, deleted or
inserted out of place. Exit 0 with a one-line summary (rows, the head's
sequence and hash) when the chain is whole, 1 with the first break when not.

The chain proves that rows were not changed by someone who did not also
rewrite every hash after them. Record the summary's head somewhere the
database's users cannot write (a ticket, a log shipped off the host) and
pass it back later with ``--anchor SEQUENCE:HASH``: a chain rewritten from
before it, or rows cut off its end, then fail too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.audit_chain import verify
from accounts.models import AuditEvent


def _anchor(value: str) -> tuple[int, str]:
    sequence, _, row_hash = value.partition(":")
    if not sequence.isdigit() or len(row_hash) != 64:
        raise CommandError(f"--anchor takes SEQUENCE:HASH (a number, 64 hex digits), not {value!r}.")
    return int(sequence), row_hash.lower()


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 1 naming the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows read at a time (default 5000).")
        parser.add_argument("--anchor", help="SEQUENCE:HASH of a head recorded earlier, which must still be there.")

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = _anchor(options["anchor"]) if options["anchor"] else None
        report = verify(AuditEvent.objects.all(), batch_size=options["batch_size"], anchor=anchor)
        if not report.whole:
            raise CommandError(f"Audit chain broken: {report.problem}", returncode=1)
        self.stdout.write(
            f"Audit chain whole: {report.rows} row{'' if report.rows == 1 else 's'},"
            f" head sequence {report.head_sequence} hash {report.head_hash}."
        )
