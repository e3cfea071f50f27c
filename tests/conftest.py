import io

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from applicants import services
from tests.factories import StaffFactory, UserFactory, create_draft, jpeg_bytes


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and login counters live in the cache; each test starts clean.
    from appointments import booking_fast, entry_fast
    from queueing import hints

    for alias in ("default", "counters"):
        caches[alias].clear()
    hints._memo.clear()
    entry_fast.forget_days()
    booking_fast.forget_slots()
    yield
    for alias in ("default", "counters"):
        caches[alias].clear()
    hints._memo.clear()
    entry_fast.forget_days()
    booking_fast.forget_slots()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty every table afterwards, data migrations' rows included;
    put the fee schedule back for them."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from applicants import fees
        from applicants.models import Fee

        fees.load_pp_45_2024(Fee)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    from applicants.storage import private_storage

    storage = private_storage()
    storage.__dict__.pop("base_location", None)
    storage.__dict__.pop("location", None)
    yield
    storage.__dict__.pop("base_location", None)
    storage.__dict__.pop("location", None)


def bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def api(user):
    """An API client signed in as `user` with a real JWT."""
    return bearer(user)


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def cs_officer(db):
    return StaffFactory(email="cs@office.go.id", role="customer_service")


@pytest.fixture
def draft(user):
    return create_draft(owner=user)


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach(application, kind: str, content: bytes | None = None, actor=None):
    return services.document_upload(
        application=application, actor=actor or application.owner, kind=kind, upload=upload(content or jpeg_bytes())
    )


@pytest.fixture
def complete_draft(draft):
    for kind in ("ktp", "kk", "birth_certificate"):
        attach(draft, kind)
    return draft


@pytest.fixture
def submitted(complete_draft):
    return services.application_submit(application=complete_draft, actor=complete_draft.owner)


def file_from(response) -> bytes:
    buffer = io.BytesIO()
    for chunk in response.streaming_content:
        buffer.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def english():
    """Run the test's domain code with English messages (the default is Indonesian)."""
    from django.utils import translation

    with translation.override("en"):
        yield
