"""Customer service's assisted mode on the web: start with a walk-in applicant, then the
applicant's own pages (filled in with them at the desk), then hand over to their phone."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applicants import assisted, selectors
from core.errors import DomainError
from core.web import form_error


class AssistedStartForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Applicant's full name"), max_length=150)
    email = forms.CharField(
        label=gettext_lazy("Applicant's own e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Applicant's mobile number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("The applicant agreed that I fill in the application and scan the documents with them"),
        required=False,
    )


@login_required
@permission_required(assisted.ASSIST, raise_exception=True)
def assisted_start(request):
    form, status = AssistedStartForm(), 200
    if request.method == "POST":
        form, status = AssistedStartForm(request.POST), 400
        if form.is_valid():
            try:
                application = assisted.assisted_start(staff=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Application started. Fill it in with the applicant, then hand it over."))
                return redirect("application_step", application.pk, "passport")
    mine = request.user.assisted_applications.filter(handed_over_at__isnull=True).order_by("-created_at")[:20]
    return render(request, "applicants/assisted_start.html", {"form": form, "mine": mine}, status=status)


@require_POST
@login_required
@permission_required(assisted.ASSIST, raise_exception=True)
def assisted_handover(request, application_id):
    application = selectors.application_of(request.user, application_id)
    try:
        assisted.assisted_handover(application=application, staff=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("application_detail", application.pk)
    messages.success(
        request, _("Handed over: the applicant received a link to choose a password and continue on their phone.")
    )
    return redirect("assisted_start")
