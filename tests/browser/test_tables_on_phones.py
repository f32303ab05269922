"""Staff pages with data tables, in a real browser, on a phone and on a laptop.

On a 375 px phone no page scrolls sideways, not even inside a table's box:
each row of a data table is a stacked card whose cells show their column's
name, while the table keeps its semantics for screen readers (column headers,
cells, no label read twice). At 1280 px the tables look as before: a header row
and one line per row. A screenshot of every page is kept at both widths.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from exercises.models import Occurrence
from notifications.models import Reminder, ReminderKind, ReminderState
from scheduling.models import IntakeRequest, LocationKind
from tests.factories import ClientFactory, CounselorFactory, CoupleFactory, LocationFactory
from tests.progress.generate import generate

pytestmark = pytest.mark.browser

PHONE, LAPTOP = 375, 1280


@pytest.fixture
def practice(counselor, practice_admin):
    """Dana with several couples (four with 12 weeks of history, three with long names and a
    co-counselor), offices with long addresses, requests, failed reminders and audit events."""
    from progress.builtin import install_builtin_measures

    install_builtin_measures()  # the live server's database is flushed between tests
    now = timezone.now()
    office = LocationFactory(
        name="Lynnwood – Alderwood Professional Center",
        slug="lynnwood",
        address_line1="19800 44th Avenue West, Suite 210",
        city="Lynnwood",
        postal_code="98036",
        phone="(425) 555-0142",
    )
    LocationFactory(name="Online (telehealth, WA only)", slug="online", kind=LocationKind.ONLINE, phone="")
    LocationFactory(
        name="Bellevue",
        slug="bellevue",
        address_line1="1200 112th Avenue NE",
        city="Bellevue",
        postal_code="98004",
        is_active=False,
    )
    history = generate(counselor, 4, now=now, seed=37, location=office)
    colleague = CounselorFactory(full_name="Margaret Okonkwo-Villanueva", email="margaret@practice.test")
    named = [
        ("Alexandria Montgomery-Whitfield", "Christopher Montgomery-Whitfield"),
        ("Sam Lee", "Riley Lee"),
        ("Jo Diaz", "Kim Diaz"),
    ]
    for one, two in named:
        couple = CoupleFactory(
            partner_one=ClientFactory(full_name=one),
            partner_two=ClientFactory(full_name=two),
            primary_counselor=counselor,
            started_on=(now - timedelta(days=90)).date(),
        )
        couple.other_counselors.add(colleague)
    IntakeRequest.objects.create(
        names="Bartholomew and Genevieve Castellanos-Fitzgerald",
        email="castellanos@example.test",
        counselor=counselor,
        preferred_location=office,
    )
    IntakeRequest.objects.create(names="Pat and Jamie Moore", email="moore@example.test", prefers_online=True)
    occurrence = Occurrence.objects.filter(assignment__couple=history[0]).first()
    assert occurrence is not None
    Reminder.objects.create(
        kind=ReminderKind.EXERCISE_OVERDUE,
        recipient=history[0].partner_one,
        occurrence=occurrence,
        object_key=f"occurrence:{occurrence.pk}",
        due_at=now - timedelta(hours=3),
        state=ReminderState.FAILED,
        attempts=6,
        last_error="550 5.1.1 <" + history[0].partner_one.email + ">: Recipient address rejected: "
        "User unknown in virtual mailbox table; the mail server refused the message after every retry",
    )
    Reminder.objects.create(
        kind=ReminderKind.WEEKLY_DIGEST,
        recipient=counselor,
        object_key="week:2026-W10",
        due_at=now - timedelta(days=1),
        state=ReminderState.FAILED,
        attempts=3,
        last_error="Connection timed out",
    )
    for minutes, action, target in [
        (5, "response.viewed", "Response"),
        (30, "appointment.rescheduled_by_practice_admin", "Appointment"),
        (90, "couple.invited", "Couple"),
    ]:
        AuditEvent.objects.create(
            actor=practice_admin,
            action=action,
            target_type=target,
            target_id="123456",
            created_at=now - timedelta(minutes=minutes),
        )
    AuditEvent.objects.create(action="reminder.failed", target_type="Reminder", target_id="98", created_at=now)
    return history


def _pages(persona: str, history) -> list[tuple[str, str, int]]:
    """(screenshot name, path, how many stacking tables it has at least) of the pages
    each persona opens between sessions. The dashboard, the appointments, the calendar
    and the library are lists of cards already, with no table: they must not scroll
    sideways either."""
    if persona == "counselor":
        couple = history[0]
        return [
            ("dashboard", "/", 0),
            ("couples", "/couples/", 1),
            ("appointments", "/appointments/", 0),
            ("calendar-week", "/calendar/?view=week", 0),
            ("calendar-day", "/calendar/?view=day", 0),
            ("exercise-library", "/exercises/", 0),
            ("couple-exercises", f"/couples/{couple.pk}/exercises/", 1),
            ("couple-progress", f"/couples/{couple.pk}/progress/", 1),
            ("couple-summary", f"/couples/{couple.pk}/progress/summary/", 1),
        ]
    return [
        ("offices", "/locations/", 1),
        ("couples", "/couples/", 1),
        ("appointments", "/appointments/", 0),
        ("calendar-week", "/calendar/?view=week", 0),
        ("calendar-day", "/calendar/?view=day", 0),
        ("requests", "/intake-requests/", 1),
        ("audit", "/audit/", 1),
        ("failed-reminders", "/notifications/failed/", 1),
    ]


# What each table of the page looks like, measured in the browser.
TABLES_JS = """() => {
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg && !bg.endsWith(", 0)") && bg !== "transparent") return bg;
    }
    return "rgb(255, 255, 255)";
  };
  const contrast = (fg, bg) => {
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  return [...document.querySelectorAll("main table")].map((table) => {
    const columns = [...table.querySelectorAll("thead th")];
    const head = table.tHead ? table.tHead.getBoundingClientRect() : null;
    const scroller = table.closest(".table-wrap");
    const problems = [];
    for (const th of columns) {
      if (th.getAttribute("scope") !== "col") problems.push("a column header without scope=col");
    }
    const cells = [];
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      let column = 0;
      for (const cell of row.cells) {
        const header = columns[column];
        column += cell.colSpan;
        if (cell.tagName !== "TD" || cell.colSpan > 1 || !header) continue;
        const hiddenHeader = header.querySelector(".visually-hidden") && !header.textContent.trim().replace(
          header.querySelector(".visually-hidden").textContent.trim(), "");
        const label = cell.getAttribute("data-label");
        const before = getComputedStyle(cell, "::before");
        if (label === null ? !hiddenHeader : label !== header.textContent.trim())
          problems.push(`cell labelled ${JSON.stringify(label)} under ${JSON.stringify(header.textContent.trim())}`);
        cells.push({
          label,
          shown: before.content !== "none" && before.display !== "none",
          contrast: contrast(before.color, background(cell)),
          right: cell.getBoundingClientRect().right,
        });
      }
    }
    return {
      cls: table.className,
      stack: table.classList.contains("stack"),
      display: getComputedStyle(table).display,
      headHeight: head ? head.height : null,
      right: table.getBoundingClientRect().right,
      scrolls: scroller ? scroller.scrollWidth > scroller.clientWidth : false,
      problems,
      cells,
    };
  });
}"""


def _check_page(page, name: str, width: int) -> list[str]:
    problems = []
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        problems.append(f"{name}: the page scrolls sideways")
    for index, table in enumerate(page.evaluate(TABLES_JS)):
        where = f"{name}, table {index + 1} ({table['cls'] or 'no class'})"
        if table["right"] > width or (width == PHONE and table["scrolls"]):
            problems.append(f"{where}: wider than the screen, it scrolls sideways")
        if not table["stack"]:  # a table that fits as it is (the chart's figures, opening hours)
            continue
        problems += [f"{where}: {p}" for p in table["problems"]]
        labelled = [cell for cell in table["cells"] if cell["label"]]
        if width == PHONE:
            if table["headHeight"] is not None and table["headHeight"] > 1:
                problems.append(f"{where}: the header row is still shown above the cards")
            if any(not cell["shown"] for cell in labelled):
                problems.append(f"{where}: a cell does not show its column's name")
            if any(cell["contrast"] < 4.5 for cell in labelled):
                problems.append(f"{where}: a column name has contrast below 4.5:1")
        else:
            if table["display"] != "table" or not table["headHeight"] or table["headHeight"] < 20:
                problems.append(f"{where}: not a table with a header row at {width} px")
            if any(cell["shown"] for cell in labelled):
                problems.append(f"{where}: a cell repeats its column's name at {width} px")
    return problems


@pytest.mark.parametrize("persona", ["counselor", "admin"])
@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_staff_pages_do_not_scroll_sideways_on_a_phone_and_keep_their_tables_on_a_laptop(
    width, persona, open_page, live_server, counselor, practice_admin, practice, screenshots_dir
):
    user = counselor if persona == "counselor" else practice_admin
    recording = open_page(width, 800)
    recording.log_in(user, live_server.url)
    page = recording.page
    problems: list[str] = []
    for name, path, stacking in _pages(persona, practice):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        if page.locator("main table.stack").count() < stacking:
            problems.append(f"{name}: no data table to check")
        if width == LAPTOP:
            for table in page.locator("main table:has(thead)").all():
                table.scroll_into_view_if_needed()
                if not table.locator("thead tr").is_visible():
                    problems.append(f"{name}: a table's header row is not visible at {width} px")
        problems += _check_page(page, name, width)
        page.screenshot(path=str(screenshots_dir / f"tables-{persona}-{name}-{width}.png"), full_page=True)
        if stacking:  # and the first table up close
            shot = screenshots_dir / f"tables-{persona}-{name}-{width}-table.png"
            page.locator("main table.stack").first.screenshot(path=str(shot))
    assert problems == []
    assert recording.foreign_requests(live_server.url) == []


def test_on_a_phone_the_cards_keep_the_table_semantics(
    open_page, live_server, counselor, practice_admin, practice, screenshots_dir
):
    """Screen readers still meet a table with column headers and cells, and hear
    each column's name once (from the header), not again from the card's label."""
    recording = open_page(PHONE, 800)
    recording.log_in(practice_admin, live_server.url)
    page = recording.page
    page.goto(f"{live_server.url}/locations/")
    table = page.get_by_role("table", name="Office locations")
    assert table.count() == 1
    assert table.get_by_role("columnheader").count() == 5
    assert table.get_by_role("columnheader", name="Address").count() == 1
    assert table.get_by_role("rowheader", name="Lynnwood – Alderwood Professional Center").count() == 1
    assert table.get_by_role("cell", name="(425) 555-0142", exact=True).count() == 1
    assert table.get_by_role("cell", name="Phone (425) 555-0142").count() == 0
    assert not page.locator("thead").first.is_visible() or page.locator("thead").first.bounding_box()["height"] <= 1

    # The phone link in a card takes the keyboard focus with its outline showing.
    link = page.get_by_role("link", name="(425) 555-0142")
    link.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    box = link.bounding_box()
    assert box is not None and box["x"] >= 5 and box["x"] + box["width"] <= PHONE - 5
    page.screenshot(path=str(screenshots_dir / f"tables-admin-offices-focus-{PHONE}.png"))

    couples = open_page(PHONE, 800)
    couples.log_in(counselor, live_server.url)
    couples.page.goto(f"{live_server.url}/couples/")
    table = couples.page.get_by_role("table", name="Couples")
    assert table.get_by_role("columnheader", name="Counselor").count() == 1
    assert table.get_by_role("cell", name="Dana Reyes, Margaret Okonkwo-Villanueva", exact=True).count() == 3
