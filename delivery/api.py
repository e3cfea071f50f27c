"""Delivery over the API: choose pickup or PT Pos, follow the parcel; PT Pos's callback."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants import selectors as application_selectors
from core.signing import verify
from core.throttling import throttle
from delivery import selectors, services
from delivery.models import DeliveryChoice, Method, Shipment, TrackingEvent, TrackingStatus


class DeliveryIn(serializers.Serializer):
    method = serializers.ChoiceField(choices=Method.choices)
    recipient_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address_line = serializers.CharField(max_length=200, required=False, allow_blank=True)
    village = serializers.CharField(max_length=60, required=False, allow_blank=True)
    district = serializers.CharField(max_length=60, required=False, allow_blank=True)
    city = serializers.CharField(max_length=60, required=False, allow_blank=True)
    province = serializers.CharField(max_length=60, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True)


class EventOut(serializers.ModelSerializer):
    label = serializers.CharField(source="get_status_display")

    class Meta:
        model = TrackingEvent
        fields = ["status", "label", "location", "occurred_at"]


class ShipmentOut(serializers.ModelSerializer):
    events = EventOut(many=True)

    class Meta:
        model = Shipment
        fields = ["tracking_number", "status", "fee", "created_at", "events"]


class DeliveryOut(serializers.ModelSerializer):
    shipments = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryChoice
        fields = [
            "method",
            "recipient_name",
            "phone",
            "address_line",
            "village",
            "district",
            "city",
            "province",
            "postal_code",
            "fee",
            "shipments",
        ]

    @extend_schema_field(ShipmentOut(many=True))
    def get_shipments(self, choice) -> list[dict]:
        shipments = choice.application.shipments.prefetch_related("events")
        return ShipmentOut(shipments, many=True).data


class DeliveryView(APIView):
    def get_throttles(self):
        return [] if self.request.method == "GET" else [throttle("write_account")()]

    @extend_schema(
        responses=DeliveryOut,
        tags=["delivery"],
        summary="Pickup or delivery by PT Pos: address, fee and tracking events",
    )
    def get(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        return Response(DeliveryOut(selectors.choice_of(application)).data)

    @extend_schema(
        request=DeliveryIn,
        responses=DeliveryOut,
        tags=["delivery"],
        summary="Choose or change pickup or delivery (until the passport is shipped)",
    )
    def put(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        data = DeliveryIn(data=request.data)
        data.is_valid(raise_exception=True)
        choice = services.delivery_choose(
            application=application,
            actor=request.user,
            method=data.validated_data["method"],
            address=data.validated_data,
        )
        return Response(DeliveryOut(choice).data)


class PosNotificationIn(serializers.Serializer):
    tracking_number = serializers.CharField(max_length=40)
    status = serializers.ChoiceField(choices=TrackingStatus.choices)
    location = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    occurred_at = serializers.DateTimeField()


class PosNotificationView(APIView):
    """PT Pos's tracking callback, signed like the payment gateway's (API.md)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=PosNotificationIn,
        responses={200: None},
        tags=["partners"],
        summary="PT Pos tracking notification (signed); a repeated event is 200 and changes nothing",
    )
    def post(self, request):
        verify(request, settings.POS_WEBHOOK_SECRET)
        data = PosNotificationIn(data=request.data)
        data.is_valid(raise_exception=True)
        _event, created = services.tracking_record(**data.validated_data)
        return Response({"status": "recorded" if created else "duplicate"})
