from typing import Any

from django.conf import settings
from django.http import HttpRequest


def practice(request: HttpRequest) -> dict[str, Any]:
    return {"practice_name": settings.PRACTICE_NAME, "practice_phone": settings.PRACTICE_PHONE}
