"""The table of what held."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

HELD, FAILED, WAITING = "held", "FAILED", "waiting"


@dataclass(frozen=True)
class Row:
    check: str
    outcome: str  # HELD, FAILED or WAITING (a part of the portal this needs has not landed)
    detail: str


class Report:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, check: str, held: bool, detail: str, *, waiting_for: str = "") -> Row:
        """``waiting_for``: what the check needs that the portal does not have
        yet; said in the table when the check did not hold."""
        if held:
            row = Row(check, HELD, detail)
        elif waiting_for:
            row = Row(check, WAITING, f"waiting for {waiting_for}: {detail}")
        else:
            row = Row(check, FAILED, detail)
        self.rows.append(row)
        print(f"  [{row.outcome}] {check}: {row.detail}", flush=True)
        return row

    @property
    def all_held(self) -> bool:
        return bool(self.rows) and all(row.outcome == HELD for row in self.rows)

    def table(self) -> str:
        width = max(len(row.check) for row in self.rows) if self.rows else 10
        width = min(width, 60)
        lines = [f"{'check':<{width}}  {'outcome':<8}  detail", f"{'-' * width}  {'-' * 8}  {'-' * 50}"]
        for row in self.rows:
            check = textwrap.wrap(row.check, width) or [""]
            detail = textwrap.wrap(row.detail, 70) or [""]
            for n in range(max(len(check), len(detail))):
                left = check[n] if n < len(check) else ""
                outcome = row.outcome if n == 0 else ""
                right = detail[n] if n < len(detail) else ""
                lines.append(f"{left:<{width}}  {outcome:<8}  {right}")
        return "\n".join(lines)
