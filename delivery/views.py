"""Choosing pickup or delivery in the browser, and the PT Pos simulator (development only)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from applicants import selectors as application_selectors
from core import json_input
from core.errors import DomainError
from core.web import form_error
from delivery import selectors, services, simulator
from delivery.forms import DeliveryForm
from delivery.models import Method, SimulatedParcel


@login_required
def delivery_page(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    choice = selectors.choice_of(application)
    form = DeliveryForm(request.POST or None, initial=selectors.choice_form_initial(application, choice))
    quote, status = None, 400 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["method"] == Method.POS and "confirm" not in request.POST:
                # Show the fee first; the applicant confirms on the next press.
                quote = services.delivery_quote(address=data)
            else:
                services.delivery_choose(
                    application=application, actor=request.user, method=data["method"], address=data
                )
                messages.success(request, _("Your choice is saved."))
                return redirect("application_detail", application.pk)
        except DomainError as exc:
            form_error(form, exc)
            status = exc.status
    shipments = application.shipments.prefetch_related("events")
    context = {"application": application, "form": form, "quote": quote, "choice": choice, "shipments": shipments}
    return render(request, "delivery/choose.html", context, status=status)


def _simulator_only():
    if not settings.POS_SIMULATOR_ENABLED:
        raise Http404


def simulator_page(request):
    _simulator_only()
    if request.method == "POST":
        tracking = request.POST.get("tracking_number", "")
        if SimulatedParcel.objects.filter(tracking_number=tracking).exists():
            status = "failed" if request.POST.get("fail") else None
            simulator.advance(tracking, status=status, send_to=request.build_absolute_uri("/"))
        return redirect("pos_simulator")
    return render(request, "delivery/simulator.html", {"parcels": SimulatedParcel.objects.order_by("-created_at")[:50]})


def _api_key_ok(request) -> bool:
    return request.headers.get("X-Api-Key") == settings.POS_API_KEY


@csrf_exempt
@require_http_methods(["GET"])
def simulator_quote(request):
    _simulator_only()
    if not _api_key_ok(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    return JsonResponse({"fee": simulator.tariff(request.GET.get("province", ""))})


@csrf_exempt
@require_http_methods(["POST"])
def simulator_shipments(request):
    _simulator_only()
    if not _api_key_ok(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        body = json_input.loads(request.body)
        tracking = simulator.accept_parcel(reference=str(body["reference"]), recipient=dict(body["recipient"]))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "bad request"}, status=400)
    return JsonResponse({"tracking_number": tracking}, status=201)


@require_http_methods(["GET"])
def simulator_events(request, tracking_number):
    _simulator_only()
    if not _api_key_ok(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    return JsonResponse({"events": simulator.parcel_events(tracking_number)})
