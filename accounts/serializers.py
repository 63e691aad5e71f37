from langlearn import serializers

from .models import Account, validate_time_zone


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, min_length=8, max_length=128, trim_whitespace=False)
    display_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)


class RefreshSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=2000)


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Access token lifetime in seconds.")


class AccountSerializer(serializers.ModelSerializer):
    time_zone = serializers.CharField(max_length=64, required=False, validators=[validate_time_zone])

    class Meta:
        model = Account
        fields = ["id", "email", "display_name", "time_zone", "is_staff", "date_joined"]
        read_only_fields = ["id", "email", "is_staff", "date_joined"]


class ExportSerializer(serializers.Serializer):
    job = serializers.DictField(help_text="The export job (see /api/jobs/{id}).")
    download_url = serializers.CharField(allow_null=True, help_text="Short-lived link to the ZIP, once ready.")
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the ZIP is deleted (EXPORT_RETENTION_HOURS after it was built)."
    )


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(write_only=True, min_length=8, max_length=128, trim_whitespace=False)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=100)
    token = serializers.CharField(max_length=100)
    new_password = serializers.CharField(write_only=True, min_length=8, max_length=128, trim_whitespace=False)
