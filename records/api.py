"""/api/v1/me/record/: the signed-in client's own record as JSON (the same
document as the page's download, described by records/schema/record.schema.json;
audited like it). Anyone else: 404."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from accounts.languages import override_for
from portal import policy
from portal.api import request_user
from records import services


class MyRecordView(APIView):
    """Your own record (right of access): profile, appointments, your answers
    with their questions and comments, your scores, the documents you signed,
    your conversations, and the answers as a FHIR R4 Bundle. Clients only."""

    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The record; its JSON Schema is records/schema/record.schema.json."
            ),
            404: OpenApiResponse(description="Not a client."),
        }
    )
    def get(self, request: Request) -> ApiResponse:
        user = request_user(request)
        if not policy.can_download_own_record(user):
            raise NotFound("No such record.")
        with override_for(user):  # titles and yes/no in the client's language, as in the downloads
            document = services.record_export(actor=user, subject=user, export_format="api")
        response = ApiResponse(document)
        response["Cache-Control"] = "no-store"
        return response
