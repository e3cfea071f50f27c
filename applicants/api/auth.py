"""Accounts over the API: register, sign in (JWT), renew and end tokens, verify e-mail, change
and reset the password."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import PasswordField, TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView

from applicants import credentials, login_guard, services
from applicants.models import User
from applicants.notifications import send_verification_email
from applicants.tokens import email_verification_token
from core.errors import DomainError
from core.security_log import email_digest, security_event
from core.throttling import client_address, throttle


class AccountOut(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name")
    email_verified = serializers.BooleanField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "email_verified", "language", "date_joined"]


class RegisterIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    name = serializers.CharField(max_length=150, required=False, help_text="Full name as on the e-KTP.")
    full_name = serializers.CharField(max_length=150, required=False, help_text="Alias of `name`.")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)

    def validate(self, attrs):
        if not (attrs.get("name") or attrs.get("full_name")):
            raise serializers.ValidationError({"name": [_("This field is required.")]})
        return attrs


class RegisteredOut(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [throttle("register_address")]

    @extend_schema(
        request=RegisterIn,
        responses={202: RegisteredOut},
        tags=["auth"],
        summary="Create an account (the same answer whether or not the address has one; the e-mail tells)",
    )
    def post(self, request):
        data = RegisterIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        email = services.user_register(
            email=v["email"],
            password=v["password"],
            full_name=v.get("name") or v.get("full_name"),
            phone=v.get("phone", ""),
            language="en" if (get_language() or "").startswith("en") else "id",
        )
        message = _("We sent a message to %(email)s. Open the link in it to confirm the address.") % {"email": email}
        return Response({"email": email, "detail": message}, status=status.HTTP_202_ACCEPTED)


class EmailTokenObtainSerializer(TokenObtainPairSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As the web's sign-in: a password is taken exactly as typed, spaces included.
        self.fields["password"] = PasswordField(trim_whitespace=False, max_length=128)

    def validate(self, attrs):
        attrs[self.username_field] = User.objects.normalize_email(attrs.get(self.username_field))
        data = super().validate(attrs)
        if self.user.is_staff:
            # A token would reach the API on the password alone; staff sign in with their second factor.
            message = _("Staff accounts sign in on the staff sign-in page, with their second factor.")
            raise DomainError("second_factor_required", message, status=403)
        return data


class TokenView(TokenObtainPairView):
    """Sign in with e-mail and password; failed attempts are counted against guessing."""

    serializer_class = EmailTokenObtainSerializer
    throttle_classes = [throttle("signin_address")]

    @extend_schema(tags=["auth"], summary="Sign in: e-mail and password to access and refresh tokens")
    def post(self, request, *args, **kwargs):
        email = login_guard.normalise(request.data.get("email") if isinstance(request.data, dict) else "")
        address = client_address(request)
        if email:
            login_guard.begin(email, address)
        try:
            response = super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            raise DomainError(
                "invalid_credentials", _("The e-mail address or password is wrong."), status=401
            ) from None
        if email:
            login_guard.succeeded(email, address)
        security_event("sign_in_succeeded", request=request, account=email_digest(email), level=20, channel="api")
        return response


class RefreshIn(serializers.Serializer):
    refresh = serializers.CharField(max_length=2048)


class TokenPairOut(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshView(APIView):
    """Renew: the refresh token presented is used up and a new pair comes back."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=RefreshIn,
        responses=TokenPairOut,
        tags=["auth"],
        summary="Renew the tokens (the refresh token is single-use: keep the new one)",
    )
    def post(self, request):
        data = RefreshIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(credentials.tokens_refresh(raw=data.validated_data["refresh"]))


class SignOutView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=RefreshIn, responses={204: None}, tags=["auth"], summary="Sign out: the refresh token stops working"
    )
    def post(self, request):
        data = RefreshIn(data=request.data)
        data.is_valid(raise_exception=True)
        credentials.tokens_sign_out(raw=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeIn(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordChangeView(APIView):
    throttle_classes = [throttle("signin_address")]

    @extend_schema(
        request=PasswordChangeIn,
        responses={200: None},
        tags=["auth"],
        summary="Change the password (needs the current one; every device is signed out, sign in again)",
    )
    def post(self, request):
        data = PasswordChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        credentials.password_change(
            user=request.user, current=data.validated_data["current_password"], new=data.validated_data["new_password"]
        )
        return Response({"detail": _("Your password has been changed. Please sign in again on your other devices.")})


class MeView(APIView):
    @extend_schema(responses=AccountOut, tags=["auth"], summary="The signed-in account")
    def get(self, request):
        return Response(AccountOut(request.user).data)


def _user_from_uid(uid: str):
    try:
        return User.objects.get(pk=force_str(urlsafe_base64_decode(uid)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


class VerifyEmailIn(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class VerifyEmailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=VerifyEmailIn, responses={200: AccountOut}, tags=["auth"], summary="Confirm an e-mail address"
    )
    def post(self, request):
        data = VerifyEmailIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = _user_from_uid(data.validated_data["uid"])
        if user is None or not email_verification_token.check_token(user, data.validated_data["token"]):
            raise DomainError("invalid_link", _("This confirmation link is invalid or has already been used."))
        return Response(AccountOut(services.user_verify_email(user=user)).data)


class ResendVerificationView(APIView):
    throttle_classes = [throttle("register_address")]

    @extend_schema(request=None, responses={202: None}, tags=["auth"], summary="Send the confirmation e-mail again")
    def post(self, request):
        if not request.user.email_verified:
            send_verification_email(request.user)
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [throttle("register_address")]

    @extend_schema(
        request=PasswordResetIn,
        responses={202: None},
        tags=["auth"],
        summary="E-mail a password-reset link (answers the same whether or not the account exists)",
    )
    def post(self, request):
        data = PasswordResetIn(data=request.data)
        data.is_valid(raise_exception=True)
        form = PasswordResetForm({"email": User.objects.normalize_email(data.validated_data["email"])})
        if form.is_valid():
            form.save(
                request=request,
                subject_template_name="registration/password_reset_subject.txt",
                email_template_name="registration/password_reset_email.html",
                extra_email_context={"site_url": settings.SITE_URL},
            )
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmIn(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=PasswordResetConfirmIn, responses={200: None}, tags=["auth"], summary="Set a new password")
    def post(self, request):
        data = PasswordResetConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = _user_from_uid(data.validated_data["uid"])
        if user is None or not default_token_generator.check_token(user, data.validated_data["token"]):
            raise DomainError("invalid_link", _("This password-reset link is invalid or has already been used."))
        password = data.validated_data["new_password"]
        form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
        if not form.is_valid():
            raise DomainError(
                "invalid",
                _("Please choose a stronger password."),
                fields={"new_password": form.errors.get("new_password2", [])},
            )
        form.save()
        return Response({"detail": _("Your password has been changed. You can now sign in.")})
