from django.contrib.auth import views as auth_views
from django.urls import path

from applicants import account_views, assisted_views, staff_sign_in, views

APPLICATION = "applications/<uuid:application_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/register/", account_views.register, name="register"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/verify/<uidb64>/<token>/", account_views.verify_email, name="verify_email"),
    path("accounts/verify/resend/", account_views.resend_verification, name="resend_verification"),
    path("accounts/password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("office/second-factor/enrol/", staff_sign_in.enrol, name="staff_otp_enrol"),
    path("office/second-factor/", staff_sign_in.verify, name="staff_otp_verify"),
    path("office/assist/", assisted_views.assisted_start, name="assisted_start"),
    path(APPLICATION + "handover/", assisted_views.assisted_handover, name="assisted_handover"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("applications/new/", views.application_new, name="application_new"),
    path(APPLICATION + "step/<slug:step>/", views.application_step, name="application_step"),
    path(APPLICATION + "documents/", views.application_documents, name="application_documents"),
    path(APPLICATION + "documents/<uuid:document_id>/delete/", views.document_delete, name="document_delete"),
    path(APPLICATION + "review/", views.application_review, name="application_review"),
    path(APPLICATION + "timeline/", views.application_timeline, name="application_timeline"),
    path("documents/<uuid:document_id>/file/", views.document_file, name="document_file"),
    path("documents/<uuid:document_id>/preview/", views.document_thumbnail, name="document_thumbnail"),
]
