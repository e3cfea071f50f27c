from django.urls import path

from appointments import draw_views, views

APPLICATION = "applications/<uuid:application_id>/"

urlpatterns = [
    path(APPLICATION + "booking/", views.booking_page, name="booking"),
    path(APPLICATION + "booking/cancel/", views.booking_cancel, name="booking_cancel"),
    path(APPLICATION + "bill/", views.bill_page, name="bill_page"),
    path(APPLICATION + "bill/renew/", views.bill_renew, name="bill_renew"),
    path(APPLICATION + "bill/status/", views.bill_status, name="bill_status"),
    path(APPLICATION + "proof/", views.proof_page, name="proof_page"),
    path(APPLICATION + "proof.pdf", views.proof_pdf_view, name="proof_pdf"),
    path(APPLICATION + "draw/", draw_views.draw_page, name="draw_page"),
    path(APPLICATION + "draw/withdraw/", draw_views.draw_withdraw, name="draw_withdraw"),
    path(APPLICATION + "draw/waitlist/", draw_views.draw_waitlist_join, name="draw_waitlist_join"),
    path(APPLICATION + "draw/waitlist/leave/", draw_views.draw_waitlist_leave, name="draw_waitlist_leave"),
    path(APPLICATION + "draw/waitlist/accept/", draw_views.draw_waitlist_accept, name="draw_waitlist_accept"),
    path("draw/<slug:code>/<str:day>/", draw_views.draw_record, name="draw_record"),
]
