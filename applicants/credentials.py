"""Credentials over time: API refresh tokens (rotated, revocable) and changing a password.

A refresh token is used once: renewing it blacklists it and issues a new one, under a row lock
so two parallel renewals of one token cannot both succeed. Every token carries a digest of the
password it was issued under, and any change of password (reset link, change form, admin)
blacklists the account's outstanding refresh tokens, so a stolen token dies with the old
password.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from applicants.models import User
from core.errors import DomainError
from core.security_log import security_event


def _token_refused() -> DomainError:
    return DomainError(
        "token_not_valid", _("This sign-in has ended or is no longer valid. Please sign in again."), status=401
    )


def _read_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)  # checks signature, expiry, type and the blacklist
    except TokenError:
        raise _token_refused() from None


def _owner(token: RefreshToken) -> User:
    user = User.objects.filter(pk=token.payload.get(api_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        raise _token_refused()
    if token.payload.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise _token_refused()  # issued under a password that has since changed
    return user


def _lock_outstanding(token: RefreshToken) -> OutstandingToken:
    outstanding = OutstandingToken.objects.select_for_update().filter(jti=token.payload["jti"]).first()
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise _token_refused()  # never issued here, or already used: a copy is being replayed
    return outstanding


@transaction.atomic
def tokens_refresh(*, raw: str) -> dict[str, str]:
    """A new access token and a new refresh token; the one presented stops working."""
    token = _read_refresh(raw)
    user = _owner(token)
    outstanding = _lock_outstanding(token)
    BlacklistedToken.objects.create(token=outstanding)
    renewed = RefreshToken.for_user(user)
    return {"access": str(renewed.access_token), "refresh": str(renewed)}


@transaction.atomic
def tokens_sign_out(*, raw: str) -> None:
    """End one device's sign-in: its refresh token is blacklisted; its access token runs out."""
    token = _read_refresh(raw)
    outstanding = _lock_outstanding(token)
    BlacklistedToken.objects.create(token=outstanding)
    security_event("api_signed_out", user=outstanding.user, level=20)


def tokens_revoke_all(user: User) -> int:
    """Blacklist every refresh token of the account; the count revoked."""
    with transaction.atomic():
        live = OutstandingToken.objects.select_for_update(of=("self",)).filter(user=user, blacklistedtoken__isnull=True)
        revoked = [BlacklistedToken(token=t) for t in live]
        BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


@receiver(post_save, sender=User, dispatch_uid="applicants.revoke_tokens_on_password_change")
def _password_changed(sender, instance: User, created: bool, **kwargs) -> None:
    # AbstractBaseUser.save() keeps the new raw password in `_password` until after this signal:
    # it is set exactly when set_password() was called, whichever page or tool called it.
    if not created and getattr(instance, "_password", None) is not None:
        revoked = tokens_revoke_all(instance)
        security_event("password_changed", user=instance, level=20, refresh_tokens_revoked=revoked)


def password_change(*, user: User, current: str, new: str) -> User:
    """A signed-in person changes their password: the current one is asked for first."""
    if not user.check_password(current):
        raise DomainError(
            "invalid",
            _("The current password is wrong."),
            fields={"current_password": [_("The current password is wrong.")]},
        )
    try:
        password_validation.validate_password(new, user)
    except ValidationError as exc:
        raise DomainError("invalid", _("Please choose a stronger password."), fields={"new_password": exc.messages})
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
    return user


def tokens_flush_expired() -> int:
    """Forget tokens past their expiry (blacklisted or not): they are refused by their date anyway."""
    deleted, _by_model = OutstandingToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
