"""The services the practice's site lists, as the directory's specialties."""

from django.db import migrations
from django.utils.text import slugify

SPECIALTIES = [
    "Couples Counseling",
    "Premarital Counseling",
    "Marriage Counseling",
    "Marriage Intensive",
    "Family Counseling",
    "Individual Counseling",
    "Relationship Issues",
    "Infidelity and Affairs",
    "Anxiety",
    "Depression",
    "Grief and Loss",
    "Trauma",
    "Post Traumatic Stress Disorder",
    "Anger Management",
    "Codependency",
    "Counseling for Teens",
    "Counseling for Children",
    "Sexual Addiction",
    "Spiritual Development",
    "Online Counseling",
]


def add_specialties(apps, schema_editor):
    Specialty = apps.get_model("scheduling", "Specialty")
    for name in SPECIALTIES:
        Specialty.objects.get_or_create(slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_hours_profiles_appointments")]

    operations = [migrations.RunPython(add_specialties, migrations.RunPython.noop)]
