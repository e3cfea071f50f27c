"""Customer-service staff work here: find, read side by side with documents, correct, review.

Every change goes through services.py, so the admin obeys the same rules and leaves the
same audit trail as the web and the API.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applicants import identity, selectors, services, staff_sign_in
from applicants.models import Document, Fee, StaffIdentity, User
from core.audit import log_action, register_entry_scope
from core.errors import DomainError
from core.web import form_error


def typed(check, value) -> str:
    """A number typed into an admin form, in the one form the services store (the database refuses others)."""
    if not value:
        return ""
    try:
        return check(value)
    except identity.IdentityError as exc:
        raise forms.ValidationError(str(exc)) from None


def number_search_term(term: str, *, phones: bool = False) -> str:
    """The stored form of a number typed into a search box, or "" if the term is not one.

    A NIK comes with spaces or in another script's digits, an application or booking number
    read aloud in lower case: both become the stored ASCII form (and, with `phones`, a mobile
    number its +62 form).
    """
    code = identity.typed_code(term)
    if not re.fullmatch(r"[A-Z0-9]+", code):
        return ""
    if phones:
        try:
            return identity.check_phone(code)
        except identity.IdentityError:
            pass
    return code


class NumberSearch:
    """Admin search that finds what was typed, and also the number it may be, however it was
    typed (see `number_search_term`): a name or a letter reference such as R-01 is still
    found as typed."""

    search_phones = False

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        number = number_search_term(search_term, phones=self.search_phones)
        if number and number != search_term:
            also, more = super().get_search_results(request, queryset, number)
            found, duplicates = found | also, duplicates or more
        return found, duplicates


def nik_search_term(term: str) -> str:
    """The NIK a search term is (its 16 ASCII digits, however typed, as `NumberSearch` reads it), or ""."""
    code = number_search_term(term)
    return code if re.fullmatch(r"\d{16}", code) else ""


class NikNotInAddress:
    """A NIK is never searched through the address (`?q=`): URLs end up in server logs and
    browser history. A changelist asked for one refuses and points to the find-by-NIK form,
    which posts the NIK instead (ApplicationAdmin.find_by_nik)."""

    def changelist_view(self, request, extra_context=None):
        if nik_search_term(request.GET.get(SEARCH_VAR, "")):
            messages.error(
                request,
                _("A NIK is not searched from the address bar. Use the “Find by NIK” form on the applications list."),
            )
            params = request.GET.copy()
            del params[SEARCH_VAR]
            return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)
        return super().changelist_view(request, extra_context)


class OfficeScope:
    """An admin of applicant data shows only the rows of the applications of the offices the
    staff member is posted to (`selectors.applications_visible_to`): the list, the change
    page (another office's row is not found) and the actions, which run on this queryset."""

    office_scope = "application"  # the path from the model to its application; "" for Application itself

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self.office_scope:
            return selectors.applications_visible_to(request.user, queryset)
        return selectors.visible_through(request.user, queryset, self.office_scope)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and not selectors.is_posted(request.user):
            messages.warning(
                request,
                _("You are not posted to an office, so no applicant is shown. Ask a superuser to post you."),
            )
        return super().changelist_view(request, extra_context)


class AccountChangeForm(UserChangeForm):
    def clean_phone(self):
        return typed(identity.check_phone, self.cleaned_data.get("phone"))


# The audit log's admin (core) shows a staff member the entries of their offices' applications.
register_entry_scope(selectors.audit_entries_visible_to)

# Django admin's own sign-in page, behind everyone's guessing guard.
admin.site.login_form = staff_sign_in.StaffAuthenticationForm


@admin.register(User)
class UserAdmin(NumberSearch, BaseUserAdmin):
    """Accounts; staff who do not see every office see only the applicants of their offices."""

    form = AccountChangeForm
    search_phones = True
    ordering = ["email"]
    list_display = ["email", "full_name", "phone", "is_staff", "email_verified_at", "date_joined"]
    search_fields = ["email", "full_name", "phone"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    readonly_fields = ["last_login", "date_joined", "email_verified_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "language", "email_verified_at"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        return selectors.users_visible_to(request.user, super().get_queryset(request))

    @admin.action(description=_("Reset the second factor (the person sets up a new authenticator)"))
    def reset_second_factor(self, request, queryset):
        if not request.user.is_superuser:
            self.message_user(request, _("Only a superuser may reset a second factor."), level="error")
            return
        count = staff_sign_in.second_factor_reset(request.user, queryset)
        self.message_user(request, _("Second factor reset for %(count)d account(s).") % {"count": count})


@admin.register(Document)
class DocumentAdmin(OfficeScope, NikNotInAddress, NumberSearch, admin.ModelAdmin):
    list_display = ["application", "kind", "status", "uploaded_on_behalf", "created_at"]
    list_filter = ["status", "kind", "uploaded_on_behalf"]
    search_fields = ["=application__number"]
    list_select_related = ["application"]
    # The stored file has no public URL (PrivateStorage): link to the view that checks who asks.
    exclude = ["file", "thumbnail"]
    readonly_fields = ["stored_file"]

    @admin.display(description=_("File"))
    def stored_file(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("document_file", args=[obj.pk]), obj.get_kind_display())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # reviewed from the application page, through the service

    def has_delete_permission(self, request, obj=None):
        return False


class FeeForm(forms.ModelForm):
    class Meta:
        model = Fee
        fields = ["product", "amount", "effective_from", "legal_basis"]

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and data.get("effective_from"):
            try:
                services.fee_check(amount=data["amount"], effective_from=data["effective_from"])
            except DomainError as exc:
                form_error(self, exc)
        return data


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    form = FeeForm
    list_display = ["product", "amount", "effective_from", "legal_basis"]
    list_filter = ["product"]

    def get_readonly_fields(self, request, obj=None):
        # A price that has started is history: it is never edited, only followed by a new one.
        if obj and obj.effective_from <= timezone.now():
            return ["product", "amount", "effective_from", "legal_basis"]
        return []

    def has_delete_permission(self, request, obj=None):
        return bool(obj and obj.effective_from > timezone.now() and super().has_delete_permission(request, obj))

    def save_model(self, request, obj, form, change):
        # The form has checked the rule; the service writes the row and its audit entry.
        saved = services.fee_add(
            product=obj.product,
            amount=obj.amount,
            effective_from=obj.effective_from,
            actor=request.user,
            legal_basis=obj.legal_basis,
        )
        obj.pk = saved.pk


class StaffIdentityForm(forms.ModelForm):
    nik = forms.CharField(label=_("NIK"), max_length=40)  # typed with spaces, as on the KTP
    kk_number = forms.CharField(label=_("family card (KK) number"), max_length=40, required=False)

    class Meta:
        model = StaffIdentity
        fields = ["user", "nik", "kk_number"]

    def clean_nik(self):
        return typed(identity.check_nik, self.cleaned_data["nik"])

    def clean_kk_number(self):
        return typed(identity.check_kk, self.cleaned_data["kk_number"])


@admin.register(StaffIdentity)
class StaffIdentityAdmin(admin.ModelAdmin):
    """A superuser records who each officer is (separation of duties: workflow.conflict_of_interest)."""

    form = StaffIdentityForm
    list_display = ["user"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]

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
        log_action(None, request.user, "staff_identity_recorded", public=False, data={"user": obj.user_id})
