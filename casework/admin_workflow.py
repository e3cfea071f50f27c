"""The office workflow buttons on an application's admin page, one small form per step.

Each form only parses input; the step itself is a casework service (workflow.py decides
who may do it and when).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applicants import selectors, workflow
from applicants.models import Application
from appointments.services import application_cancel
from casework import services as casework
from casework.models import CollectorRelation, FlagStatus, Recommendation, TravelBanFlag
from core.errors import DomainError
from core.web import flash_refusal
from queueing.services import application_check_in


class InterviewForm(forms.Form):
    photo_taken = forms.BooleanField(label=_("Photo taken"), required=False)
    fingerprints_taken = forms.BooleanField(label=_("Fingerprints taken"), required=False)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    notes = forms.CharField(label=_("Interview notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(forms.Form):
    passport_number = forms.CharField(label=_("Passport number"), max_length=20)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CollectForm(forms.Form):
    collector_name = forms.CharField(label=_("Collected by"), max_length=100)
    relation = forms.ChoiceField(label=_("Collector is"), choices=CollectorRelation.choices)
    collector_nik = forms.CharField(label=_("Collector's NIK (if not the applicant)"), max_length=20, required=False)


class EmptyForm(forms.Form):
    pass


FORMS = {
    "interview": InterviewForm,
    "approve": ApproveForm,
    "refuse": ReasonForm,
    "cancel": ReasonForm,
    "collect": CollectForm,
}
# Moves staff make from the application page; others happen elsewhere (payment, PT Pos, the desk).
STAFF_MOVES = ["check_in", "interview", "approve", "refuse", "print", "release", "collect", "cancel"]


def staff_moves(application: Application, user) -> list[dict]:
    names = set(workflow.available(application, user))
    if names & {"ready", "ship"}:
        names.add("release")
    return [
        {"name": name, "label": MOVE_LABELS[name], "form": FORMS.get(name, EmptyForm)(prefix=name)}
        for name in STAFF_MOVES
        if name in names
    ]


MOVE_LABELS = {
    "check_in": _("Check in"),
    "interview": _("Record interview and biometrics"),
    "approve": _("Approve"),
    "refuse": _("Refuse"),
    "print": _("Passport printed"),
    "release": _("Release: ready for pickup or hand to PT Pos"),
    "collect": _("Hand over the passport"),
    "cancel": _("Cancel the application"),
}


def _run(move: str, application: Application, user, data: dict):
    if move == "check_in":
        ticket = application_check_in(application=application, actor=user)
        return _("Checked in. Queue number: %(number)s") % {"number": ticket.number}
    if move == "interview":
        casework.application_interview(application=application, actor=user, **data)
    elif move == "approve":
        issuance = casework.application_approve(
            application=application, actor=user, passport_number=data["passport_number"]
        )
        return _("Approved. Expected ready date: %(date)s") % {"date": issuance.expected_ready_date}
    elif move == "refuse":
        casework.application_refuse(application=application, actor=user, reason=data["reason"])
    elif move == "print":
        casework.passport_print(application=application, actor=user)
    elif move == "release":
        casework.passport_release(application=application, actor=user)
    elif move == "collect":
        casework.passport_hand_over(application=application, actor=user, **data)
    elif move == "cancel":
        application_cancel(application=application, actor=user, reason=data["reason"])
    else:
        raise PermissionDenied
    return _("Done.")


@require_POST
def workflow_view(request, application_id, move):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=application_id)
    back = redirect(reverse("admin:applicants_application_change", args=[application.pk]) + "#workflow")
    if move not in STAFF_MOVES:
        raise PermissionDenied
    form = FORMS.get(move, EmptyForm)(request.POST, prefix=move)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    try:
        messages.success(request, _run(move, application, request.user, form.cleaned_data))
    except DomainError as exc:
        flash_refusal(request, exc)
    return back


class FlagDecisionForm(forms.Form):
    uphold = forms.TypedChoiceField(
        choices=[("1", _("The ban applies")), ("0", _("Not the same person"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


@require_POST
def flag_decision_view(request, application_id, flag_id):
    flags = selectors.visible_through(request.user, TravelBanFlag.objects.all(), "application")
    flag = get_object_or_404(flags, pk=flag_id, application_id=application_id)
    form = FlagDecisionForm(request.POST)
    if form.is_valid():
        try:
            flag = casework.travel_ban_decide(
                flag=flag, actor=request.user, uphold=form.cleaned_data["uphold"], reason=form.cleaned_data["reason"]
            )
            if flag.status == FlagStatus.PROPOSED:
                messages.success(request, _("Clearance proposed. A second supervisor must confirm it."))
            else:
                messages.success(request, _("Decision recorded."))
        except DomainError as exc:
            flash_refusal(request, exc)
    else:
        messages.error(request, _("Choose a decision and give a reason."))
    return redirect(reverse("admin:applicants_application_change", args=[application_id]) + "#workflow")
