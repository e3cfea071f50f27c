"""The amount in words printed on a bill ("terbilang"), in both languages."""

import pytest
from django.utils import translation

from billing.words import rupiah_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol rupiah"),
        (100, "seratus rupiah"),
        (1_000, "seribu rupiah"),
        (11_000, "sebelas ribu rupiah"),
        (21_000, "dua puluh satu ribu rupiah"),
        (101_000, "seratus satu ribu rupiah"),
        (350_000, "tiga ratus lima puluh ribu rupiah"),
        (650_000, "enam ratus lima puluh ribu rupiah"),
        (1_001_000, "satu juta seribu rupiah"),
        (1_350_000, "satu juta tiga ratus lima puluh ribu rupiah"),
    ],
)
def test_an_amount_reads_as_a_simponi_bill_prints_it_in_indonesian(amount, words):
    with translation.override("id"):
        assert rupiah_in_words(amount) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "zero rupiah"),
        (650_000, "six hundred fifty thousand rupiah"),
        (1_350_000, "one million three hundred fifty thousand rupiah"),
        (1_000_021, "one million twenty-one rupiah"),
    ],
)
def test_an_amount_reads_as_one_plain_phrase_in_english(amount, words):
    with translation.override("en"):
        assert rupiah_in_words(amount) == words
