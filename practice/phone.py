"""US phone numbers as people type them, read once with phonenumbers: for forms, links and structured data."""

import phonenumbers


def phone_parse(text: str) -> phonenumbers.PhoneNumber | None:
    """The number typed, read as a US number, or None when it isn't a valid one ("(303) 578-9317", "303.578.9317")."""
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_e164(text: str) -> str:
    number = phone_parse(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""


def tel_url(text: str) -> str:
    e164 = phone_e164(text)
    return f"tel:{e164}" if e164 else ""


def telephone_international(text: str) -> str:
    """E.164 with dashes (`+1-303-578-9317`), as schema.org's `telephone` is written; "" when unset or invalid."""
    number = phone_parse(text)
    # RFC 3966 is exactly E.164 with visual separators: "tel:+1-303-578-9317".
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966).removeprefix("tel:")
        if number
        else ""
    )
