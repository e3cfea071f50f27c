from django.urls import path

from queueing import report_views, views

urlpatterns = [
    path("applications/<uuid:application_id>/booking/", views.booking_page, name="booking"),
    path("applications/<uuid:application_id>/booking/cancel/", views.booking_cancel, name="booking_cancel"),
    path("office/queue/", views.queue_desk, name="queue_desk"),
    path("board/<slug:code>/", views.queue_board, name="queue_board"),
    path("open-data/", report_views.open_data, name="open_data"),
    path("open-data/<slug:code>/", report_views.open_data, name="open_data_office"),
    path("open-data/<slug:code>/issuance.csv", report_views.open_data_csv, name="open_data_csv"),
    path("office/reports/", report_views.staff_reports, name="staff_reports"),
]
