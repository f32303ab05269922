from django.db.models import QuerySet

from scheduling.models import Location


def locations_active() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).order_by("name")
