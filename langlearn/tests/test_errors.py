"""The exception handler: objects gone mid-request are the JSON 404; anything unexpected stays a 500."""

import pytest

from langlearn.errors import exception_handler
from vocab.models import UserLanguagePair


@pytest.mark.parametrize(
    "exc",
    [
        UserLanguagePair.DoesNotExist("a re-read found nothing"),
        UserLanguagePair.NotUpdated("Save with update_fields did not affect any rows."),
    ],
)
def test_an_object_gone_mid_request_is_a_json_404(exc):
    response = exception_handler(exc, {})
    assert response.status_code == 404
    assert response.data["code"] == "not_found"
    assert "deleted while this request ran" in response.data["detail"]


def test_an_unexpected_error_is_left_to_django_as_a_500():
    assert exception_handler(RuntimeError("bug"), {}) is None
