"""What every public form shares: text fields that refuse control characters, kind email and phone messages,
a signed start time against bots, and the GOV.UK-style error summary (templates/components/error_summary.html)."""

import enum
import time
import unicodedata

from django import forms
from django.core import signing

from practice.phone import phone_e164

# Controls (C0, DEL, C1: line breaks and tabs too), invisible format characters (bidi overrides, zero-width
# joiners) and the Unicode line and paragraph separators. A multi-line answer may still hold tabs and line breaks.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
_MULTI_LINE_ALLOWED = set("\t\r\n")


def has_control_characters(value: str, *, multi_line: bool = False) -> bool:
    allowed = _MULTI_LINE_ALLOWED if multi_line else set()
    return any(char not in allowed and unicodedata.category(char) in _REFUSED_CATEGORIES for char in value)


def text_errors(label: str, *, required: str | None = None) -> dict:
    errors = {
        "max_length": f"{label} must be %(limit_value)d characters or fewer",
        "null_characters_not_allowed": f"{label} must not contain special characters",
    }
    if required:
        errors["required"] = required
    return errors


def choice_errors(message: str) -> dict:
    return {"required": message, "invalid_choice": message}


class SingleLineField(forms.CharField):
    """A one-line answer: no line breaks (they must never reach an email header) or control characters."""

    def validate(self, value):
        super().validate(value)
        if value and has_control_characters(value):
            message = self.error_messages.get(
                "control_characters", f"{self.label} must be on one line, without special characters"
            )
            raise forms.ValidationError(message, code="control_characters")


class MultiLineField(forms.CharField):
    """A longer answer: line breaks and tabs are fine, other control characters are not."""

    def validate(self, value):
        super().validate(value)
        if value and has_control_characters(value, multi_line=True):
            raise forms.ValidationError(f"{self.label} must not contain special characters", code="control_characters")


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class EmailAddressField(forms.EmailField):
    """An email address, at most 254 characters (RFC 5321), with the same kind messages on every form."""

    default_error_messages = {
        "required": "Enter your email address",
        "invalid": EMAIL_FORMAT,
        "max_length": "Email address must be 254 characters or fewer",
        "null_characters_not_allowed": EMAIL_FORMAT,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Email address")
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and has_control_characters(value):
            # Said once: otherwise the format check and the null-character check would both say it.
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class PhoneNumberField(SingleLineField):
    """A US phone number as people write it ("(303) 555-0123", "303.555.0123"), cleaned to E.164."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        if not (e164 := phone_e164(value)):
            raise forms.ValidationError("Enter a phone number, like (303) 555-0123", code="invalid")
        return e164


class Timing(enum.Enum):
    FINE = "fine"
    TOO_FAST = "too fast"
    INVALID = "invalid"  # tampered with, not a token at all, or older than allowed


class SubmitTiming:
    """A signed time the form was shown (a hidden field), to recognise a submit sooner than a person could type
    one. Only the signature's own timestamp counts."""

    def __init__(self, salt: str):
        self.salt = salt

    @property
    def signer(self) -> signing.TimestampSigner:
        # Made when used, not at import: models import the forms, and settings may not be complete then.
        return signing.TimestampSigner(salt=self.salt)

    def token(self) -> str:
        return self.signer.sign(str(int(time.time())))

    def verdict(self, token: str, *, min_seconds: float, max_age: float | None = None) -> Timing:
        token = str(token or "")[:200]
        try:
            self.signer.unsign(token, max_age=max_age)
        except signing.BadSignature:  # SignatureExpired included: older than max_age
            return Timing.INVALID
        try:
            self.signer.unsign(token, max_age=min_seconds)
        except signing.SignatureExpired:
            return Timing.FINE  # older than the minimum: a person took their time
        return Timing.TOO_FAST


class ErrorSummaryMixin:
    """The form's errors as (anchor id, message) pairs for the error summary, in field order, each linked to its
    field (a group's first option); errors of the whole form come last, unlinked."""

    def error_summary(self) -> list[tuple[str, str]]:
        if not self.is_bound:
            return []
        items = []
        for name in self.fields:
            if name not in self.errors:
                continue
            bound = self[name]
            anchor = f"{bound.auto_id}_0" if bound.use_fieldset else bound.auto_id
            items.extend((anchor, message) for message in self.errors[name])
        items.extend(("", message) for message in self.non_field_errors())
        return items
