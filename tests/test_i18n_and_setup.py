"""Indonesian by default, English on request, and a demo that can be loaded twice."""

import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command

from applicants.models import Fee, User

pytestmark = pytest.mark.django_db


def test_every_message_has_an_indonesian_translation():
    catalogue = settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    assert untranslated.count("msgid ") <= 1, untranslated[:2000]  # the header only
    assert fuzzy.count("msgid ") == 0, fuzzy[:2000]


def test_pages_are_indonesian_by_default_and_english_when_chosen(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="id"' in page and "Masuk" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in page and "Sign in" in page


def test_seed_demo_can_run_twice_without_duplicates(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.filter(email="cs@mpaspor.localhost", groups__name="customer_service").count() == 1
    assert Fee.objects.count() == 7
    assert "paspor-demo-2026" in capsys.readouterr().out
