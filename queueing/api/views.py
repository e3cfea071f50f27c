"""Offices and their availability over the API."""

from datetime import date

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import DomainError
from core.throttling import limit, throttle
from core.web import AnswersBeforeDRF, domain_error_page
from queueing import hints, selectors
from queueing.models import Office

ReadThrottle = throttle("read_address")


class OfficeOut(serializers.ModelSerializer):
    zone = serializers.CharField(source="zone_abbreviation")
    services = serializers.SerializerMethodField()

    class Meta:
        model = Office
        fields = [
            "code",
            "name",
            "kind",
            "office_class",
            "address",
            "city",
            "province",
            "timezone",
            "zone",
            "latitude",
            "longitude",
            "services",
            "working_days",
            "booking_horizon_days",
            "quota_release_time",
        ]

    def get_services(self, office) -> list[str]:
        offered = [
            ("ordinary", office.issues_ordinary),
            ("electronic", office.issues_electronic),
            ("same_day", office.offers_same_day),
        ]
        return [name for name, yes in offered if yes]


class OfficeListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ReadThrottle]

    @extend_schema(
        responses=OfficeOut(many=True),
        tags=["offices"],
        summary="Immigration offices",
        parameters=[
            OpenApiParameter(
                "passport_type", str, enum=["ordinary", "electronic"], description="Only offices that issue this type"
            )
        ],
    )
    def get(self, request):
        return Response(OfficeOut(selectors.offices_for(request.query_params.get("passport_type", "")), many=True).data)


SessionOut = inline_serializer(
    "AvailableSession",
    {
        "id": serializers.IntegerField(),
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "capacity": serializers.IntegerField(),
        "remaining": serializers.IntegerField(),
        "priority_capacity": serializers.IntegerField(),
        "priority_remaining": serializers.IntegerField(),
    },
)
AvailabilityOut = inline_serializer(
    "Availability",
    {
        "office": inline_serializer(
            "AvailabilityOffice",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "timezone": serializers.CharField(),
                "zone": serializers.CharField(),
            },
        ),
        "bookable_from": serializers.DateField(),
        "bookable_to": serializers.DateField(),
        "dates": inline_serializer(
            "AvailableDate",
            {
                "date": serializers.DateField(help_text="The office's local date"),
                "open": serializers.BooleanField(),
                "closed_reason": serializers.CharField(),
                "sessions": SessionOut.__class__(many=True),
            },
            many=True,
        ),
    },
)


def _date_param(request, name) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        message = _("Use a date like 2026-12-01.")
        raise DomainError("invalid", message, fields={name: [message]}) from None


class AvailabilityView(AnswersBeforeDRF, APIView):
    """The hottest read when quotas open: served from a per-office cache a few seconds old at most."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ReadThrottle]

    @extend_schema(
        responses=AvailabilityOut,
        tags=["offices"],
        summary="Places left per date and session",
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
    )
    def get(self, request, code):
        office = get_object_or_404(Office, code=code, is_active=True)
        start, end = _date_param(request, "from"), _date_param(request, "to")
        if start and end and end < start:
            message = _("The end date is before the start date.")
            raise DomainError("invalid", message, fields={"to": [message]})
        body = selectors.availability_json(office, start, end)
        if start is None and end is None:
            # The common question (the whole window) is kept ready for the fast path.
            hints.store_document(office.code, body.encode())
        return _document(body)

    @classmethod
    def fast(cls, request, code):
        """The whole window of an office, as kept ready, for a plain GET."""
        if request.method != "GET" or request.GET:
            return None
        try:
            limit(request, "read_address")
        except DomainError as exc:
            return domain_error_page(request, exc)
        body = hints.cached_document(code)
        return _document(body) if body is not None else None


def _document(body) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "public, max-age=2"
    return response
