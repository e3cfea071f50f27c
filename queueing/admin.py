"""Offices and their calendar, bookings and the queue, for office staff."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.admin import NikNotInAddress, NumberSearch, OfficeScope
from applicants.models import User
from core.audit import log_action
from core.errors import DomainError
from core.web import form_error
from queueing import services
from queueing.models import Booking, Closure, Office, QueueTicket, SessionSlot, SessionTemplate, StaffPosting
from queueing.workflow import BOOKINGS


class SessionTemplateInline(admin.TabularInline):
    model = SessionTemplate
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "timezone", "issues_electronic", "offers_same_day", "is_active"]
    list_filter = ["timezone", "issues_electronic", "kind", "is_active"]
    search_fields = ["code", "name", "city"]
    inlines = [SessionTemplateInline]
    actions = ["generate_sessions"]

    @admin.action(description=_("Create sessions for the booking horizon from the default sessions"))
    def generate_sessions(self, request, queryset):
        today = timezone.localdate()
        created = sum(
            services.slots_generate(office=o, start=today, end=today + timedelta(days=o.booking_horizon_days))
            for o in queryset
        )
        messages.success(request, _("%(n)s sessions created.") % {"n": created})


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "office", "reason"]
    list_filter = ["office"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        bookings = services.closure_declare(office=obj.office, day=obj.date, reason=obj.reason, actor=request.user)
        if bookings:
            messages.warning(
                request, _("%(n)s bookings fall on this day; give them a special reschedule.") % {"n": len(bookings)}
            )


class SlotForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = SessionSlot
        fields = ["capacity", "priority_capacity", "is_open"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("capacity") is not None and data.get("priority_capacity") is not None:
            try:
                services.slot_check_capacity(
                    slot=self.instance, capacity=data["capacity"], priority_capacity=data["priority_capacity"]
                )
            except DomainError as exc:
                form_error(self, exc)
        return data


@admin.register(SessionSlot)
class SessionSlotAdmin(admin.ModelAdmin):
    form = SlotForm
    list_display = ["office", "date", "start_time", "end_time", "capacity", "priority_capacity", "is_open"]
    list_filter = ["office", "is_open"]
    date_hierarchy = "date"
    readonly_fields = ["office", "date", "start_time", "end_time"]
    list_select_related = ["office"]

    def has_add_permission(self, request):
        return False  # sessions come from the office's defaults

    def save_model(self, request, obj, form, change):
        # The form checked the rule; a refusal meanwhile surfaces as its own page, never as "changed".
        services.slot_set_capacity(
            slot=obj,
            capacity=obj.capacity,
            priority_capacity=obj.priority_capacity,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
        SessionSlot.objects.filter(pk=obj.pk).update(is_open=obj.is_open)


class SpecialRescheduleForm(forms.Form):
    session = forms.ModelChoiceField(queryset=SessionSlot.objects.none(), label=_("New session"))
    reason = forms.CharField(label=_("Reason (system failure, force majeure, ...)"), max_length=300)


@admin.register(Booking)
class BookingAdmin(OfficeScope, NikNotInAddress, NumberSearch, admin.ModelAdmin):
    list_display = ["code", "application", "slot", "lane", "status", "hold_until", "reschedules_used"]
    list_filter = ["status", "lane", "slot__office"]
    search_fields = ["=code", "=application__number"]
    list_select_related = ["application", "slot__office"]
    readonly_fields = [f.name for f in Booking._meta.fields]
    change_form_template = "admin/queueing/booking/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        booking = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra = {"allowed_moves": BOOKINGS.allowed(booking) if booking else [], **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:booking_id>/special-reschedule/",
                self.admin_site.admin_view(self.special_reschedule),
                name="queueing_booking_special_reschedule",
            )
        ] + super().get_urls()

    def special_reschedule(self, request, booking_id):
        bookings = self.get_queryset(request).select_related("slot__office", "application")
        booking = get_object_or_404(bookings, pk=booking_id)
        form = SpecialRescheduleForm(request.POST or None)
        form.fields["session"].queryset = SessionSlot.objects.filter(
            office=booking.slot.office, is_open=True, date__gte=booking.slot.office.local_today()
        )
        if request.method == "POST" and form.is_valid():
            try:
                moved = services.booking_reschedule(
                    booking=booking,
                    slot=form.cleaned_data["session"],
                    actor=request.user,
                    special_reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Moved to %(slot)s.") % {"slot": moved.slot})
                return redirect(reverse("admin:queueing_booking_change", args=[moved.pk]))
        context = {
            **self.admin_site.each_context(request),
            "booking": booking,
            "form": form,
            "title": _("Special reschedule"),
            "opts": self.model._meta,
        }
        return render(request, "admin/queueing/booking/special_reschedule.html", context)


@admin.register(QueueTicket)
class QueueTicketAdmin(OfficeScope, admin.ModelAdmin):
    office_scope = "booking__application"
    list_display = ["number", "office", "date", "priority", "checked_in_at", "called_at", "counter"]
    list_filter = ["office", "priority"]
    date_hierarchy = "date"
    readonly_fields = [f.name for f in QueueTicket._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(StaffPosting)
class StaffPostingAdmin(admin.ModelAdmin):
    """A superuser posts each officer to their office(s): staff see the applicants of those
    offices only (applicants.selectors.applications_visible_to)."""

    list_display = ["user", "office", "posted_at"]
    list_filter = ["office"]
    search_fields = ["user__email", "user__full_name", "office__code", "office__name"]
    autocomplete_fields = ["user"]  # offices are few: a plain list (and it ignores a bad ?office= initial)
    fields = ["user", "office"]

    def _superuser(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = _superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = {"user": obj.user_id, "office": obj.office.code}
        log_action(None, request.user, "staff_posted", public=False, data=data)

    def delete_model(self, request, obj):
        data = {"user": obj.user_id, "office": obj.office.code}
        super().delete_model(request, obj)
        log_action(None, request.user, "staff_posting_ended", public=False, data=data)

    def delete_queryset(self, request, queryset):
        for posting in queryset.select_related("office"):
            self.delete_model(request, posting)
