"""Payments for staff: record a payment by the NTPN on a receipt when the gateway's notice
never came (it settles the application as a notice would), and mark refunds."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from applicants.admin import OfficeScope
from appointments import payments as receiving
from billing import payments
from billing.models import Payment, PaymentOutcome, PaymentSource
from core.errors import DomainError
from core.web import form_error


class ReconcileForm(forms.Form):
    billing_code = forms.RegexField(r"^\d{15}$", label=_("Billing code"))
    ntpn = forms.RegexField(r"^[A-Za-z0-9]{16}$", label=_("NTPN"))
    ntb = forms.CharField(label=_("NTB (bank reference)"), max_length=40, required=False)
    channel = forms.CharField(label=_("Channel"), max_length=40)
    amount = forms.IntegerField(label=_("Amount (IDR)"), min_value=0)
    paid_at = forms.DateTimeField(label=_("Paid at"), help_text=_("As on the receipt, e.g. 2026-12-01 10:15"))
    note = forms.CharField(label=_("Note (how it was verified)"), max_length=300)


@admin.register(Payment)
class PaymentAdmin(OfficeScope, admin.ModelAdmin):
    # Who recorded a payment by hand is shown to a supervisor: the source filter separates
    # staff reconciliation from the gateway's notices.
    list_display = [
        "ntpn",
        "bill",
        "amount",
        "channel",
        "paid_at",
        "source",
        "recorded_by",
        "outcome",
        "case",
        "received_at",
    ]
    list_filter = ["source", "outcome", "case", "channel"]
    search_fields = ["=ntpn", "=bill__code", "=bill__application__number"]
    list_select_related = ["bill", "recorded_by"]
    readonly_fields = [f.name for f in Payment._meta.fields]
    actions = ["mark_refunded"]
    change_list_template = "admin/billing/payment/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_reconcile_permission(self, request):
        return request.user.has_perm("billing.reconcile_payment")

    @admin.action(description=_("Mark the selected refund cases as refunded"), permissions=["reconcile"])
    def mark_refunded(self, request, queryset):
        done = 0
        for payment in queryset.filter(outcome=PaymentOutcome.REFUND_DUE):
            payments.payment_mark_refunded(payment=payment, actor=request.user, note=_("Refunded by the office."))
            done += 1
        messages.success(request, _("%(n)s payments marked refunded.") % {"n": done})

    def get_urls(self):
        return [
            path("reconcile/", self.admin_site.admin_view(self.reconcile), name="billing_payment_reconcile")
        ] + super().get_urls()

    def reconcile(self, request):
        """When the gateway's notice never arrived: record the payment from the NTPN on the receipt."""
        if not request.user.has_perm("billing.reconcile_payment"):
            raise PermissionDenied
        form = ReconcileForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = receiving.payment_record(
                    **form.cleaned_data, source=PaymentSource.RECONCILIATION, actor=request.user
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                outcome = result.payment.get_outcome_display()
                messages.success(
                    request,
                    _("Payment %(ntpn)s recorded: %(outcome)s.") % {"ntpn": result.payment.ntpn, "outcome": outcome},
                )
                return redirect(reverse("admin:billing_payment_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Record a payment by its NTPN"),
            "opts": self.model._meta,
        }
        return render(request, "admin/billing/payment/reconcile.html", context)


from appointments import draw_admin  # noqa: E402, F401 - the draws' pages register themselves
