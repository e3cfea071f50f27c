"""Sign-ins on the security log, from Django's own signals: every face that signs in with a
password (the applicant page, `/admin/login/`, the API's token) goes through `authenticate()`,
so none is missed."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from core.security_log import email_digest, security_event


@receiver(user_logged_in, dispatch_uid="applicants.log_sign_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    security_event("sign_in_succeeded", request=request, user=user, level=20, channel="session")


@receiver(user_login_failed, dispatch_uid="applicants.log_sign_in_failure")
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # `credentials` has the password masked by Django; only the e-mail's digest is logged.
    email = credentials.get("username") or credentials.get("email") or ""
    security_event("sign_in_failed", request=request, account=email_digest(str(email)))
