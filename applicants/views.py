"""The applicant's journey in the browser: start, fill in, upload, review, submit."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants import rules, selectors, services
from applicants.fees import fees_in_force, price_of_application
from applicants.files import private_file_response, thumbnail_response
from applicants.forms import STEP_FORMS, STEP_ORDER, STEPS, DocumentUploadForm
from applicants.models import Relationship
from core.audit import action_label
from core.errors import DomainError
from core.throttling import limit
from core.web import form_error


def home(request):
    return render(request, "home.html", {"fees": fees_in_force().values()})


@login_required
def dashboard(request):
    applications = selectors.applications_of(request.user)
    return render(
        request, "applicants/dashboard.html", {"applications": applications, "relationships": Relationship.choices}
    )


@login_required
@require_POST
def application_new(request):
    relationship = request.POST.get("relationship") or Relationship.SELF
    if relationship not in Relationship.values:
        relationship = Relationship.SELF
    data = {"relationship": relationship}
    if relationship == Relationship.SELF:
        data["full_name"] = request.user.full_name
        data["phone"] = request.user.phone
    try:
        application = services.application_create(owner=request.user, data=data)
    except DomainError as exc:
        if exc.code != "invalid":
            raise  # answered by the one refusal page, with its status
        # The account's name or phone did not pass the biodata rules: start without them.
        application = services.application_create(owner=request.user, data={"relationship": relationship})
    return redirect("application_step", application.pk, STEP_ORDER[0])


def _steps_context(application, current):
    return [{"key": key, "label": label, "current": key == current} for key, (label, _names) in STEPS.items()]


@login_required
def application_step(request, application_id, step):
    if step not in STEPS:
        raise Http404
    application = selectors.application_of(request.user, application_id)
    actions = selectors.owner_actions(application)
    if "edit_details" not in actions:
        messages.info(request, _("These details can no longer be changed here; the office corrects them if needed."))
        return redirect("application_review", application.pk)
    form_class = STEP_FORMS[step]
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if not form.is_valid():
            status = 400
        else:
            try:
                services.application_update(application=application, actor=request.user, data=form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                if "save_exit" in request.POST:
                    messages.success(request, _("Saved. You can continue later from any device."))
                    return redirect("application_detail", application.pk)
                index = STEP_ORDER.index(step)
                if index + 1 < len(STEP_ORDER):
                    return redirect("application_step", application.pk, STEP_ORDER[index + 1])
                return redirect("application_documents", application.pk)
    else:
        form = form_class(initial={name: getattr(application, name) for name in form_class.base_fields})
    index = STEP_ORDER.index(step)
    return render(
        request,
        "applicants/step.html",
        {
            "application": application,
            "form": form,
            "step": step,
            "step_label": STEPS[step][0],
            "steps": _steps_context(application, step),
            "required": rules.REQUIRED_FIELDS,
            "actions": actions,
            "previous": reverse("application_step", args=[application.pk, STEP_ORDER[index - 1]]) if index else None,
            # The price of each type and validity while choosing them, not only at review.
            "fees": fees_in_force().values() if step == "passport" else None,
        },
        status=status,
    )


@login_required
def application_documents(request, application_id):
    application = selectors.application_of(request.user, application_id)
    form, status = DocumentUploadForm(), 200
    if request.method == "POST":
        limit(request, "upload_account")
        form = DocumentUploadForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                document = services.document_upload(
                    application=application,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("%(document)s uploaded.") % {"document": document.get_kind_display()})
                if document.quality_warnings:
                    messages.warning(
                        request,
                        _(
                            "The photo looks small or blurred. Please check that every word can be read; "
                            "if not, upload a sharper photo."
                        ),
                    )
                return redirect("application_documents", application.pk)
    return render(
        request,
        "applicants/documents.html",
        {
            "application": application,
            "form": form,
            "checklist": selectors.documents_checklist(application),
            "steps": _steps_context(application, "documents"),
            "actions": selectors.owner_actions(application),
            "max_upload_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_POST
def document_delete(request, application_id, document_id):
    document = selectors.document_of(request.user, application_id, document_id)
    services.document_delete(document=document, actor=request.user)  # a refusal is the one refusal page
    messages.success(request, _("Document removed."))
    return redirect("application_documents", application_id)


@login_required
def application_review(request, application_id):
    application = selectors.application_of(request.user, application_id)
    problems, status = services.application_problems(application), 200
    if request.method == "POST":
        try:
            services.application_submit(application=application, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            problems, status = exc.fields or problems, exc.status
        else:
            messages.success(
                request, _("Your application has been submitted. Next: choose an office, a day and a session.")
            )
            return redirect("booking", application.pk)  # the next thing to do, one tap saved
    sections = [
        {
            "key": key,
            "label": label,
            "rows": [
                (application._meta.get_field(n).verbose_name, _display(application, n), problems.get(n)) for n in names
            ],
        }
        for key, (label, names) in STEPS.items()
    ]
    return render(
        request,
        "applicants/review.html",
        {
            "application": application,
            "sections": sections,
            "problems": problems,
            "document_problems": {k: v for k, v in problems.items() if k.startswith("documents.")},
            "checklist": selectors.documents_checklist(application),
            "price": price_of_application(application),
            "steps": _steps_context(application, "review"),
            "actions": selectors.owner_actions(application),
            "max_upload_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


def _display(application, name):
    value = getattr(application, name)
    getter = getattr(application, f"get_{name}_display", None)
    if getter and value not in ("", None):
        return getter()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


@login_required
def application_timeline(request, application_id):
    application = selectors.application_of(request.user, application_id)
    entries = [(entry, action_label(entry)) for entry in selectors.timeline_of(application)]
    return render(request, "applicants/timeline.html", {"application": application, "entries": entries})


@login_required
def document_file(request, document_id):
    return private_file_response(selectors.document_for_download(request.user, document_id))


@login_required
def document_thumbnail(request, document_id):
    document = selectors.document_for_download(request.user, document_id)
    if not document.is_image:
        raise Http404
    return thumbnail_response(services.document_thumbnail_ensure(document))
