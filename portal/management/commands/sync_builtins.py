from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from exercises.builtin import install_builtin_templates
from intake.builtin import install_builtin_documents
from progress.builtin import install_builtin_measures


class Command(BaseCommand):
    help = (
        "Install or update the built-in exercises, measures and document drafts (by slug) on this database. "
        "Safe to run on every upgrade: rows already current are left alone, and built-in "
        "exercises no longer shipped are archived, not deleted (they may still be assigned)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            templates = install_builtin_templates()
            measures = install_builtin_measures()
            documents = install_builtin_documents()
        self.stdout.write(
            "Built-in exercises: {created} created, {updated} updated, {archived} archived.".format(**templates)
        )
        self.stdout.write("Built-in measures: {created} created, {updated} updated.".format(**measures))
        self.stdout.write(
            "Built-in document drafts: {created} created, {updated} updated, "
            "{kept} kept (edited or published by the practice).".format(**documents)
        )
