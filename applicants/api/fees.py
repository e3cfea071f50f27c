"""The fee schedule in force, over the API (public)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants.fees import fees_in_force
from core.throttling import throttle


class FeeOut(serializers.Serializer):
    product = serializers.CharField()
    label = serializers.CharField(source="get_product_display")
    amount = serializers.IntegerField(help_text="Rupiah")
    effective_from = serializers.DateTimeField()
    legal_basis = serializers.CharField()


class FeeListView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [throttle("read_address")]

    @extend_schema(responses=FeeOut(many=True), tags=["fees"], summary="The fee schedule in force")
    def get(self, request):
        return Response(FeeOut(fees_in_force().values(), many=True).data)
