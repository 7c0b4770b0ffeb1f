"""Phone numbers: everything we store is E.164 ('+34600123456')."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalize_phone(text: str, default_region: str | None = None) -> str:
    """E.164 from what a person typed ('+34 600 12 34 56', '600123456' with region 'ES')."""
    cleaned = text.strip()
    if cleaned.startswith("whatsapp:"):
        cleaned = cleaned.removeprefix("whatsapp:")
    try:
        number = phonenumbers.parse(cleaned, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"not a phone number: {text!r}") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone(f"not a possible phone number: {text!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_address(phone: str) -> str:
    return f"whatsapp:{phone}"


def phone_from_whatsapp(address: str) -> str:
    """'whatsapp:+34600123456' -> '+34600123456'; raises InvalidPhone for anything else."""
    if not address.startswith("whatsapp:+"):
        raise InvalidPhone(f"not a WhatsApp address: {address!r}")
    return normalize_phone(address)


_SPANISH_SPEAKING = frozenset(
    [
        "ES",
        "MX",
        "AR",
        "CO",
        "CL",
        "PE",
        "VE",
        "EC",
        "GT",
        "CU",
        "BO",
        "DO",
        "HN",
        "PY",
        "SV",
        "NI",
        "CR",
        "PA",
        "UY",
        "PR",
        "GQ",
    ]
)


def language_for_phone(phone: str) -> str | None:
    """A guess at a stranger's language from their country code, for the one reply they get."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return None
    return "es" if region in _SPANISH_SPEAKING else None
