"""One password rule on every face: no trimming anywhere, and no famous or portal-named password."""

import pytest

from applicants.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WEAK = ["Sayang123", "b1smillah!", "1ndonesia2026", "Paspor2026!", "M-Paspor#1", "imigrasi-ok"]
# Long enough, and nothing else: spaces, dots, ideographic spaces, one key held down.
PLAIN = [" " * 10, "\t" * 10, "\u3000" * 10, "." * 10, "-.-.-.-.-.", "zzzzzzzzzzzz", "abababababab"]


def web_register(client, password):
    return client.post(
        "/accounts/register/",
        {"full_name": "Dewi Lestari", "email": "dewi@example.id", "password1": password, "password2": password},
    )


@pytest.mark.parametrize("password", WEAK + PLAIN)
def test_famous_portal_named_and_plain_passwords_are_refused_on_the_web_and_the_api(client, anon, password):
    page = web_register(client, password)
    assert page.status_code == 200 and page.context["form"].errors["password1"]
    answer = anon.post(
        "/api/v1/auth/register/",
        {"email": "dewi@example.id", "password": password, "name": "Dewi Lestari"},
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["fields"]["password"]
    assert not User.objects.exists()


def test_a_password_with_portal_words_inside_a_real_phrase_is_accepted(anon):
    answer = anon.post(
        "/api/v1/auth/register/",
        {"email": "dewi@example.id", "password": "paspor-untuk-umrah-ibu", "name": "Dewi Lestari"},
        format="json",
    )
    assert answer.status_code == 202


def test_spaces_in_a_password_count_the_same_on_the_web_and_the_api(client, anon):
    web_register(client, "  kopi tubruk pagi  ")
    assert User.objects.filter(email="dewi@example.id").exists()
    trimmed = anon.post(
        "/api/v1/auth/token/", {"email": "dewi@example.id", "password": "kopi tubruk pagi"}, format="json"
    )
    assert trimmed.status_code == 401
    exact = anon.post(
        "/api/v1/auth/token/", {"email": "dewi@example.id", "password": "  kopi tubruk pagi  "}, format="json"
    )
    assert exact.status_code == 200


def test_a_new_password_obeys_the_same_rule_when_changed(anon):
    UserFactory(email="budi@example.id")
    access = anon.post(
        "/api/v1/auth/token/", {"email": "budi@example.id", "password": "rahasia-sekali-9"}, format="json"
    )
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {access.json()['access']}")
    refused = anon.post(
        "/api/v1/auth/password/", {"current_password": "rahasia-sekali-9", "new_password": "Cintaku2026"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["fields"]["new_password"]
