"""Accounts in the browser: register, confirm e-mail, sign in and out, reset password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants import services
from applicants.forms import EmailAuthenticationForm, RegisterForm
from applicants.models import User
from applicants.notifications import send_verification_email
from applicants.tokens import email_verification_token
from core.errors import DomainError
from core.throttling import limit
from core.web import form_error


def register(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            limit(request, "register_address")
            email = services.user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data.get("phone", ""),
                language="en" if (get_language() or "").startswith("en") else "id",
            )
        except DomainError as exc:
            if "password" in exc.fields:
                exc.fields["password1"] = exc.fields.pop("password")
            form_error(form, exc)
        else:
            # The same page whether or not the address already had an account: the e-mail says which.
            return render(request, "registration/register_done.html", {"email": email})
    return render(request, "registration/register.html", {"form": form})


def verify_email(request, uidb64, token):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is not None and email_verification_token.check_token(user, token):
        services.user_verify_email(user=user)
        if not request.user.is_authenticated and not user.is_staff:
            # The one-use link proves the mailbox, as a reset link would: it signs the person in,
            # so a newcomer goes from the e-mail straight to their applications.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Thank you, your email address is confirmed."))
    else:
        messages.error(request, _("This confirmation link is invalid or has already been used."))
    return redirect("dashboard" if request.user.is_authenticated else "login")


@login_required
@require_POST
def resend_verification(request):
    limit(request, "register_address")
    if not request.user.email_verified:
        send_verification_email(request.user)
        messages.success(
            request, _("We sent the confirmation link again to %(email)s.") % {"email": request.user.email}
        )
    return redirect("dashboard")


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        # Links come from SITE_URL, never from the Host header of whoever asked.
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        limit(self.request, "register_address")
        form.cleaned_data["email"] = User.objects.normalize_email(form.cleaned_data["email"])
        return super().form_valid(form)
