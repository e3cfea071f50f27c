"""The applicant's appointment over the API: booking a session and its bill, rescheduling,
cancelling, the bill and its renewal, the proof of application; and the payment
gateway's signed notification."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from applicants import selectors as application_selectors
from appointments import booking_fast, payments, services
from appointments.proof import pdf_response
from appointments.selectors import appointment_actions, booking_preview, proof_of
from billing.channels import FORFEIT_NOTICE, channels
from billing.models import Bill, BillStatus, PaymentCase
from billing.selectors import applied_payment, current_bill
from billing.words import rupiah_in_words
from core import json_input
from core.errors import DomainError
from core.fastjwt import access_token_claims, user_of
from core.idempotency import idempotent
from core.signing import verify
from core.throttling import BOOKING, limit, throttle
from core.web import AnswersBeforeDRF, domain_error_page
from queueing import hints
from queueing import services as places
from queueing.models import Booking, Lane, SessionSlot
from queueing.selectors import active_booking

BookingThrottles = [throttle(scope) for scope in BOOKING]
JUST_MADE = {"bill_is_current": True}  # BookingOut's context for a booking this request made


class BookingIn(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, help_text="A session id from the availability")
    priority = serializers.BooleanField(default=False, help_text="Use the priority lane (eligible applicants only)")


class BillSummaryOut(serializers.Serializer):
    code = serializers.CharField()
    amount = serializers.IntegerField()
    status = serializers.CharField(source="effective_status")
    expires_at = serializers.DateTimeField()


def _label(name: str):
    return capfirst(Booking._meta.get_field(name).verbose_name)


# A plain serializer, not a ModelSerializer: that one builds its fields again for every answer.
class BookingOut(serializers.Serializer):
    code = serializers.CharField(label=_label("code"))
    status = serializers.CharField(source="effective_status")
    lane = serializers.ChoiceField(choices=Lane.choices, label=_label("lane"))
    office = serializers.SerializerMethodField()
    session = serializers.SerializerMethodField()
    hold_until = serializers.DateTimeField(allow_null=True, label=_label("hold_until"))
    reschedules_left = serializers.SerializerMethodField()
    bill = BillSummaryOut(allow_null=True)
    actions = serializers.SerializerMethodField(
        help_text="What the applicant may do now: pay, reschedule, cancel_booking, proof, renew, book"
    )
    created_at = serializers.DateTimeField(label=_label("created_at"))

    def get_actions(self, booking) -> list[str]:
        # A booking just made or moved carries the application's current bill: no need to look it up.
        known = {"bill": booking.bill} if self.context.get("bill_is_current") else {}
        return sorted(appointment_actions(booking.application, booking, **known))

    def get_office(self, booking) -> dict:
        office = booking.slot.office
        return {"code": office.code, "name": office.name, "timezone": office.timezone}

    def get_session(self, booking) -> dict:
        slot, zone = booking.slot, booking.slot.office.zone
        return {
            "id": slot.pk,
            "date": slot.date.isoformat(),
            "start": slot.starts_at.astimezone(zone).isoformat(),
            "end": slot.ends_at.astimezone(zone).isoformat(),
        }

    def get_reschedules_left(self, booking) -> int:
        return max(settings.MAX_RESCHEDULES - booking.reschedules_used, 0)


def _slot(session_id) -> SessionSlot:
    slot = SessionSlot.objects.select_related("office").filter(pk=session_id).first()
    if slot is None:
        message = _("There is no such session.")
        raise DomainError("invalid", message, fields={"session": [message]})
    return slot


class PreviewIn(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, help_text="A session id from the availability")


class PreviewOut(serializers.Serializer):
    office = serializers.DictField()
    session = serializers.DictField()
    moving = serializers.BooleanField(help_text="True when this would move the current appointment (no new fee)")
    amount = serializers.IntegerField(help_text="Rupiah to pay if booked now (0 when moving)")
    lines = serializers.ListField(child=serializers.DictField())
    pay_before = serializers.DateTimeField(allow_null=True, help_text="The deadline the code would have if booked now")


class BookingPreviewView(APIView):
    """What booking a session commits the applicant to, before anything is taken: for the
    app's confirmation screen (the web shows the same page)."""

    @extend_schema(
        parameters=[PreviewIn],
        responses=PreviewOut,
        tags=["booking"],
        summary="Preview a booking: office, session, amount and payment deadline; takes nothing",
    )
    def get(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        data = PreviewIn(data=request.query_params)
        data.is_valid(raise_exception=True)
        preview = booking_preview(
            application, _slot(data.validated_data["session"]), current=active_booking(application)
        )
        slot, office = preview["slot"], preview["office"]
        zone = office.zone
        return Response(
            {
                "office": {
                    "code": office.code,
                    "name": office.name,
                    "address": office.address,
                    "timezone": office.timezone,
                },
                "session": {
                    "id": slot.pk,
                    "date": slot.date.isoformat(),
                    "start": slot.starts_at.astimezone(zone).isoformat(),
                    "end": slot.ends_at.astimezone(zone).isoformat(),
                },
                "moving": preview["moving_from"] is not None,
                "amount": preview["amount"],
                "lines": [
                    {"product": line.product, "label": line.label, "amount": line.amount} for line in preview["lines"]
                ],
                "pay_before": preview["pay_before"].astimezone(zone).isoformat() if preview["pay_before"] else None,
            }
        )


def _current(application) -> Booking:
    booking = active_booking(application)
    if booking is None:
        raise Http404
    return booking


class BookingView(AnswersBeforeDRF, APIView):
    def get_throttles(self):
        return [] if self.request.method == "GET" else [cls() for cls in BookingThrottles]

    @extend_schema(responses=BookingOut, tags=["booking"], summary="The application's current booking")
    def get(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        return Response(BookingOut(_current(application)).data)

    @extend_schema(
        request=BookingIn,
        responses={201: BookingOut},
        tags=["booking"],
        summary="Book a session; 409 `slot_full` when no place is left",
    )
    @idempotent
    def post(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        data = BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_create(
            application=application,
            slot=_slot(data.validated_data["session"]),
            actor=request.user,
            priority=data.validated_data["priority"],
        )
        return Response(BookingOut(booking, context=JUST_MADE).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=BookingIn,
        responses=BookingOut,
        tags=["booking"],
        summary="Reschedule to another session, atomically (once, by the day before)",
    )
    @idempotent
    def put(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        data = BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = places.booking_reschedule(
            booking=_current(application), slot=_slot(data.validated_data["session"]), actor=request.user
        )
        return Response(BookingOut(booking).data)

    @extend_schema(responses={204: None}, tags=["booking"], summary="Cancel; the place returns to the quota at once")
    def delete(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        services.booking_cancel(booking=_current(application), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @classmethod
    def fast(cls, request, application_id):
        """The rush's two cheap answers, for a POST with a valid bearer token of ours and no
        Idempotency-Key: `slot_full` for a session the database just reported full, without
        touching it (fullness is public); and the plain booking (`booking_fast`), whose answer
        is the one the full path gives. Anything else, None: the full path."""
        if request.method != "POST" or "HTTP_IDEMPOTENCY_KEY" in request.META:
            return None
        header = request.META.get("HTTP_AUTHORIZATION", "")
        claims = access_token_claims(header[7:].strip()) if header.startswith("Bearer ") else None
        user_id = None if claims is None else user_of(claims)
        if user_id is None:
            return None
        try:
            body = json_input.loads(request.body)
            session, priority = body["session"], body.get("priority", False)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if type(session) is not int or type(priority) is not bool:
            return None  # a bool or a float is not a session id; the full path explains
        lanes = ["priority", "regular"] if priority else ["regular"]
        full = hints.is_full(session, lanes)
        plain = not priority and set(body) <= {"session", "priority"} and isinstance(claims.get("hash_password"), str)
        if not (full or plain):
            return None
        try:
            limit(request, *BOOKING, user_id=user_id)
            if full:
                raise places.slot_full_error()
            booking = booking_fast.booking_create_fast(
                user_id=user_id,
                password_digest=claims["hash_password"],
                application_id=str(application_id),
                session_id=session,
            )
        except DomainError as exc:
            return domain_error_page(request, exc)
        if booking is None:
            return None
        return JsonResponse(
            BookingOut(booking, context=JUST_MADE).data,
            status=status.HTTP_201_CREATED,
            encoder=JSONEncoder,  # as DRF renders the full path's answer
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )


class PaymentOut(serializers.Serializer):
    ntpn = serializers.CharField()
    ntb = serializers.CharField()
    channel = serializers.CharField()
    paid_at = serializers.DateTimeField()


class ChannelOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    examples = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())


class BillOut(serializers.ModelSerializer):
    status = serializers.CharField(source="effective_status", help_text="unpaid, paid, expired or cancelled")
    status_label = serializers.SerializerMethodField()
    amount_in_words = serializers.SerializerMethodField()
    seconds_left = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()
    channels = serializers.SerializerMethodField()
    notice = serializers.SerializerMethodField()

    class Meta:
        model = Bill
        fields = [
            "code",
            "amount",
            "amount_in_words",
            "lines",
            "status",
            "status_label",
            "issued_at",
            "expires_at",
            "seconds_left",
            "payer_name",
            "ministry_code",
            "echelon_code",
            "work_unit_code",
            "account_code",
            "payment",
            "channels",
            "notice",
        ]

    def get_status_label(self, bill) -> str:
        return str(BillStatus(bill.effective_status).label)

    def get_amount_in_words(self, bill) -> str:
        return rupiah_in_words(bill.amount)

    def get_seconds_left(self, bill) -> int:
        if bill.effective_status != BillStatus.UNPAID:
            return 0
        return max(int((bill.expires_at - timezone.now()).total_seconds()), 0)

    @extend_schema_field(PaymentOut(allow_null=True))
    def get_payment(self, bill):
        payment = applied_payment(bill)
        return PaymentOut(payment).data if payment else None

    @extend_schema_field(ChannelOut(many=True))
    def get_channels(self, bill):
        return channels()

    def get_notice(self, bill) -> str:
        return str(FORFEIT_NOTICE)


def _bill_of(request, application_id) -> Bill:
    application = application_selectors.application_of(request.user, application_id)
    bill = current_bill(application)
    if bill is None:
        raise Http404
    return bill


class BillView(APIView):
    @extend_schema(
        responses=BillOut, tags=["billing"], summary="The billing code, amount, status, deadline and how to pay"
    )
    def get(self, request, application_id):
        return Response(BillOut(_bill_of(request, application_id)).data)


class RenewView(APIView):
    throttle_classes = BookingThrottles

    @extend_schema(
        request=None,
        responses={201: BillOut},
        tags=["billing"],
        summary="A fresh code for an expired, unpaid bill; keeps or re-books the place where quota allows. "
        "409 lists `alternatives` when the session is full.",
    )
    @idempotent
    def post(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        booking = services.booking_renew(application=application, actor=request.user)
        return Response(BillOut(booking.bill).data, status=status.HTTP_201_CREATED)


class ProofView(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): bytes},
        tags=["billing"],
        summary="Proof of application (PDF with QR code) once paid",
    )
    def get(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        bill, booking = proof_of(application)
        return pdf_response(application=application, booking=booking, bill=bill)


class PaymentNotificationIn(serializers.Serializer):
    billing_code = serializers.RegexField(r"^\d{15}$", max_length=15)
    amount = serializers.IntegerField(min_value=0)
    ntpn = serializers.RegexField(r"^[A-Za-z0-9]{16}$", max_length=16)
    ntb = serializers.CharField(max_length=40, allow_blank=True)
    channel = serializers.CharField(max_length=40)
    paid_at = serializers.DateTimeField()


class NotificationAnswer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["paid", "duplicate", "refund_due"])
    case = serializers.CharField(required=False, help_text="Why a payment was kept as a refund case")


# Stored as cases, but answered as refusals so the gateway knows the payment was not taken.
_REFUSALS = {
    PaymentCase.PAID_LATE: (
        409,
        "bill_expired",
        _("The payment was made after the bill expired; it will be refunded."),
    ),
    PaymentCase.AMOUNT_MISMATCH: (
        422,
        "amount_mismatch",
        _("The amount paid differs from the bill; it will be refunded."),
    ),
    PaymentCase.PAID_BEFORE_ISSUE: (
        422,
        "paid_before_issue",
        _("The payment time is before the bill was issued; it is kept for review."),
    ),
}


class PaymentNotificationView(APIView):
    """The gateway's callback. Signed with HMAC-SHA256 (see API.md); never uses a session."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=PaymentNotificationIn,
        responses={200: NotificationAnswer},
        tags=["partners"],
        summary="Payment gateway notification (signed). Every signed notice for a known code is stored. "
        "200 `paid`, `duplicate` (same NTPN) or `refund_due` (kept for a refund); 401 bad "
        "signature; 404 unknown code; 409 `bill_expired` (paid after the deadline); 422 "
        "`amount_mismatch` or `paid_before_issue`.",
    )
    def post(self, request):
        verify(request, settings.PAYMENT_WEBHOOK_SECRET)
        data = PaymentNotificationIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = payments.payment_record(**data.validated_data)
        if result.replay:
            return Response({"status": "duplicate"})
        if result.applied:
            return Response({"status": "paid"})
        if result.case in _REFUSALS:
            status_code, code, message = _REFUSALS[result.case]
            raise DomainError(code, str(message), status=status_code)
        return Response({"status": "refund_due", "case": result.case})
