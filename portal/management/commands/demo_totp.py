from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config import demo


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff account (demo accounts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        demo_staff = {demo.ADMIN.email, *(c.email for c in demo.COUNSELORS)}
        if email.lower() not in demo_staff:
            raise CommandError(f"Only demo staff accounts have a published code: {', '.join(sorted(demo_staff))}")
        counter = next(iter(yield_hotp_counters_from_time()))
        self.stdout.write(format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, counter)))
