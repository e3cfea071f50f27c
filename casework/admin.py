"""The office's page of an application (biodata beside the documents, the workflow buttons,
the history) and the casework records: interviews, issued passports, travel bans.

Every change goes through the services, so the admin obeys the same rules and leaves the
same audit trail as the web and the API.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applicants import identity, rules, selectors, services
from applicants.admin import NikNotInAddress, NumberSearch, OfficeScope, nik_search_term, typed
from applicants.forms import DocumentUploadForm, ReviewDecisionForm
from applicants.models import Application, Document
from casework import services as casework
from casework.admin_workflow import FlagDecisionForm, staff_moves
from casework.models import Interview, Issuance, TravelBan, TravelBanFlag
from core.admin import ReadOnlyAdmin, ServiceWritesAdmin
from core.audit import action_label, log_action
from core.errors import DomainError
from core.web import flash_refusal


class ApplicationAdminForm(forms.ModelForm):
    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=300,
        help_text=_("Recorded in the audit log and shown to the applicant."),
    )

    class Meta:
        model = Application
        fields = list(rules.EDITABLE_FIELDS)

    def clean(self):
        data = super().clean()
        changed = {name: data.get(name) for name in self.changed_data if name in rules.EDITABLE_FIELDS}
        if changed and self.instance.pk:
            if not data.get("correction_reason"):
                self.add_error("correction_reason", _("Say why you corrected the applicant's data."))
            try:
                services.application_check_update(application=self.instance_before, actor=self.actor, data=changed)
            except DomainError as exc:
                for field, errors in exc.fields.items():
                    for error in errors:
                        self.add_error(field if field in self.fields else None, error)
                if not exc.fields:
                    self.add_error(None, exc.message)
            # Hand on what the service stores (numbers in their one ASCII form): the database
            # constraints, checked on this form's instance, refuse any other.
            data.update(rules.clean_values(changed)[0])
        return data


class FindByNikForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=40)  # typed with spaces, as on the KTP


@admin.register(Application)
class ApplicationAdmin(OfficeScope, NikNotInAddress, NumberSearch, ServiceWritesAdmin):
    office_scope = ""  # the applications themselves
    form = ApplicationAdminForm
    change_form_template = "admin/applicants/application/change_form.html"
    change_list_template = "admin/applicants/application/change_list.html"
    list_display = ["number", "full_name", "nik", "status", "passport_type", "validity_years", "submitted_at"]
    list_filter = ["status", "passport_type", "reason", "service"]
    # A NIK is found with the find-by-NIK form (POST), never through `?q=` (NikNotInAddress).
    search_fields = ["=number", "full_name", "owner__email"]
    readonly_fields = [
        "number",
        "owner",
        "status",
        "created_at",
        "submitted_at",
        "assisted_by",
        "assist_consent_at",
        "handed_over_at",
    ]
    list_select_related = ["owner"]
    fieldsets = [
        (_("Application"), {"fields": ["number", "owner", "status", "created_at", "submitted_at"]}),
        (_("Assisted at the counter"), {"fields": ["assisted_by", "assist_consent_at", "handed_over_at"]}),
        (
            _("Passport"),
            {
                "fields": [
                    "relationship",
                    "passport_type",
                    "validity_years",
                    "service",
                    "reason",
                    "old_passport_number",
                    "purpose",
                    "priority_reason",
                ]
            },
        ),
        (
            _("Identity"),
            {
                "fields": [
                    "nik",
                    "full_name",
                    "sex",
                    "place_of_birth",
                    "date_of_birth",
                    "marital_status",
                    "occupation",
                    "kk_number",
                    "phone",
                    "email",
                    "naturalised",
                    "name_changed",
                ]
            },
        ),
        (
            _("Family"),
            {
                "fields": [
                    "mother_name",
                    "father_name",
                    "guardian_relationship",
                    "guardian_nik",
                    "guardian_name",
                    "emergency_contact_name",
                    "emergency_contact_phone",
                    "emergency_contact_relationship",
                ]
            },
        ),
        (_("Address"), {"fields": ["address_line", "village", "district", "city", "province", "postal_code"]}),
        (_("Correction"), {"fields": ["correction_reason"]}),
    ]

    def has_add_permission(self, request):
        return False  # applications are started by applicants

    def has_delete_permission(self, request, obj=None):
        return False  # history is kept; cancelling is a status change

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        form.instance_before = obj
        return form

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in rules.EDITABLE_FIELDS}
        if changed:
            # The form's instance already holds the new values; the service reloads and locks.
            services.application_update(
                application=Application.objects.get(pk=obj.pk),
                actor=request.user,
                data=changed,
                reason=form.cleaned_data.get("correction_reason", ""),
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Another office's application is not found, as if it did not exist.
        application = get_object_or_404(self.get_queryset(request), pk=object_id) if object_id else None
        extra_context = extra_context or {}
        if application is not None:
            extra_context.update(
                {
                    "documents": application.documents.select_related("reviewed_by", "uploaded_by"),
                    "checklist": selectors.documents_checklist(application),
                    "upload_form": DocumentUploadForm(),
                    "review_form": ReviewDecisionForm(),
                    "timeline": [(e, action_label(e)) for e in selectors.audit_trail_of(application)],
                    "can_review": request.user.has_perm("applicants.review_document"),
                    "can_upload": request.user.has_perm("applicants.add_document"),
                    "moves": staff_moves(application, request.user),
                    "flags": application.travel_ban_flags.select_related("ban", "decided_by"),
                    "flag_form": FlagDecisionForm(),
                    "can_decide_flags": request.user.has_perm("casework.decide_travel_ban"),
                    "issuance": getattr(application, "issuance", None),
                    "interview": getattr(application, "interview", None),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        from casework.admin_workflow import flag_decision_view, workflow_view

        return [
            path(
                "find-by-nik/",
                self.admin_site.admin_view(require_POST(self.find_by_nik)),
                name="applicants_application_find_by_nik",
            ),
            path(
                "<uuid:application_id>/workflow/<slug:move>/",
                self.admin_site.admin_view(workflow_view),
                name="applicants_application_workflow",
            ),
            path(
                "<uuid:application_id>/travel-ban/<int:flag_id>/",
                self.admin_site.admin_view(flag_decision_view),
                name="applicants_application_flag",
            ),
            path(
                "<uuid:application_id>/documents/<uuid:document_id>/review/",
                self.admin_site.admin_view(require_POST(self.review_document)),
                name="applicants_document_review",
            ),
            path(
                "<uuid:application_id>/documents/upload/",
                self.admin_site.admin_view(require_POST(self.upload_document)),
                name="applicants_document_upload",
            ),
        ] + super().get_urls()

    def find_by_nik(self, request):
        """The applications of a NIK within the staff member's offices, the NIK posted rather than
        put in the address: one opens its page, several are listed on this response's page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = FindByNikForm(request.POST)
        nik = nik_search_term(form.cleaned_data["nik"]) if form.is_valid() else ""
        back = redirect(reverse("admin:applicants_application_changelist"))
        if not nik:
            messages.error(request, _("Type the 16 digits of a NIK."))
            return back
        found = list(self.get_queryset(request).filter(nik=nik).select_related("owner"))
        if not found:
            messages.warning(request, _("No application with this NIK in your offices."))
            return back
        if len(found) == 1:
            return redirect(reverse("admin:applicants_application_change", args=[found[0].pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Applications with this NIK"),
            "opts": self.model._meta,
            "applications": found,
        }
        return render(request, "admin/applicants/application/find_by_nik.html", context)

    def _back(self, application_id):
        return redirect(reverse("admin:applicants_application_change", args=[application_id]) + "#documents")

    def review_document(self, request, application_id, document_id):
        documents = selectors.visible_through(request.user, Document.objects.all(), "application")
        document = get_object_or_404(documents, pk=document_id, application_id=application_id)
        form = ReviewDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose accept or reject."))
            return self._back(application_id)
        try:
            services.document_review(
                document=document,
                actor=request.user,
                accepted=form.cleaned_data["accepted"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            flash_refusal(request, exc)
        else:
            messages.success(request, _("%(document)s: decision recorded.") % {"document": document.get_kind_display()})
        return self._back(application_id)

    def upload_document(self, request, application_id):
        application = get_object_or_404(self.get_queryset(request), pk=application_id)
        if not request.user.has_perm("applicants.add_document"):
            raise PermissionDenied
        form = DocumentUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the kind of document and a file."))
            return self._back(application_id)
        try:
            document = services.document_upload(
                application=application,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as exc:
            flash_refusal(request, exc)
        else:
            messages.success(
                request,
                _("%(document)s uploaded on the applicant's behalf.") % {"document": document.get_kind_display()},
            )
        return self._back(application_id)


@admin.register(Interview)
class InterviewAdmin(OfficeScope, ReadOnlyAdmin):
    list_display = ["application", "verifier", "recommendation", "created_at"]
    list_filter = ["recommendation"]
    search_fields = ["=application__number"]


@admin.register(Issuance)
class IssuanceAdmin(OfficeScope, NikNotInAddress, NumberSearch, ReadOnlyAdmin):
    list_display = [
        "passport_number",
        "application",
        "approved_at",
        "expected_ready_date",
        "handed_over_at",
        "collector_name",
    ]
    search_fields = ["=passport_number", "=application__number"]


@admin.register(TravelBanFlag)
class TravelBanFlagAdmin(OfficeScope, ReadOnlyAdmin):
    list_display = [
        "application",
        "ban",
        "matched_on",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status"]


class TravelBanForm(forms.ModelForm):
    nik = forms.CharField(label=_("NIK"), max_length=40, required=False)  # typed with spaces, as on the letter

    def clean_nik(self):
        return typed(identity.check_nik, self.cleaned_data["nik"])

    class Meta:
        model = TravelBan
        fields = ["nik", "full_name", "date_of_birth", "authority", "reference", "reason", "valid_until"]


@admin.register(TravelBan)
class TravelBanAdmin(NumberSearch, ServiceWritesAdmin):
    form = TravelBanForm
    list_display = ["full_name", "nik", "date_of_birth", "authority", "reference", "valid_until", "is_active"]
    list_filter = ["authority", "is_active"]
    search_fields = ["full_name", "=nik", "reference"]

    def has_delete_permission(self, request, obj=None):
        return False  # a ban is lifted (inactive), never erased

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            log_action(None, request.user, "travel_ban_changed", public=False, data={"ban": obj.pk})
            return
        # Refusals surface as a page of their own (DomainErrorMiddleware), never as "added".
        saved = casework.travel_ban_add(actor=request.user, **form.cleaned_data)
        obj.pk = saved.pk
