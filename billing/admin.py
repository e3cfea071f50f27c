"""Bills for staff, read only, with the payments received for each."""

from django.contrib import admin

from applicants.admin import NikNotInAddress, OfficeScope
from billing.models import Bill, Payment


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["ntpn", "ntb", "channel", "amount", "paid_at", "source", "recorded_by", "outcome", "case", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bill)
class BillAdmin(OfficeScope, NikNotInAddress, admin.ModelAdmin):
    list_display = ["code", "application", "amount", "status", "issued_at", "expires_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["=code", "=application__number"]
    list_select_related = ["application"]
    readonly_fields = [f.name for f in Bill._meta.fields]
    inlines = [PaymentInline]
    date_hierarchy = "issued_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
