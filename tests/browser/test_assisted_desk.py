"""Customer service helps a walk-in applicant at the desk, in the browser: consent, the
applicant's own pages filled in together, a document scanned, the handover; accessible throughout."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from applicants.models import Application
from casework.roles import CUSTOMER_SERVICE
from tests.browser.conftest import accessibility_problems
from tests.factories import StaffFactory, jpeg_bytes
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_starts_fills_scans_and_hands_over_an_application_at_the_desk(page, live_server, tmp_path):
    officer = StaffFactory(role=CUSTOMER_SERVICE, email="cs.priok@imigrasi.go.id")
    desk = Client()
    sign_in(desk, officer)  # the staff sign-in with its second factor is the staff journey's test
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": desk.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto("/office/assist/")
    assert accessibility_problems(page) == []
    page.fill("input[name=full_name]", "Ahmad Sobari")
    page.fill("input[name=email]", "ahmad.sobari@example.id")
    page.click("form button.primary")
    # Without the applicant's consent nothing is opened, and the summary says why.
    page.wait_for_selector("#error-summary")
    assert page.locator("#error-summary").is_visible()
    assert accessibility_problems(page) == []
    assert not Application.objects.exists()
    page.check("input[name=consent]")
    page.click("form button.primary")

    page.wait_for_url("**/step/passport/")
    assert accessibility_problems(page) == []
    page.check("input[name=passport_type][value=ordinary]")
    page.check("input[name=validity_years][value='5']")
    page.check("input[name=reason][value=new]")
    page.click("button[name=save_exit]")
    application = Application.objects.get()
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert accessibility_problems(page) == []

    page.goto(f"/applications/{application.pk}/documents/")
    scan = tmp_path / "ktp.jpg"
    scan.write_bytes(jpeg_bytes())
    page.set_input_files("#file-ktp", str(scan))
    page.wait_for_selector("li.doc.done form[data-upload]:has(#file-ktp)")
    assert accessibility_problems(page) == []
    assert application.documents.get().uploaded_on_behalf

    page.goto(f"/applications/{application.pk}/")
    page.click(f"form[action='/applications/{application.pk}/handover/'] button")
    page.wait_for_url("**/office/assist/")
    assert accessibility_problems(page) == []
    application.refresh_from_db()
    assert application.handed_over_at is not None
    assert [m.to for m in mail.outbox] == [["ahmad.sobari@example.id"]]
    assert page.goto(f"/applications/{application.pk}/").status == 404
