from django.urls import path

from delivery import views

urlpatterns = [
    path("applications/<uuid:application_id>/delivery/", views.delivery_page, name="delivery_page"),
    path("dev/pos/", views.simulator_page, name="pos_simulator"),
    path("dev/pos/api/quote", views.simulator_quote, name="pos_simulator_quote"),
    path("dev/pos/api/shipments", views.simulator_shipments, name="pos_simulator_shipments"),
    path("dev/pos/api/shipments/<str:tracking_number>/events", views.simulator_events, name="pos_simulator_events"),
]
