"""Issue 12's budget, on a 390x844 phone in Indonesian, from registration to a paid booking:
every applicant page at most 30 KB transferred (the documents page 60 KB with six documents),
no serious or critical axe-core violation on any page, and at most 25 taps beyond typing."""

import re

import pytest
from django.core import mail

from applicants.models import Application
from billing import simulator
from tests.browser.conftest import Phone, accessibility_problems
from tests.factories import ApplicationFactory, jpeg_bytes, make_office, make_slot, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET = 30 * 1024
DOCUMENTS_BUDGET = 60 * 1024
TAP_BUDGET = 25


def test_from_registration_to_a_paid_booking_within_the_budget(page, live_server, tmp_path):
    # An office code no other test uses: in two full runs the booking page once offered a
    # session id that did not exist (a hint kept under "jkt-priok" from elsewhere, suspected).
    office = make_office(code="budget-jkt")
    slot = make_slot(office, days_ahead=3, capacity=5, priority_capacity=0)
    phone = Phone(page)

    page.goto("/")
    phone.check_page()
    phone.tap("a.btn.primary[href='/accounts/register/']")
    phone.check_page()
    page.fill("input[name=full_name]", "Siti Rahma")
    page.fill("input[name=email]", "siti.rahma@example.id")
    page.fill("input[name=phone]", "0812 3333 4444")
    page.fill("input[name=password1]", "paspor-aman-2026")
    page.fill("input[name=password2]", "paspor-aman-2026")
    phone.tap("form button.primary")
    page.wait_for_selector("text=siti.rahma@example.id")
    phone.check_page()
    link = re.search(r"https?://\S+(/accounts/verify/\S+/\S+/)", mail.outbox[-1].body).group(1)
    phone.open_link(link)
    page.wait_for_url("**/dashboard/")
    phone.check_page()

    phone.tap("form[action='/applications/new/'] button")  # "for myself" is the first choice
    page.wait_for_url("**/step/passport/")
    phone.check_page()
    phone.pick("input[name=passport_type]", "ordinary")
    phone.pick("input[name=validity_years]", "10")
    phone.pick("input[name=reason]", "new")
    phone.pick("input[name=purpose]", "tourism")
    phone.tap("button[name=next]")

    page.wait_for_url("**/step/identity/")
    phone.check_page()
    page.fill("input[name=nik]", "3171015708900003")
    phone.pick("input[name=sex]", "female")
    page.fill("input[name=place_of_birth]", "Jakarta")
    page.fill("input[name=date_of_birth]", "1990-08-17")
    phone.pick("input[name=marital_status]", "single")
    page.fill("input[name=occupation]", "Perawat")
    page.fill("input[name=kk_number]", "3171010101090001")
    phone.tap("button[name=next]")

    page.wait_for_url("**/step/family/")
    phone.check_page()
    page.fill("input[name=mother_name]", "Aminah")
    page.fill("input[name=father_name]", "Hasan")
    page.fill("input[name=emergency_contact_name]", "Rina")
    page.fill("input[name=emergency_contact_phone]", "0813 4444 5555")
    page.fill("input[name=emergency_contact_relationship]", "Kakak")
    phone.tap("button[name=next]")

    page.wait_for_url("**/step/address/")
    phone.check_page()
    page.fill("input[name=address_line]", "Jl. Enggano No. 12")
    page.fill("input[name=village]", "Tanjung Priok")
    page.fill("input[name=district]", "Tanjung Priok")
    page.fill("input[name=city]", "Jakarta Utara")
    page.fill("input[name=province]", "DKI Jakarta")
    page.fill("input[name=postal_code]", "14310")
    phone.tap("button[name=next]")

    page.wait_for_url("**/documents/")
    phone.check_page()
    photo, scan = tmp_path / "foto.jpg", tmp_path / "akta.pdf"
    photo.write_bytes(jpeg_bytes())
    scan.write_bytes(pdf_bytes())
    for key, path in (("ktp", photo), ("kk", photo), ("civil_document", scan)):
        phone.choose_file(f"#file-{key}", path)  # the upload starts when the file is chosen
        page.wait_for_selector(f"li.doc.done form[data-upload]:has(#file-{key})")
    phone.check_page()

    phone.tap("a[href$='/review/'].btn")
    page.wait_for_url("**/review/")
    phone.check_page()
    phone.tap("form button.primary")
    page.wait_for_url("**/booking/")  # submitted; the office of the applicant's province is shown
    phone.check_page()
    from queueing import hints

    offered = page.get_attribute("button.slot.free", "value")
    assert offered == str(slot.pk), (offered, slot.pk, hints.cached_document(office.code))
    with page.expect_navigation(timeout=30_000):
        phone.tap("button.slot.free")
    assert page.locator("input[name=confirm]").count() == 1, page.inner_text("main")
    phone.check_page()
    phone.tap("form button.primary.block")
    page.wait_for_url("**/bill/")
    phone.check_page()

    bill = Application.objects.get(owner__email="siti.rahma@example.id").bookings.get().bill
    status, _answer = simulator.send(
        simulator.notification(billing_code=bill.code, amount=bill.amount), base_url=live_server.url
    )
    assert status == 200
    # The bill notices the payment by itself (no reload by the person).
    page.wait_for_selector("[data-bill-status]:has-text('Lunas'), .status-paid a.btn.primary", timeout=30_000)
    phone.check_page()
    taps = phone.taps  # the paid booking is reached; the pages after it are checked, not counted

    application = Application.objects.get(owner__email="siti.rahma@example.id")
    for path in ("proof/", "", "timeline/"):
        page.goto(f"/applications/{application.pk}/{path}")
        phone.check_page()
    page.goto("/dashboard/")
    phone.check_page()

    weights = phone.weights()
    report = "\n".join(f"{path}: {size / 1024:.1f} KB" for path, size in weights)
    print(f"\n{taps} taps\n{report}")
    assert phone.problems == []
    assert taps <= TAP_BUDGET
    heavy = [
        (path, size)
        for path, size in weights
        if size > (DOCUMENTS_BUDGET if path.endswith("/documents/") else PAGE_BUDGET)
    ]
    assert heavy == [], report


def test_the_documents_page_with_six_documents_stays_under_60_kb_and_accessible(page, live_server):
    from tests.applicants.test_document_previews import KINDS, phone_photo
    from tests.conftest import attach

    application = ApplicationFactory(
        naturalised=True, name_changed=True, reason="expired", old_passport_number="X1234567"
    )
    photo = phone_photo()
    for kind in KINDS:
        attach(application, kind, photo)
    assert application.documents.count() == 6
    owner = application.owner
    owner.set_password("paspor-aman-2026")
    owner.save()

    page.goto("/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", "paspor-aman-2026")
    page.click("form button.primary")
    page.wait_for_url("**/dashboard/")
    phone = Phone(page)
    page.goto(f"/applications/{application.pk}/documents/")
    page.wait_for_load_state("networkidle")
    [(path, size)] = phone.weights()
    assert path.endswith("/documents/") and size <= DOCUMENTS_BUDGET, f"{size / 1024:.1f} KB"
    assert page.locator("li.doc img").count() == 6
    assert accessibility_problems(page) == []
    # The check itself can fail: an image without a text alternative is a critical violation.
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert any("image-alt" in problem for problem in accessibility_problems(page))
