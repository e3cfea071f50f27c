from django.urls import path

from billing import views

urlpatterns = [
    path("applications/<uuid:application_id>/bill/", views.bill_page, name="bill_page"),
    path("applications/<uuid:application_id>/bill/renew/", views.bill_renew, name="bill_renew"),
    path("applications/<uuid:application_id>/proof/", views.proof_page, name="proof_page"),
    path("applications/<uuid:application_id>/proof.pdf", views.proof_pdf_view, name="proof_pdf"),
    path("dev/payments/", views.payment_simulator, name="payment_simulator"),
]
