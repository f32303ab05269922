"""The demo practice built by `manage.py load_demo`.

Office names, addresses and phone numbers come from the practice website in
shared/seeds where it gives them; the people are invented.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Couple, CoupleStatus, Invitation, Role, User
from exercises.builtin import install_builtin_templates
from exercises.demo import demo_exercises_load
from scheduling.models import Location, LocationKind

DEMO_PASSWORD = "together-2026"
MAIN_PHONE = "(206) 388-3929"
# A published secret: demo staff accounts need 2FA like real ones, and
# `manage.py demo_totp EMAIL` prints the current code for them.
DEMO_TOTP_SECRET = base64.b32encode(b"demo-practice-totp!!").decode()

# (name, address line 1, address line 2, city, postal code, phone)
OFFICES: list[tuple[str, str, str, str, str, str]] = [
    ("Bellevue", "", "", "Bellevue", "", MAIN_PHONE),
    ("Bothell", "10116 Main St", "Suite 204", "Bothell", "98011", "(425) 939-7959"),
    ("Edmonds", "316 Main Street", "", "Edmonds", "98020", "(206) 620-1404"),
    ("Everett", "", "", "Everett", "", MAIN_PHONE),
    ("Federal Way", "", "", "Federal Way", "", MAIN_PHONE),
    ("Hansville", "", "", "Hansville", "", MAIN_PHONE),
    ("Kent", "", "", "Kent", "", MAIN_PHONE),
    ("Kirkland", "", "", "Kirkland", "", MAIN_PHONE),
    ("Lacey", "", "", "Lacey", "", MAIN_PHONE),
    ("Mill Creek", "", "", "Mill Creek", "", MAIN_PHONE),
    ("Monroe", "", "", "Monroe", "", MAIN_PHONE),
    ("Oak Harbor", "", "", "Oak Harbor", "", MAIN_PHONE),
    ("Poulsbo", "", "", "Poulsbo", "", MAIN_PHONE),
    ("Puyallup", "", "", "Puyallup", "", MAIN_PHONE),
    ("Redmond", "", "", "Redmond", "", MAIN_PHONE),
    ("Seattle Downtown", "", "", "Seattle", "", MAIN_PHONE),
    ("Seattle Greenlake", "6827 Oswego Place NE", "Suite B", "Seattle", "98115", MAIN_PHONE),
    ("Silverdale", "", "", "Silverdale", "", MAIN_PHONE),
    ("Spokane", "", "", "Spokane", "", MAIN_PHONE),
    ("Spokane Valley", "", "", "Spokane Valley", "", MAIN_PHONE),
    ("North Spokane", "", "", "Spokane", "", MAIN_PHONE),
    ("Tacoma", "", "", "Tacoma", "", MAIN_PHONE),
    ("Vancouver", "", "", "Vancouver", "", MAIN_PHONE),
]
ONLINE_OFFICE = "Online (WA only)"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    time_zone: str = "America/Los_Angeles"
    phone: str = ""
    language: str = ""  # blank: the practice's, else the browser's


ADMIN = DemoPerson("frontdesk@demo.test", "Morgan Ellis", Role.PRACTICE_ADMIN, phone="(206) 555-0110")
COUNSELORS = [
    DemoPerson("grace.holt@demo.test", "Grace Holt", Role.COUNSELOR, phone="(206) 555-0121"),
    DemoPerson("daniel.okafor@demo.test", "Daniel Okafor", Role.COUNSELOR, phone="(425) 555-0122"),
    DemoPerson(
        "lena.marsh@demo.test", "Lena Marsh", Role.COUNSELOR, phone="(509) 555-0123", time_zone="America/Los_Angeles"
    ),
]
# (partner one, partner two, counselor index, weeks ago started, status)
COUPLES = [
    (
        DemoPerson("maya.chen@demo.test", "Maya Chen", Role.CLIENT),
        DemoPerson("tom.chen@demo.test", "Tom Chen", Role.CLIENT),
        0,
        6,
        CoupleStatus.ACTIVE,
    ),
    (
        # A bilingual couple: Ana reads the portal in Spanish, Luis in English.
        DemoPerson("ana.silva@demo.test", "Ana Silva", Role.CLIENT, language="es"),
        DemoPerson("luis.silva@demo.test", "Luis Silva", Role.CLIENT),
        0,
        3,
        CoupleStatus.ACTIVE,
    ),
    (
        DemoPerson("beth.nolan@demo.test", "Beth Nolan", Role.CLIENT, time_zone="America/New_York"),
        DemoPerson("chris.nolan@demo.test", "Chris Nolan", Role.CLIENT),
        1,
        5,
        CoupleStatus.ACTIVE,
    ),
    (
        DemoPerson("priya.rao@demo.test", "Priya Rao", Role.CLIENT),
        DemoPerson("sam.rao@demo.test", "Sam Rao", Role.CLIENT),
        2,
        8,
        CoupleStatus.PAUSED,
    ),
]


def _person(person: DemoPerson) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            person.email,
            DEMO_PASSWORD,
            full_name=person.full_name,
            role=person.role,
            time_zone=person.time_zone,
            phone=person.phone,
            language=person.language,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _staff(person: DemoPerson) -> User:
    user = _person(person)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _locations() -> None:
    for name, line1, line2, city, postal_code, phone in OFFICES:
        Location.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "address_line1": line1,
                "address_line2": line2,
                "city": city,
                "postal_code": postal_code,
                "phone": phone,
                "kind": LocationKind.IN_PERSON,
            },
        )
    Location.objects.get_or_create(
        slug="online",
        defaults={"name": ONLINE_OFFICE, "phone": MAIN_PHONE, "kind": LocationKind.ONLINE},
    )


def _couples(admin: User, counselors: list[User]) -> None:
    today = timezone.localdate()
    for one, two, counselor_index, weeks_ago, status in COUPLES:
        partner_one, partner_two = _person(one), _person(two)
        if Couple.objects.filter(partner_one=partner_one, partner_two=partner_two).exists():
            continue
        started = today - timedelta(weeks=weeks_ago)
        couple = Couple.objects.create(
            partner_one=partner_one,
            partner_two=partner_two,
            primary_counselor=counselors[counselor_index],
            status=status,
            started_on=started,
            time_zone=one.time_zone,
        )
        for partner in couple.partners:
            invitation = Invitation.objects.create(couple=couple, user=partner, invited_by=counselors[counselor_index])
            sent = timezone.now() - timedelta(weeks=weeks_ago)
            Invitation.objects.filter(pk=invitation.pk).update(
                created_at=sent, last_sent_at=sent, send_count=1, accepted_at=sent + timedelta(hours=5)
            )


@transaction.atomic
def demo_practice_load() -> dict[str, list[User]]:
    """Build (or complete) the demo practice; running it again changes nothing."""
    install_builtin_templates()
    _locations()
    admin = _staff(ADMIN)
    counselors = [_staff(person) for person in COUNSELORS]
    _couples(admin, counselors)
    clients = [_person(p) for one, two, *_ in COUPLES for p in (one, two)]
    demo_exercises_load(
        couples=Couple.objects.filter(partner_one__in=clients).select_related("partner_one", "partner_two"),
        counselors=counselors,
        now=timezone.now(),
    )
    # Imported here: the portal's demo builds on the scheduling app, not the other way round.
    from scheduling.demo import demo_schedule_load

    couples = [Couple.objects.get(partner_one__email=one.email) for one, *_ in COUPLES]
    demo_schedule_load(counselors=counselors, couples=couples, now=timezone.now())
    from progress.demo import demo_measures_load

    demo_measures_load(couples=couples, now=timezone.now())
    from intake.demo import demo_documents_load, demo_packet_load

    demo_documents_load(admin=admin)
    newest = min(zip(COUPLES, couples, strict=True), key=lambda pair: pair[0][3])[1]
    demo_packet_load(admin=admin, couple=newest)
    from messaging.demo import demo_messages_load

    demo_messages_load(couple=couples[0])
    return {"Practice admin": [admin], "Counselors": counselors, "Clients": clients}
