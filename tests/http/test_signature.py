"""minkops.http.signature agrees with the SDK's RequestValidator.validate on every case."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from minkops.http.signature import valid_signature
from minkops.twilio_client import sign_twilio_request

TOKEN = "12345678901234567890123456789012"
FORM = {"From": "whatsapp:+34600000001", "Body": "tareas", "MessageSid": "SM1", "NumMedia": "0"}


@pytest.mark.parametrize(
    ("signed_url", "checked_url"),
    [
        ("https://minkops.example/twilio/whatsapp", "https://minkops.example/twilio/whatsapp"),
        # Twilio signs with or without the default port: either spelling must pass.
        ("https://minkops.example:443/twilio/whatsapp", "https://minkops.example/twilio/whatsapp"),
        ("https://minkops.example/twilio/whatsapp", "https://minkops.example:443/twilio/whatsapp"),
        ("http://127.0.0.1:8080/twilio/status?key=a%3Ab", "http://127.0.0.1:8080/twilio/status?key=a%3Ab"),
    ],
)  # fmt: skip
def test_a_true_signature_passes_as_with_the_sdk(signed_url: str, checked_url: str) -> None:
    signature = sign_twilio_request(TOKEN, signed_url, FORM)
    assert RequestValidator(TOKEN).validate(checked_url, FORM, signature)
    assert valid_signature(TOKEN, checked_url, FORM, signature)


def test_a_false_one_fails_as_with_the_sdk() -> None:
    url = "https://minkops.example/twilio/whatsapp"
    signature = sign_twilio_request(TOKEN, url, FORM)
    cases = [
        (TOKEN, url.replace("https", "http"), FORM),  # another scheme signs differently
        (TOKEN, url, {**FORM, "Body": "borra todo"}),  # a field changed
        (TOKEN, url, {**FORM, "Extra": ""}),  # a field added
        ("0" * 32, url, FORM),  # another account's token
    ]
    for token, checked, form in cases:
        assert not RequestValidator(token).validate(checked, form, signature)
        assert not valid_signature(token, checked, form, signature)
    assert not valid_signature(TOKEN, url, FORM, "")
