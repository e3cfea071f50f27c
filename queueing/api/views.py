"""Offices, availability and booking over the API."""

from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants import selectors as application_selectors
from core import json_input
from core.errors import DomainError
from core.fastjwt import access_token_user
from core.idempotency import idempotent
from core.throttling import client_address, enforce, throttle
from core.web import domain_error_page
from queueing import fastpath, selectors, services
from queueing.models import Booking, Office, SessionSlot

BookingThrottles = [throttle("booking_account"), throttle("booking_address", per_account=False)]
ReadThrottle = throttle("read_address", per_account=False)


class OfficeOut(serializers.ModelSerializer):
    zone = serializers.CharField(source="zone_abbreviation")
    services = serializers.SerializerMethodField()

    class Meta:
        model = Office
        fields = ["code", "name", "kind", "office_class", "address", "city", "province", "timezone", "zone",
                  "latitude", "longitude", "services", "working_days", "booking_horizon_days", "quota_release_time"]  # fmt: skip

    def get_services(self, office) -> list[str]:
        offered = [("ordinary", office.issues_ordinary), ("electronic", office.issues_electronic),
                   ("same_day", office.offers_same_day)]  # fmt: skip
        return [name for name, yes in offered if yes]


class OfficeListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ReadThrottle]

    @extend_schema(responses=OfficeOut(many=True), tags=["offices"], summary="Immigration offices",
                   parameters=[OpenApiParameter("passport_type", str, enum=["ordinary", "electronic"],
                                                description="Only offices that issue this type")])  # fmt: skip
    def get(self, request):
        return Response(OfficeOut(selectors.offices_for(request.query_params.get("passport_type", "")), many=True).data)


SessionOut = inline_serializer("AvailableSession", {
    "id": serializers.IntegerField(), "start": serializers.DateTimeField(), "end": serializers.DateTimeField(),
    "capacity": serializers.IntegerField(), "remaining": serializers.IntegerField(),
    "priority_capacity": serializers.IntegerField(), "priority_remaining": serializers.IntegerField(),
})  # fmt: skip
AvailabilityOut = inline_serializer("Availability", {
    "office": inline_serializer("AvailabilityOffice", {"code": serializers.CharField(), "name": serializers.CharField(),
                                                       "timezone": serializers.CharField(), "zone": serializers.CharField()}),
    "bookable_from": serializers.DateField(), "bookable_to": serializers.DateField(),
    "dates": inline_serializer("AvailableDate", {
        "date": serializers.DateField(help_text="The office's local date"), "open": serializers.BooleanField(),
        "closed_reason": serializers.CharField(), "sessions": SessionOut.__class__(many=True)}, many=True),
})  # fmt: skip


def _date_param(request, name) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        message = _("Use a date like 2026-12-01.")
        raise DomainError("invalid", message, fields={name: [message]}) from None


class AvailabilityView(APIView):
    """The hottest read when quotas open: served from a per-office cache a few seconds old at most."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ReadThrottle]

    @extend_schema(responses=AvailabilityOut, tags=["offices"], summary="Places left per date and session",
                   parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)])  # fmt: skip
    def get(self, request, code):
        office = get_object_or_404(Office, code=code, is_active=True)
        start, end = _date_param(request, "from"), _date_param(request, "to")
        if start and end and end < start:
            message = _("The end date is before the start date.")
            raise DomainError("invalid", message, fields={"to": [message]})
        body = selectors.availability_json(office, start, end)
        response = HttpResponse(body, content_type="application/json")
        response["Cache-Control"] = "public, max-age=2"
        return response


class BookingIn(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, help_text="A session id from the availability")
    priority = serializers.BooleanField(default=False, help_text="Use the priority lane (eligible applicants only)")


class BillSummaryOut(serializers.Serializer):
    code = serializers.CharField()
    amount = serializers.IntegerField()
    status = serializers.CharField(source="effective_status")
    expires_at = serializers.DateTimeField()


class BookingOut(serializers.ModelSerializer):
    status = serializers.CharField(source="effective_status")
    office = serializers.SerializerMethodField()
    session = serializers.SerializerMethodField()
    reschedules_left = serializers.SerializerMethodField()
    bill = BillSummaryOut(allow_null=True)

    class Meta:
        model = Booking
        fields = ["code", "status", "lane", "office", "session", "hold_until", "reschedules_left", "bill", "created_at"]

    def get_office(self, booking) -> dict:
        office = booking.slot.office
        return {"code": office.code, "name": office.name, "timezone": office.timezone}

    def get_session(self, booking) -> dict:
        slot, zone = booking.slot, booking.slot.office.zone
        return {"id": slot.pk, "date": slot.date.isoformat(), "start": slot.starts_at.astimezone(zone).isoformat(),
                "end": slot.ends_at.astimezone(zone).isoformat()}  # fmt: skip

    def get_reschedules_left(self, booking) -> int:
        return max(settings.MAX_RESCHEDULES - booking.reschedules_used, 0)


def _slot(session_id) -> SessionSlot:
    slot = SessionSlot.objects.select_related("office").filter(pk=session_id).first()
    if slot is None:
        message = _("There is no such session.")
        raise DomainError("invalid", message, fields={"session": [message]})
    return slot


def _current(application) -> Booking:
    booking = selectors.active_booking(application)
    if booking is None:
        raise Http404
    return booking


class BookingView(APIView):
    def get_throttles(self):
        return [] if self.request.method == "GET" else [cls() for cls in BookingThrottles]

    @extend_schema(responses=BookingOut, tags=["booking"], summary="The application's current booking")
    def get(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        return Response(BookingOut(_current(application)).data)

    @extend_schema(request=BookingIn, responses={201: BookingOut}, tags=["booking"],
                   summary="Book a session; 409 `slot_full` when no place is left")  # fmt: skip
    @idempotent
    def post(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        data = BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_create(application=application, slot=_slot(data.validated_data["session"]),
                                          actor=request.user, priority=data.validated_data["priority"])  # fmt: skip
        return Response(BookingOut(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BookingIn, responses=BookingOut, tags=["booking"],
                   summary="Reschedule to another session, atomically (once, by the day before)")  # fmt: skip
    @idempotent
    def put(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        data = BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_reschedule(booking=_current(application), slot=_slot(data.validated_data["session"]),
                                              actor=request.user)  # fmt: skip
        return Response(BookingOut(booking).data)

    @extend_schema(responses={204: None}, tags=["booking"], summary="Cancel; the place returns to the quota at once")
    def delete(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        services.booking_cancel(booking=_current(application), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Fast paths in front of the two hottest endpoints ---------------------------------------------
# When quotas open, thousands of phones refresh the calendar and try to book sessions that
# are already full. These answers need neither DRF's machinery nor the database: the ready
# availability document, and the short-lived "full" hint, both live in Redis. Anything the
# fast path cannot answer for certain goes to the full DRF view below it.

_availability_view = AvailabilityView.as_view()
_booking_view = BookingView.as_view()


@csrf_exempt
def availability_entry(request, code):
    if request.method == "GET" and not request.GET:
        try:
            enforce("read_address", f"a{client_address(request)}")
        except DomainError as exc:
            return domain_error_page(request, exc)
        body = fastpath.cached_document(code)
        if body is not None:
            response = HttpResponse(body, content_type="application/json")
            response["Cache-Control"] = "public, max-age=2"
            return response
    return _availability_view(request, code=code)


def _user_id_from_bearer(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return access_token_user(header[7:].strip()) if header.startswith("Bearer ") else None


@csrf_exempt
def booking_entry(request, application_id):
    """Refuse an attempt on a session the database just reported full, without touching it.

    Only for a signed-in (valid bearer token) POST without an Idempotency-Key, whose body
    names a session with a live "full" hint. The answer is the same `slot_full` the full
    path would give; it reveals nothing about the application (fullness is public).
    """
    if request.method == "POST" and "HTTP_IDEMPOTENCY_KEY" not in request.META:
        user_id = _user_id_from_bearer(request)
        if user_id is not None:
            try:
                body = json_input.loads(request.body)
                session, priority = body["session"], body.get("priority") is True
            except (ValueError, KeyError, TypeError):
                session = None
            if type(session) is not int:  # noqa: E721 - a bool or a float is not a session id
                session = None
            if session is not None and fastpath.is_full(session, ["priority", "regular"] if priority else ["regular"]):
                try:
                    enforce("booking_account", f"u{user_id}")
                    enforce("booking_address", f"a{client_address(request)}")
                    raise services.slot_full_error()
                except DomainError as exc:
                    return domain_error_page(request, exc)
    return _booking_view(request, application_id=application_id)


# The schema generator documents the DRF views behind the fast paths.
for _entry, _view in ((availability_entry, _availability_view), (booking_entry, _booking_view)):
    _entry.cls, _entry.initkwargs = _view.cls, _view.initkwargs
