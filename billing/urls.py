from django.urls import path

from billing import views

urlpatterns = [
    path("dev/payments/", views.payment_simulator, name="payment_simulator"),
]
