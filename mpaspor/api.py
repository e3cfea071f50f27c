"""The API's routes (/api/v1/). The error shape and the exception handler live in
`core.api_errors`."""

from django.urls import path

from applicants.api import applications as app_api
from applicants.api import auth as auth_api
from applicants.api import fees as fee_api
from appointments import api as appointments_api
from appointments import draw_api
from casework import api as report_api
from delivery import api as delivery_api
from queueing.api import views as queueing_api

APPLICATION = "applications/<uuid:application_id>/"

urlpatterns = [
    path("auth/register/", auth_api.RegisterView.as_view(), name="api_register"),
    path("auth/token/", auth_api.TokenView.as_view(), name="api_token"),
    path("auth/token/refresh/", auth_api.RefreshView.as_view(), name="api_token_refresh"),
    path("auth/sign-out/", auth_api.SignOutView.as_view(), name="api_sign_out"),
    path("auth/password/", auth_api.PasswordChangeView.as_view(), name="api_password_change"),
    path("auth/me/", auth_api.MeView.as_view(), name="api_me"),
    path("auth/verify-email/", auth_api.VerifyEmailView.as_view(), name="api_verify_email"),
    path("auth/verify-email/resend/", auth_api.ResendVerificationView.as_view(), name="api_resend_verification"),
    path("auth/password-reset/", auth_api.PasswordResetView.as_view(), name="api_password_reset"),
    path(
        "auth/password-reset/confirm/", auth_api.PasswordResetConfirmView.as_view(), name="api_password_reset_confirm"
    ),
    path("fees/", fee_api.FeeListView.as_view(), name="api_fees"),
    path("offices/", queueing_api.OfficeListView.as_view(), name="api_offices"),
    path("offices/<slug:code>/availability/", queueing_api.AvailabilityView.as_view(), name="api_availability"),
    path(APPLICATION + "booking/", appointments_api.BookingView.as_view(), name="api_booking"),
    path(APPLICATION + "booking/preview/", appointments_api.BookingPreviewView.as_view(), name="api_booking_preview"),
    path(APPLICATION + "draw-entry/", draw_api.DrawEntryView.as_view(), name="api_draw_entry"),
    path(APPLICATION + "waitlist/", draw_api.WaitlistView.as_view(), name="api_waitlist"),
    path(APPLICATION + "waitlist/accept/", draw_api.WaitlistAcceptView.as_view(), name="api_waitlist_accept"),
    path("draws/<slug:code>/<str:day>/", draw_api.ReleaseView.as_view(), name="api_draw"),
    path("draws/<slug:code>/<str:day>/entries/", draw_api.ReleaseEntriesView.as_view(), name="api_draw_entries"),
    path(APPLICATION + "bill/", appointments_api.BillView.as_view(), name="api_bill"),
    path(APPLICATION + "bill/renew/", appointments_api.RenewView.as_view(), name="api_bill_renew"),
    path(APPLICATION + "proof/", appointments_api.ProofView.as_view(), name="api_proof"),
    path(
        "payments/notifications/", appointments_api.PaymentNotificationView.as_view(), name="api_payment_notification"
    ),
    path(APPLICATION + "delivery/", delivery_api.DeliveryView.as_view(), name="api_delivery"),
    path("delivery/notifications/", delivery_api.PosNotificationView.as_view(), name="api_pos_notification"),
    path("reports/issuance/", report_api.IssuanceReportView.as_view(), name="api_report_issuance"),
    path("reports/operations/", report_api.OperationsReportView.as_view(), name="api_report_operations"),
    path("applications/", app_api.ApplicationListView.as_view(), name="api_applications"),
    path(APPLICATION, app_api.ApplicationDetailView.as_view(), name="api_application"),
    path(APPLICATION + "submit/", app_api.SubmitView.as_view(), name="api_application_submit"),
    path(APPLICATION + "checklist/", app_api.ChecklistView.as_view(), name="api_application_checklist"),
    path(APPLICATION + "timeline/", app_api.TimelineView.as_view(), name="api_application_timeline"),
    path(APPLICATION + "documents/", app_api.DocumentListView.as_view(), name="api_documents"),
    path(APPLICATION + "documents/<uuid:document_id>/", app_api.DocumentDetailView.as_view(), name="api_document"),
    path(
        APPLICATION + "documents/<uuid:document_id>/file/", app_api.DocumentFileView.as_view(), name="api_document_file"
    ),
]
