from django.contrib import admin

from applicants.admin import OfficeScope
from delivery.models import DeliveryChoice, Shipment, TrackingEvent


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "status", "location", "source", "received_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(OfficeScope, admin.ModelAdmin):
    list_display = ["tracking_number", "application", "status", "fee", "created_at", "last_event_at"]
    list_filter = ["status"]
    search_fields = ["=tracking_number", "=application__number"]
    readonly_fields = [f.name for f in Shipment._meta.fields]
    inlines = [TrackingEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeliveryChoice)
class DeliveryChoiceAdmin(OfficeScope, admin.ModelAdmin):
    list_display = ["application", "method", "city", "postal_code", "fee", "updated_at"]
    list_filter = ["method"]
    search_fields = ["=application__number"]
    readonly_fields = [f.name for f in DeliveryChoice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
