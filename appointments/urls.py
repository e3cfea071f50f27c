from django.urls import path

from appointments import views

APPLICATION = "applications/<uuid:application_id>/"

urlpatterns = [
    path(APPLICATION + "booking/", views.booking_page, name="booking"),
    path(APPLICATION + "booking/cancel/", views.booking_cancel, name="booking_cancel"),
    path(APPLICATION + "bill/", views.bill_page, name="bill_page"),
    path(APPLICATION + "bill/renew/", views.bill_renew, name="bill_renew"),
    path(APPLICATION + "bill/status/", views.bill_status, name="bill_status"),
    path(APPLICATION + "proof/", views.proof_page, name="proof_page"),
    path(APPLICATION + "proof.pdf", views.proof_pdf_view, name="proof_pdf"),
]
