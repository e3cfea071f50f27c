"""Amounts in words, as printed on a SIMPONI bill ("terbilang").

The words come from num2words; two small rewrites keep what the bill has always printed:

- Indonesian: a thousands group of exactly one is "seribu", also after juta, miliar or triliun
  ("satu juta seribu"), as a SIMPONI bill prints it; num2words says "seribu" only when the
  amount is below a million. "satu ribu" after "puluh" or "ratus" (21 000, 101 000) is kept.
- English: no "and" and no commas between groups ("one million three hundred fifty thousand"),
  so the bill reads as one plain phrase.
"""

import re

from django.utils.translation import get_language
from num2words import num2words

_ONE_THOUSAND = re.compile(r"(?<!puluh )(?<!ratus )\bsatu ribu\b")
_EN_JOINS = re.compile(r",| and\b")


def rupiah_in_words(amount: int) -> str:
    if (get_language() or "id").startswith("en"):
        words = _EN_JOINS.sub("", num2words(amount, lang="en"))
    else:
        words = _ONE_THOUSAND.sub("seribu", num2words(amount, lang="id"))
    return f"{words} rupiah"
