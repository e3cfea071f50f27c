"""An officer takes an application from check-in to the passport handed over, in the admin."""

import pytest

from applicants.models import Application
from casework.roles import CUSTOMER_SERVICE, SUPERVISOR, VERIFIER
from tests.browser.conftest import accessibility_problems
from tests.factories import StaffFactory, make_office, paid_booking_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def authenticator_code(key: str) -> str:
    """What an authenticator app shows for this key now."""
    from base64 import b32decode

    from django_otp.oath import totp

    return f"{totp(b32decode(key + '=' * (-len(key) % 8))):06d}"


def move(page, name):
    page.click(f"form[data-move={name}] button[type=submit]")
    page.wait_for_selector(".messagelist")
    assert accessibility_problems(page) == []


def test_an_officer_checks_in_interviews_approves_prints_and_hands_over_in_the_admin(page):
    office = make_office()
    booking = paid_booking_today(office)
    officer = StaffFactory(email="kepala.seksi@imigrasi.go.id")
    from casework.roles import ensure_roles

    groups = ensure_roles()
    officer.groups.add(groups[CUSTOMER_SERVICE], groups[VERIFIER], groups[SUPERVISOR])

    page.goto("/admin/login/")
    assert accessibility_problems(page) == []
    page.fill("input[name=username]", "kepala.seksi@imigrasi.go.id")
    page.fill("input[name=password]", "rahasia-sekali-9")
    page.click("input[type=submit]")
    # The first sign-in sets up the authenticator: the key on the page, a code from it, recovery codes.
    page.wait_for_url("**/office/second-factor/enrol/**")
    key = page.inner_text("code.key")
    assert accessibility_problems(page) == []
    page.fill("input[name=code]", authenticator_code(key))
    page.click("button.primary")
    # The click only starts the navigation: wait for the answer's page before counting on it.
    page.wait_for_selector("ul.codes li")
    assert page.locator("ul.codes li").count() == 10
    assert accessibility_problems(page) == []
    page.click("a.btn.primary")
    page.wait_for_url("**/admin/")
    assert accessibility_problems(page) == []
    for path in ("/admin/applicants/application/", "/office/queue/", f"/board/{office.code}/"):
        page.goto(path)
        assert accessibility_problems(page) == []
    page.goto(f"/admin/applicants/application/{booking.application.pk}/change/")
    assert accessibility_problems(page) == []

    move(page, "check_in")
    page.check("input[name=interview-photo_taken]")
    page.check("input[name=interview-fingerprints_taken]")
    page.select_option("select[name=interview-recommendation]", "approve")
    move(page, "interview")
    page.fill("input[name=approve-passport_number]", "E1234567")
    move(page, "approve")
    assert "E1234567" in page.inner_text("#workflow")
    move(page, "print")
    move(page, "release")
    page.fill("input[name=collect-collector_name]", booking.application.full_name)
    page.select_option("select[name=collect-relation]", "self")
    move(page, "collect")

    application = Application.objects.get(pk=booking.application.pk)
    assert application.status == "collected"
    assert application.issuance.passport_number == "E1234567" and application.issuance.handed_over_by == officer
    assert page.locator("#workflow .mp-badge").first.inner_text() == application.get_status_display()
