"""Ids in pages are printed as the digits a form posts back, whatever the language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from billing.templatetags.money import rupiah


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_large_id_in_a_template_is_plain_digits_and_money_is_still_grouped(language):
    with translation.override(language):
        html = Template('{% load money %}<button value="{{ id }}">{{ amount|rupiah }}</button>').render(
            Context({"id": 1165, "amount": 350000})
        )
    assert html == '<button value="1165">Rp350.000</button>'
    assert rupiah(1234567) == "Rp1.234.567"
