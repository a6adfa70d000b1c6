"""Hostile inputs (Hypothesis strategies) and the checks every response and email must pass."""

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.core import mail, signing
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import strategies as st

from newsletter.forms import STARTED_SALT
from scheduling.forms import TIMING_SALT, timing_token_make

# Markup a visitor might type. Each carries "xss" so a raw copy in a page or email is unmistakable; the
# escaped form (&lt;script&gt;…) may appear, the raw one never.
MARKUP_PAYLOADS = (
    "<script>xss(1)</script>",
    "<img src=x onerror=xss(2)>",
    "<svg/onload=xss(3)>",
    '"><xss-tag data-xss=4>',
    "'><xss-tag data-xss=5>",
    '" onfocus="xss(6)" autofocus="',
    "</textarea><xss-tag data-xss=7>",
    "</title><xss-tag data-xss=8>",
    "<!--<xss-tag data-xss=9>-->",
    "javascript:xss(10)",
)
# What a raw (unescaped) copy of any payload above leaves in HTML.
RAW_MARKERS = ("<script>xss", "<img src=x onerror", "<svg/onload", "<xss-tag", '" onfocus="xss', "' onfocus='xss")
HEADER_INJECTIONS = (
    "\r\nBcc: victim@evil.example",
    "\nBcc: victim@evil.example",
    "\rX-Injected: 1",
    "%0d%0aBcc:victim@evil.example",
    "\u2028Bcc: victim@evil.example",
    "\x85Bcc: victim@evil.example",
)
ODD_FRAGMENTS = (
    "\x00",
    "\x00\x00\x00",
    "\r\n",
    "\t",
    "\x1b[31m",
    "\x7f",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\ufffd",
    "\U0001f600",
    "e\u0301",
    "\ud7ff",
    "%00",
    "%",
    "&amp;",
    "&#x3C;",
    "{{ settings }}",
    "{% debug %}",
    "${7*7}",
    "' OR 1=1 --",
    '")); DROP TABLE scheduling_appointmentrequest; --',
    "../../etc/passwd",
    "NULL",
    "None",
    "\\",
    '"',
    "*",
    'AND "x" OR',
    "(((",
    "-",
    "@",
    "=HYPERLINK(1)",
)
EMAILS_THAT_LOOK_FINE = (
    "reader@example.com",
    "Jose@Bücher.example",
    '"<script>xss(1)</script>"@example.com',
    '"a\\"b"@example.com',
    "a@[127.0.0.1]",
    "a@localhost",
    "a+tag@example.com",
    "a@example.com.",
)

# Header values as a WSGI server can deliver them: latin-1 text, without CR, LF or NUL (HTTP framing
# forbids them, so gunicorn refuses such requests before Django sees them).
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60)
# Enormous fields: over every max_length, and one over Django's 2.5 MB body limit.
enormous_text = st.builds(
    lambda character, size: character * size,
    st.sampled_from(["A", "<", "\x00", "é", "\U0001f600", "\n"]),
    st.sampled_from([61, 101, 255, 1_001, 20_000, 2_700_000]),
)
piece = st.one_of(
    st.text(max_size=20),
    st.sampled_from(MARKUP_PAYLOADS),
    st.sampled_from(HEADER_INJECTIONS),
    st.sampled_from(ODD_FRAGMENTS),
    st.sampled_from(EMAILS_THAT_LOOK_FINE),
    st.emails(),
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co", "Mn"]),
)
hostile_text = st.one_of(
    st.lists(piece, max_size=6).map("".join),
    st.sampled_from(MARKUP_PAYLOADS),
    enormous_text,
)
short_hostile_text = st.lists(piece, max_size=4).map("".join)
# A field's value: one string, or the field sent several times (QueryDict lists).
hostile_value = st.one_of(
    hostile_text, st.lists(short_hostile_text, min_size=2, max_size=4), st.just(""), st.integers().map(str)
)
hostile_key = st.one_of(short_hostile_text.filter(bool), st.sampled_from(["csrfmiddlewaretoken", "started", "q"]))


def browser_headers(*, host: bool = False) -> st.SearchStrategy:
    """Headers a browser, a bot or an attacker might send: same-site, cross-site, forged or absent."""
    optional = {
        "Origin": st.one_of(
            st.sampled_from(["http://testserver", "https://evil.example", "null", "http://testserver.evil.example"]),
            header_text,
        ),
        "Sec-Fetch-Site": st.one_of(st.sampled_from(["same-origin", "none", "cross-site", "same-site"]), header_text),
        "Referer": st.one_of(st.sampled_from(["https://evil.example/", "http://testserver/"]), header_text),
        "X-Forwarded-For": st.one_of(
            st.sampled_from(["203.0.113.7", "203.0.113.7, 198.51.100.1", "::1", "999.1.1.1", ", ,"]), header_text
        ),
        "User-Agent": header_text,
        "Accept-Language": header_text,
    }
    if host:
        optional["Host"] = st.one_of(st.sampled_from(["testserver", "evil.example", "[::1]:80", "a b"]), header_text)
    return st.fixed_dictionaries({}, optional=optional)


# Request bodies


@dataclass(frozen=True)
class Body:
    """A POST body and its content type, sent as-is through the test client's `generic`."""

    content_type: str
    data: bytes
    kind: str

    def __repr__(self):
        return f"Body({self.kind}, {self.content_type!r}, {self.data[:120]!r}{'…' if len(self.data) > 120 else ''})"


def _as_lists(data: dict) -> dict:
    return {key: value if isinstance(value, list) else [value] for key, value in data.items()}


def urlencoded(data: dict) -> Body:
    return Body(
        "application/x-www-form-urlencoded", urlencode(_as_lists(data), doseq=True).encode(), "form-urlencoded"
    )


def multipart(data: dict) -> Body:
    return Body(MULTIPART_CONTENT, encode_multipart(BOUNDARY, data), "multipart")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | short_hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(short_hostile_text, children, max_size=3),
    max_leaves=8,
)
CHARSETS = ["utf-8", "utf-16", "latin-1", "rot13", "base64", "zlib", "idna", "punycode", "utf-7", "bogus", ""]


def bodies(form: st.SearchStrategy) -> st.SearchStrategy:
    """The form's fields, encoded every way a client could, and a few ways no real form would."""
    return st.one_of(
        form.map(urlencoded),
        form.map(multipart),
        st.builds(
            lambda data, charset: Body(f"application/x-www-form-urlencoded; charset={charset}", data, "charset"),
            form.map(lambda data: urlencoded(data).data),
            st.sampled_from(CHARSETS),
        ),
        st.builds(
            lambda data: Body("application/json", json.dumps(data).encode(), "json"),
            st.one_of(form, json_values),
        ),
        st.builds(lambda text: Body("text/plain", text.encode(), "text/plain"), hostile_text),
        st.builds(
            lambda data, content_type: Body(content_type, data, "raw"),
            st.binary(max_size=300),
            st.sampled_from(
                [
                    "application/x-www-form-urlencoded",
                    "multipart/form-data",
                    "multipart/form-data; boundary=",
                    f"multipart/form-data; boundary={BOUNDARY}",
                    "application/octet-stream",
                    "",
                ]
            ),
        ),
        # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS allows.
        st.just(Body("application/x-www-form-urlencoded", b"&".join([b"a=1"] * 10_001), "too-many-fields")),
        st.just(
            Body(
                MULTIPART_CONTENT,
                encode_multipart(BOUNDARY, {"email": "file@example.com", "upload": _upload()}),
                "file-upload",
            )
        ),
    )


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("<script>xss(1)</script>.html", b"<script>xss(1)</script>", "text/html")


# Signed fields


def backdated_token(*, salt: str, value: str, seconds_ago: int) -> str:
    """What TimestampSigner(salt).sign(value) would have returned `seconds_ago` seconds ago."""
    signer = signing.TimestampSigner(salt=salt)
    stamped = f"{value}{signer.sep}{signing.b62_encode(int(time.time()) - seconds_ago)}"
    return f"{stamped}{signer.sep}{signer.signature(stamped)}"


def timing_tokens() -> st.SearchStrategy:
    """The appointment form's time-to-submit field: a person's, a bot's, tampered, foreign, missing."""
    person = st.builds(_timing_old)
    return st.one_of(
        person,  # Weighted up: only a person's submission sends email, and the emails are checked too.
        person,
        person,
        st.builds(timing_token_make),
        st.builds(lambda: timing_token_make()[:-2] + "xx"),
        st.builds(lambda: signing.TimestampSigner(salt="other").sign("form")),
        st.just(""),
        short_hostile_text,
    )


def _timing_old() -> str:
    return backdated_token(salt=TIMING_SALT, value="form", seconds_ago=60)


def started_tokens() -> st.SearchStrategy:
    """The /newsletter/ page form's signed start time, in every state."""
    now = lambda: str(int(time.time()))  # noqa: E731
    return st.one_of(
        st.builds(lambda: backdated_token(salt=STARTED_SALT, value=str(int(time.time()) - 10), seconds_ago=10)),
        st.builds(lambda: signing.TimestampSigner(salt=STARTED_SALT).sign(now())),
        st.builds(lambda: backdated_token(salt=STARTED_SALT, value=now(), seconds_ago=2 * 86400)),
        st.builds(lambda: signing.TimestampSigner(salt=STARTED_SALT).sign("not-a-number")),
        st.builds(lambda: signing.TimestampSigner(salt=STARTED_SALT).sign(now())[:-1] + "A"),
        st.just(""),
        short_hostile_text,
    )


# Checks


class _MarkupFinder(HTMLParser):
    """Finds elements or attributes that only an unescaped payload could have produced."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if "xss" in tag:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").lower()
            if "xss" in name or (name.startswith("on") and "xss" in value):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and value.strip().startswith("javascript:xss"):
                self.found.append(f"<{tag} {name}={value!r}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "xss(" in data:
            self.found.append(f"<script>{data[:80]}")


def unescaped_markup(html: str) -> list[str]:
    """Raw copies of the payloads in a page or email: [] when everything the visitor typed was escaped."""
    found = [marker for marker in RAW_MARKERS if marker in html]
    finder = _MarkupFinder()
    finder.feed(html)
    finder.close()
    return found + finder.found


def response_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def assert_safe_response(response) -> str:
    """Not a server error, no header split, nothing the visitor sent echoed raw. Returns the body."""
    assert response.status_code < 500, f"server error {response.status_code}"
    for name, value in response.items():
        assert "\n" not in value and "\r" not in value, f"newline in response header {name}"
    text = response_text(response)
    assert unescaped_markup(text) == [], unescaped_markup(text)
    return text


def assert_safe_emails() -> int:
    """Every email in the outbox: one line per header, no smuggled recipients, escaped HTML. Returns the count."""
    for message in mail.outbox:
        raw_values = [message.subject, message.from_email, *message.to, *message.cc, *message.reply_to]
        raw_values += [f"{name}: {value}" for name, value in message.extra_headers.items()]
        for value in raw_values:
            assert "\n" not in value and "\r" not in value, f"newline in email header {value!r}"
        mime = message.message()
        for name, value in mime.items():
            assert "\n" not in str(value) and "\r" not in str(value), f"newline in email header {name}"
        assert not {"bcc", "cc", "x-injected"} & {name.lower() for name in mime}
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert unescaped_markup(content) == [], unescaped_markup(content)
    return len(mail.outbox)


# Counting


@dataclass
class Tally:
    """How many hostile cases ran, per test, and how many of them were accepted and sent email."""

    cases: Counter = field(default_factory=Counter)
    accepted: int = 0
    emails: int = 0

    def case(self, name: str) -> None:
        self.cases[name] += 1
        mail.outbox.clear()

    @property
    def total(self) -> int:
        return sum(self.cases.values())


TALLY = Tally()
