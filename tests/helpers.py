from contextlib import contextmanager

import pytest

from core.errors import DomainError


@contextmanager
def domain_error(code: str):
    """Expect a business rule to refuse with this code."""
    with pytest.raises(DomainError) as caught:
        yield caught
    assert caught.value.code == code, f"expected {code}, got {caught.value.code}: {caught.value.message}"


def committed(fn, /, **kwargs):
    """Call a service and run its after-commit hooks, as a real commit would.

    Tests run inside a transaction that is rolled back, so hooks (cache invalidation,
    e-mails) would otherwise never run.
    """
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kwargs)


def sign_in(client, user):
    """Sign `user` in on the test client as a finished sign-in would: staff accounts also with
    their second factor confirmed (an authenticator enrolled and verified in this session)."""
    client.force_login(user)
    if user.is_staff:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
