"""Staff sign in with a second factor: a TOTP authenticator, or a one-time recovery code.

A staff account's password opens only two pages: enrolment (an account with no authenticator
yet: scan the QR code, confirm with a code, receive ten recovery codes) and verification (type
the authenticator's code or a recovery code). `StaffSecondFactorMiddleware` sends a signed-in
staff member whose session is not verified to one of them from every other page, the admin
and the office pages alike, so no staff page can forget the check. Codes are checked by
django-otp, whose devices slow down repeated wrong codes on their own.
"""

from __future__ import annotations

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.forms import guarded_sign_in
from core.api_errors import error_body
from core.audit import log_action

RECOVERY_CODES = 10
# Pages a staff member may open before the second factor: these two, signing in and out,
# the language switch, and files the pages need.
_OPEN_NAMES = ("staff_otp_enrol", "staff_otp_verify", "logout", "login", "admin:login", "admin:logout")
_OPEN_PREFIXES = ("/static/", "/i18n/", "/health/")


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Django admin's sign-in, behind the same guessing guard as everyone's."""

    def clean(self):
        return guarded_sign_in(self, super().clean)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


def _authenticator(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_authenticator(user) -> bool:
    return _authenticator(user) is not None


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    hosts = {request.get_host()}
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure())
    if safe and len(target) <= 2000:
        return target
    return default


def _staff_home() -> str:
    return reverse("admin:index")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in _OPEN_NAMES}
        return path in self._open_paths or path.startswith(_OPEN_PREFIXES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not self._is_open(request.path)
        ):
            if request.path.startswith("/api/"):  # a session cookie on the API: say so, in the API's shape
                message = _("Staff must confirm their second factor on the staff sign-in page first.")
                return JsonResponse(error_body("second_factor_required", message), status=403)
            name = "staff_otp_verify" if has_authenticator(user) else "staff_otp_enrol"
            here = request.get_full_path()
            if request.method != "GET" or len(here) > 2000:
                return redirect(name)
            return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': here})}")
        return self.get_response(request)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, title=_("QR code for your authenticator app"))


@login_required
def enrol(request):
    user = request.user
    if not user.is_staff:
        return redirect("dashboard")
    if has_authenticator(user):
        return redirect("staff_otp_verify")
    device = _authenticator(user, confirmed=False) or TOTPDevice.objects.create(
        user=user, name=_("Authenticator"), confirmed=False
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = _confirm(user, device)
            otp_login(request, device)
            return render(
                request,
                "staff/otp_recovery_codes.html",
                {"codes": codes, "next": _next(request, _staff_home())},
            )
        form.add_error("code", _("That code is not right. Type the six digits your app shows now."))
    context = {
        "form": form,
        "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - segno's own SVG, no user text in it
        "key": device.key and _base32(device),
        "next": _next(request, ""),
        "development_code": _current_code(device) if settings.DEBUG else None,
    }
    return render(request, "staff/otp_enrol.html", context, status=400 if form.errors else 200)


@transaction.atomic
def _confirm(user, device) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=_("Recovery codes"))
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    log_action(None, user, "staff.second_factor_enrolled", public=False)
    return codes


@login_required
def verify(request):
    user = request.user
    if not user.is_staff or user.is_verified():
        return HttpResponseRedirect(_next(request, _staff_home()))
    if not has_authenticator(user):
        return redirect("staff_otp_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _matching_device(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                log_action(
                    None, user, "staff.recovery_code_used", data={"left": device.token_set.count()}, public=False
                )
            return HttpResponseRedirect(_next(request, _staff_home()))
        form.add_error("code", _("That code is not right, or it was typed too often. Wait a moment and try again."))
    return render(
        request, "staff/otp_verify.html", {"form": form, "next": _next(request, "")}, status=400 if form.errors else 200
    )


def _matching_device(user, code: str):
    # Six digits are the authenticator's; a recovery code is longer. Only the device the code
    # is meant for is tried, so a mistyped code never counts against the other device.
    if code.isdigit() and len(code) == 6:
        device = _authenticator(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not device.verify_is_allowed()[0]:
        return None
    return device if device.verify_token(code) else None


def _base32(device) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _current_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def second_factor_reset(actor, users) -> int:
    """Remove an account's authenticator and recovery codes: at its next sign-in it enrols again."""
    count = 0
    for user in users:
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        log_action(None, actor, "staff.second_factor_reset", data={"account": user.pk}, public=False)
        count += 1
    return count
