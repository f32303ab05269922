from typing import Any

from django.core.management.base import BaseCommand

from config import demo


class Command(BaseCommand):
    help = "Build the demo practice (idempotent) and print its logins."

    def handle(self, *args: Any, **options: Any) -> None:
        people = demo.demo_practice_load()
        self.stdout.write(
            self.style.SUCCESS("Demo practice ready. Every demo account's password: " + demo.DEMO_PASSWORD)
        )
        for group, users in people.items():
            self.stdout.write(f"  {group}:")
            for user in users:
                reads = " (reads the portal in Spanish)" if user.language == "es" else ""
                self.stdout.write(f"    {user.email:<28} {user.full_name}{reads}")
        self.stdout.write(
            "  Staff accounts use two-factor authentication: get the current code with\n"
            "    .venv/bin/python manage.py demo_totp frontdesk@demo.test"
        )
