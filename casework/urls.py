from django.urls import path

from casework import report_views, views

urlpatterns = [
    path("applications/<uuid:application_id>/", views.application_detail, name="application_detail"),
    path("open-data/", report_views.open_data, name="open_data"),
    path("open-data/<slug:code>/", report_views.open_data, name="open_data_office"),
    path("open-data/<slug:code>/issuance.csv", report_views.open_data_csv, name="open_data_csv"),
    path("office/reports/", report_views.staff_reports, name="staff_reports"),
]
