from django import forms
from django.utils.translation import gettext_lazy as _

from delivery.models import Method


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How do you want to receive the passport?"), choices=Method.choices, widget=forms.RadioSelect
    )
    recipient_name = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Recipient's mobile number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address_line = forms.CharField(label=_("Street address, RT/RW"), max_length=200, required=False)
    village = forms.CharField(label=_("Village (kelurahan/desa)"), max_length=60, required=False)
    district = forms.CharField(label=_("District (kecamatan)"), max_length=60, required=False)
    city = forms.CharField(label=_("Regency or city"), max_length=60, required=False)
    province = forms.CharField(label=_("Province"), max_length=60, required=False)
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
