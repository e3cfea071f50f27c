"""A new person, on a phone, in Indonesian: from registration to a submitted application."""

import re

import pytest
from django.core import mail
from django.utils import translation

from applicants.models import Application, ApplicationStatus, User
from tests.browser.conftest import accessibility_problems
from tests.factories import jpeg_bytes, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def indonesian(text) -> str:
    with translation.override("id"):
        return str(text)


def test_a_new_person_registers_fills_in_uploads_and_submits_in_indonesian(page, tmp_path):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.click("a.btn.primary[href='/accounts/register/']")

    page.fill("input[name=full_name]", "Dewi Lestari")
    page.fill("input[name=email]", "dewi.lestari@example.id")
    page.fill("input[name=phone]", "0812 1111 2222")
    page.fill("input[name=password1]", "paspor-aman-2026")
    page.fill("input[name=password2]", "paspor-aman-2026")
    page.click("form button.primary")
    page.wait_for_selector("text=dewi.lestari@example.id")  # "check your e-mail"
    assert User.objects.filter(email="dewi.lestari@example.id").exists()
    link = re.search(r"https?://\S+(/accounts/verify/\S+/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)  # the link in the e-mail signs the newcomer in
    page.wait_for_url("**/dashboard/")

    page.select_option("select[name=relationship]", "self")
    page.click("form[action='/applications/new/'] button")
    page.wait_for_url("**/step/passport/")
    page.check("input[name=passport_type][value=electronic]")
    page.check("input[name=validity_years][value='10']")
    page.check("input[name=reason][value=new]")
    page.check("input[name=purpose][value=umrah]")
    page.click("button[name=next]")

    page.wait_for_url("**/step/identity/")
    page.fill("input[name=nik]", "3171015708900003")  # a woman born 17-08-1990: day 17 + 40
    page.check("input[name=sex][value=male]")  # a mistake the NIK check should catch
    page.fill("input[name=place_of_birth]", "Jakarta")
    page.fill("input[name=date_of_birth]", "1990-08-17")
    page.check("input[name=marital_status][value=married]")
    page.fill("input[name=occupation]", "Guru")
    page.fill("input[name=kk_number]", "3171010101090001")
    page.click("button[name=next]")
    error = page.locator(".has-error .error").first
    assert "40" in error.inner_text()  # the explanation names the +40 rule, in Indonesian
    # The summary at the top has the focus and links to the field; the page stays accessible.
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert accessibility_problems(page) == []
    page.check("input[name=sex][value=female]")
    page.click("button[name=next]")

    page.wait_for_url("**/step/family/")
    page.fill("input[name=mother_name]", "Sri Wahyuni")
    page.fill("input[name=father_name]", "Bambang")
    page.fill("input[name=emergency_contact_name]", "Rudi Hartono")
    page.fill("input[name=emergency_contact_phone]", "0813 2222 3333")
    page.fill("input[name=emergency_contact_relationship]", "Suami")
    page.click("button[name=next]")

    page.wait_for_url("**/step/address/")
    page.fill("input[name=address_line]", "Jl. Enggano No. 10, RT 001/RW 002")
    page.fill("input[name=village]", "Tanjung Priok")
    page.fill("input[name=district]", "Tanjung Priok")
    page.fill("input[name=city]", "Jakarta Utara")
    page.fill("input[name=province]", "DKI Jakarta")
    page.fill("input[name=postal_code]", "14310")
    page.click("button[name=next]")

    page.wait_for_url("**/documents/")
    photo, scan = tmp_path / "foto.jpg", tmp_path / "akta.pdf"
    photo.write_bytes(jpeg_bytes())
    scan.write_bytes(pdf_bytes())
    for key, path in (("ktp", photo), ("kk", photo), ("civil_document", scan)):
        form = page.locator(f"form[data-upload]:has(#file-{key})")
        form.locator("input[type=file]").set_input_files(str(path))  # the upload starts by itself
        page.wait_for_selector(f"li.doc.done form[data-upload]:has(#file-{key})")
    assert page.locator("li.doc:not(.done)").count() == 0

    page.click("a[href$='/review/'].btn")
    page.wait_for_url("**/review/")
    assert page.locator(".problems").count() == 0
    assert "Rp950.000" in page.content()
    page.click("form button.primary")

    application = Application.objects.get(owner__email="dewi.lestari@example.id")
    page.wait_for_url(f"**/applications/{application.pk}/booking/")  # the next step
    page.goto(f"/applications/{application.pk}/")
    badge = page.locator(".badge").first.inner_text()
    assert badge == indonesian(ApplicationStatus.SUBMITTED.label) != "Submitted"
    assert application.status == "submitted" and application.sex == "female"
    assert application.documents.count() == 3
