from dataclasses import asdict

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from langlearn import serializers
from langlearn.errors import NotFound, QuotaExceeded
from langlearn.idempotency import idempotent

from . import services
from .serializers import (
    AccountSerializer,
    ExportSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
)
from .throttles import LoginThrottle


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class PublicAuthView(APIView):
    """Token endpoints: no access token needed, and bad credentials still answer 401, not 403."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class RegisterView(PublicAuthView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: AccountSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.account_register(**serializer.validated_data)
        return Response(AccountSerializer(account).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAuthView):
    throttle_classes = [LoginThrottle]

    def throttled(self, request, wait):
        # One answer for both login limits (THROTTLE_LOGIN here, the failure lockout in the service).
        raise QuotaExceeded(
            "Too many login attempts; wait a little and try again.", code="login_throttled", retry_after=wait or 60
        )

    @extend_schema(request=LoginSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.account_login(**serializer.validated_data, ip=client_ip(request), request=request)
        return Response(asdict(pair))


class RefreshView(PublicAuthView):
    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(asdict(services.token_refresh(**serializer.validated_data)))


class LogoutView(PublicAuthView):
    """Blacklist a refresh token. The refresh token is the credential, so no access token is needed."""

    @extend_schema(request=RefreshSerializer, responses={204: None})
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.token_logout(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = AccountSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_destroy(self, instance):
        services.account_delete(account=instance)


class MeExportView(APIView):
    """Everything the learner owns as one ZIP (issue 19). POST starts an export job (202); GET shows
    the newest export, with a short-lived `download_url` once it is ready."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: ExportSerializer})
    @idempotent
    def post(self, request):
        job = services.account_export_start(user=request.user)
        return Response(_export_body(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ExportSerializer})
    def get(self, request):
        job = services.account_export_latest(user=request.user)
        if job is None:
            raise NotFound("No export yet: POST to this URL to start one.", code="no_export")
        return Response(_export_body(job))


def _export_body(job) -> dict:
    from langlearn.data_rights import export_download_url, export_expires_at
    from langlearn.jobs.serializers import JobSerializer

    ready = job.status == "succeeded"
    return {
        "job": JobSerializer(job).data,
        "download_url": export_download_url(job) if ready else None,
        "expires_at": export_expires_at(job) if ready else None,
    }


class PasswordFormView(APIView):
    """The shape the password endpoints share: POST only, throttled by THROTTLE_PASSWORD, the body
    validated by `serializer_class`, then one service call (`perform`) whose result (or nothing) is
    answered with `success_status`. Subclasses state their permission and schema."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password"
    serializer_class: type[serializers.Serializer]
    success_status = status.HTTP_200_OK

    def perform(self, request, data: dict) -> dict | None:
        raise NotImplementedError

    def post(self, request):
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(self.perform(request, serializer.validated_data), status=self.success_status)


@extend_schema_view(post=extend_schema(request=PasswordChangeSerializer, responses={200: TokenPairSerializer}))
class PasswordChangeView(PasswordFormView):
    """Change the password (the current one is required); every refresh token is revoked and a
    fresh pair answered. Throttled by THROTTLE_PASSWORD."""

    permission_classes = [IsAuthenticated]
    serializer_class = PasswordChangeSerializer

    def perform(self, request, data):
        return asdict(services.password_change(account=request.user, **data))


@extend_schema_view(post=extend_schema(request=PasswordResetSerializer, responses={202: None}))
class PasswordResetView(PublicAuthView, PasswordFormView):
    """Ask for a reset link by email. Always 202, whether or not the address has an account."""

    serializer_class = PasswordResetSerializer
    success_status = status.HTTP_202_ACCEPTED

    def perform(self, request, data):
        services.password_reset_request(**data)


@extend_schema_view(post=extend_schema(request=PasswordResetConfirmSerializer, responses={204: None}))
class PasswordResetConfirmView(PublicAuthView, PasswordFormView):
    serializer_class = PasswordResetConfirmSerializer
    success_status = status.HTTP_204_NO_CONTENT

    def perform(self, request, data):
        services.password_reset_confirm(**data)
