"""Keep signed tokens out of logs: they are credentials (unsubscribe someone, reset a password)."""

import logging
import re

MASK = "…"

# Each token is one whole path segment (newsletter links) or two (Django's password reset).
TOKEN_PATTERNS = (
    (re.compile(r"(/newsletter/(?:confirm|unsubscribe)/)[^/\s'\"?#]+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/admin/password_reset/confirm/)[^/\s'\"?#]+/[^/\s'\"?#]+"), rf"\g<1>{MASK}/{MASK}"),
)


def mask_tokens(text: str) -> str:
    for pattern, replacement in TOKEN_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskTokens(logging.Filter):
    """Masks tokens in a record's message, and drops the request Django attaches (a structured formatter would
    write out its full path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_tokens(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(mask_tokens(arg) if isinstance(arg, str) else arg for arg in record.args)
        if hasattr(record, "request"):
            record.request = None
        return True
