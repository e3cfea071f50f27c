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
