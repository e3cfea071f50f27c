"""The applicant's page of one application: where it stands, from the documents to the
passport in hand, with the next step to take."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from applicants import selectors, services
from applicants.fees import price_of_application
from appointments.selectors import appointment_actions
from casework.models import Issuance
from delivery.selectors import choice_of, delivery_actions, delivery_visible
from queueing.selectors import active_booking


@login_required
def application_detail(request, application_id):
    application = selectors.application_of(request.user, application_id)
    booking = active_booking(application)
    actions = selectors.owner_actions(application) | appointment_actions(application, booking)
    actions |= delivery_actions(application)
    context = {
        "application": application,
        "booking": booking,
        "actions": actions,
        "issuance": Issuance.objects.filter(application=application).first(),
        "delivery": choice_of(application),
        "can_choose_delivery": delivery_visible(application),
        "problems": services.application_problems(application) if "submit" in actions else {},
        "checklist": selectors.documents_checklist(application),
        "price": price_of_application(application),
    }
    return render(request, "applicants/detail.html", context)
