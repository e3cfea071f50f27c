from django.urls import path

from queueing import views

urlpatterns = [
    path("applications/<uuid:application_id>/booking/", views.booking_page, name="booking"),
    path("applications/<uuid:application_id>/booking/cancel/", views.booking_cancel, name="booking_cancel"),
    path("office/queue/", views.queue_desk, name="queue_desk"),
    path("board/<slug:code>/", views.queue_board, name="queue_board"),
]
