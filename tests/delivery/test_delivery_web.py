import pytest

from delivery.models import DeliveryChoice
from tests.factories import make_office, paid_booking_today
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient_name": "Dewi Lestari",
    "phone": "081211112222",
    "address_line": "Jl. Melati 5",
    "village": "Sunter",
    "district": "Tanjung Priok",
    "city": "Jakarta Utara",
    "province": "Bali",
    "postal_code": "80234",
}


def test_the_fee_is_shown_before_the_applicant_confirms_delivery(client):
    application = paid_booking_today(make_office()).application
    sign_in(client, application.owner)
    url = f"/applications/{application.pk}/delivery/"
    first = client.post(url, {"method": "pos", **ADDRESS})
    assert first.status_code == 200 and first.context["quote"] == 25_000 and "Rp25.000" in first.content.decode()
    assert not DeliveryChoice.objects.exists()
    client.post(url, {"method": "pos", **ADDRESS, "confirm": "1"})
    assert DeliveryChoice.objects.get().method == "pos"


def test_a_bad_postal_code_is_shown_on_the_form(client):
    application = paid_booking_today(make_office()).application
    sign_in(client, application.owner)
    response = client.post(
        f"/applications/{application.pk}/delivery/", {"method": "pos", **ADDRESS, "postal_code": "1"}
    )
    assert response.context["form"].errors["postal_code"] and response.context["quote"] is None
