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


# Where most people read the language best of the four we speak. Countries split between
# one of ours and a language we lack (Belgium, Switzerland, Canada) are left to English.
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
_PORTUGUESE_SPEAKING = frozenset(["PT", "BR", "AO", "MZ", "CV", "GW", "ST", "TL"])
_FRENCH_SPEAKING = frozenset([
    # France and its overseas regions and territories (codes of their own), Monaco, Luxembourg.
    "FR", "RE", "YT", "GP", "MQ", "GF", "BL", "MF", "PM", "NC", "PF", "WF", "MC", "LU",
    # Where French is the language of school and work.
    "SN", "CI", "ML", "BF", "NE", "GN", "BJ", "TG", "CM", "GA", "CG", "CD", "CF", "TD", "MG",
    "DJ", "KM", "BI", "HT",
    # Arabic first, which we do not speak; French is read more widely there than English.
    "MA", "DZ", "TN",
])  # fmt: skip
_LANGUAGES_BY_REGION = {
    **dict.fromkeys(_SPANISH_SPEAKING, "es"),
    **dict.fromkeys(_PORTUGUESE_SPEAKING, "pt"),
    **dict.fromkeys(_FRENCH_SPEAKING, "fr"),
}


def language_for_phone(phone: str) -> str | None:
    """A guess at a stranger's language from their country code, for the one reply they get."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return None
    return language_for_region(region)


def language_for_region(region: str | None) -> str | None:
    """'es', 'pt' or 'fr' where most people read it best (ISO 3166 code), else None."""
    return _LANGUAGES_BY_REGION.get(region.upper()) if region else None
