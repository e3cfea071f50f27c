"""Reports over the API: open issuance figures (public) and operations (staff with access)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, DjangoModelPermissions
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import reports
from core.errors import DomainError
from core.throttling import throttle
from queueing.models import Booking, Office

MonthOut = inline_serializer(
    "IssuanceMonth",
    {
        "month": serializers.IntegerField(),
        "name": serializers.CharField(),
        "ordinary": serializers.IntegerField(),
        "electronic": serializers.IntegerField(),
    },
)
IssuanceOut = inline_serializer(
    "IssuanceReport",
    {
        "office": serializers.CharField(),
        "year": serializers.IntegerField(),
        "months": MonthOut.__class__(many=True),
        "totals": serializers.DictField(child=serializers.IntegerField()),
    },
)
DayOut = inline_serializer(
    "OperationsDay",
    {
        "date": serializers.DateField(),
        "bookings": serializers.IntegerField(),
        "no_shows": serializers.IntegerField(),
        "payments": serializers.IntegerField(),
        "expiries": serializers.IntegerField(),
        "renewals": serializers.IntegerField(),
    },
)


def _office(request) -> Office:
    code = request.query_params.get("office")
    if not code:
        message = _("Choose an office.")
        raise DomainError("invalid", message, fields={"office": [message]})
    return get_object_or_404(Office, code=code)


class IssuanceReportView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [throttle("read_address")]

    @extend_schema(
        responses=IssuanceOut,
        tags=["reports"],
        summary="Passports issued per month and product (open data)",
        parameters=[OpenApiParameter("office", str, required=True), OpenApiParameter("year", int)],
    )
    def get(self, request):
        office = _office(request)
        year = reports.report_year(request.query_params.get("year"), timezone.localdate())
        months = reports.issuance_by_month(office, year)
        return Response({"office": office.code, "year": year, "months": months, "totals": reports.totals(months)})


class StaffPermission(DjangoModelPermissions):
    perms_map = {"GET": ["%(app_label)s.view_%(model_name)s"]}


class OperationsReportView(APIView):
    permission_classes = [StaffPermission]
    queryset = Booking.objects.none()  # permission: queueing.view_booking

    @extend_schema(
        responses=DayOut.__class__(many=True),
        tags=["reports"],
        summary="Bookings, no-shows, payments, expiries and renewals per day (staff)",
        parameters=[
            OpenApiParameter("office", str, required=True),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
    )
    def get(self, request):
        office = _office(request)
        params = request.query_params
        start, end = reports.report_period(params.get("from"), params.get("to"), office.local_today())
        return Response(DayOut.__class__(reports.operations_by_day(office, start, end), many=True).data)
