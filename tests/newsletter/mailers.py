"""Email backends for tests: ones that fail, as real SMTP servers and workers sometimes do."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(EmailBackend):
    """Refuses the addresses in `refuse` (like a server's temporary 4xx), delivers the rest to the outbox."""

    refuse: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refuse:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"Try again later")})
        return super().send_messages(messages)


class WorkerDied(BaseException):
    """What a killed worker looks like from inside: not an Exception, nothing catches it."""


class CrashingBackend(EmailBackend):
    """Delivers `crash_after` messages, then the worker 'dies' mid-chunk."""

    crash_after = 0
    delivered = 0

    def send_messages(self, messages):
        if CrashingBackend.delivered >= self.crash_after:
            raise WorkerDied
        CrashingBackend.delivered += len(messages)
        return super().send_messages(messages)


class UnreachableBackend(EmailBackend):
    """A mail server that refuses the connection itself, before any message."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")
