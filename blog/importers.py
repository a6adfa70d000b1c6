"""Turn articles from the old site (pasted text, Markdown, exported HTML) into the raw StreamField data of an
ArticlePage: each reader yields elements, one shared step recognises the article's conventions. Nothing writes."""

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import markdown
import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from dateutil import parser as date_parser

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
SUMMARY_MAX = 300
HEADING_MAX_CHARS = 90
HEADING_MAX_WORDS = 14
BULLET = re.compile(r"^\s*[•\-*·–]\s+(?P<text>.+)$")
NUMBERED = re.compile(r"^\s*(?P<number>\d{1,2})[.)]\s+(?P<text>.+)$")
LEAD_PHRASE = re.compile(r"^(?P<lead>[^.:!?]{2,60}[.:])\s+(?P<rest>\S.*)$")
REFLECTION = re.compile(r"^reflection (prompts?|questions?)\b", re.IGNORECASE)
CTA_START = re.compile(r"^(take the next step|schedule with|ready to (talk|begin|start))\b", re.IGNORECASE)
DATE_LINE = re.compile(
    r"^(posted|published|written)?\s*(on)?\s*(?P<date>(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? "
    r"\d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})\s*$",
    re.IGNORECASE,
)
# Where the old page's furniture starts: everything from here on is not the article.
FURNITURE_START = re.compile(
    r"^(scroll to top|subscribe to our newsletter|get notified about new articles|share this( article| post)?:?|"
    r"leave a (comment|reply)|related posts|you may also like|previous post|next post)\b",
    re.IGNORECASE,
)
# Single lines of furniture that may sit anywhere.
FURNITURE_LINE = re.compile(
    r"^(skip to content|menu|home|blog|back to blog|share|tweet|pin it|email|print|subscribe|"
    r"enter your email( address)?|"
    r"read more|\d+ comments?)$",
    re.IGNORECASE,
)
ALLOWED_INLINE = {"a", "b", "i", "br"}


class ArticleImportError(ValueError):
    """A file that cannot become an article; the message is one line for the command to print."""


@dataclass
class Element:
    kind: str  # heading, paragraph, list, quote
    text: str = ""  # plain text (headings, quotes) or inline HTML (paragraphs)
    level: int = 2
    items: list[str] = field(default_factory=list)  # inline HTML of list items
    ordered: bool = False


@dataclass
class ParsedArticle:
    title: str
    summary: str
    body: list[dict]
    date: datetime.date | None = None
    tags: list[str] = field(default_factory=list)
    # The images of the old page (their addresses), which the importer never fetches: say so.
    images_left_out: list[str] = field(default_factory=list)


# Reading files


def read_text(path: Path) -> str:
    """The file's text, or a one-line ArticleImportError for missing, empty, binary or undecodable files."""
    if not path.exists():
        raise ArticleImportError(f"{path}: no such file.")
    if not path.is_file():
        raise ArticleImportError(f"{path}: not a file.")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ArticleImportError(f"{path}: unsupported file type; use .txt, .md or .html.")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ArticleImportError(f"{path}: looks like a binary file, not text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleImportError(f"{path}: not UTF-8 text (undecodable byte at position {error.start}).") from None
    if not text.strip():
        raise ArticleImportError(f"{path}: the file is empty.")
    return text


def parse_file(path: Path) -> ParsedArticle:
    text = read_text(path)
    parse = {".txt": parse_txt, ".md": parse_markdown, ".markdown": parse_markdown}.get(
        path.suffix.lower(), parse_html
    )
    article = parse(text)
    if not article.body:
        raise ArticleImportError(f"{path}: no article text found.")
    return article


# Plain text pasted from a web page


def _is_heading_line(line: str) -> bool:
    words = line.split()
    return (
        len(line) <= HEADING_MAX_CHARS
        and len(words) <= HEADING_MAX_WORDS
        and not line.endswith((".", ",", ";", "!", "?", "…"))
        and not BULLET.match(line)
    )


def _inline(text: str) -> str:
    """A list item's escaped text, with its leading "Lead phrase." in bold as the old site showed it."""
    match = LEAD_PHRASE.match(text)
    if match and len(match["lead"].split()) <= 6:
        return f"<b>{html.escape(match['lead'])}</b> {html.escape(match['rest'])}"
    return html.escape(text)


def parse_txt(text: str) -> ParsedArticle:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    content = [line for line in lines if line and not FURNITURE_LINE.match(line)]
    if not content:
        raise ArticleImportError("the file is empty.")
    title, rest = content[0], content[1:]
    date = None
    elements: list[Element] = []
    for index, line in enumerate(rest):
        if FURNITURE_START.match(line):
            break
        if FURNITURE_LINE.match(line):
            continue
        date_match = DATE_LINE.match(line)
        if date_match and date is None and not elements:
            date = _parse_date(date_match["date"])
            continue
        numbered = NUMBERED.match(line)
        list_item = BULLET.match(line) or numbered
        following = rest[index + 1] if index + 1 < len(rest) else ""
        if numbered and _is_heading_line(numbered["text"]) and following and not NUMBERED.match(following):
            elements.append(Element(kind="heading", text=f"{numbered['number']}. {numbered['text']}", level=3))
        elif list_item:
            item, ordered = _inline(list_item["text"]), bool(numbered)
            if elements and elements[-1].kind == "list" and elements[-1].ordered == ordered:
                elements[-1].items.append(item)
            else:
                elements.append(Element(kind="list", items=[item], ordered=ordered))
        elif _is_heading_line(line) and following or REFLECTION.match(line):
            elements.append(Element(kind="heading", text=line, level=2))
        else:
            elements.append(Element(kind="paragraph", text=html.escape(line)))
    return _build(title=title, elements=elements, date=date, images=[])


def _parse_date(value: str) -> datetime.date | None:
    try:
        return date_parser.parse(value).date()
    except (ValueError, OverflowError):
        return None


# HTML exported from WordPress or Squarespace, and Markdown rendered to HTML

DROP_TAGS = ["script", "style", "nav", "form", "header", "footer", "aside", "noscript", "iframe", "svg", "button"]


def _inline_html(node: Tag) -> str:
    """The node's inline content, sanitised: bold, italic, links (http, https, mailto, tel) only."""
    raw = node.decode_contents()
    raw = re.sub(r"<(/?)strong\b", r"<\1b", raw)
    raw = re.sub(r"<(/?)em\b", r"<\1i", raw)
    cleaned = nh3.clean(
        raw,
        tags=ALLOWED_INLINE,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )
    return re.sub(r"\s+", " ", cleaned).strip()


def _text(node: Tag) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def _walk(node: Tag, elements: list[Element]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            text = str(child).strip()
            if text and not isinstance(child, Comment):
                elements.append(Element(kind="paragraph", text=html.escape(text)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in {"h2", "h3", "h4", "h5", "h6"}:
            text = _text(child)
            if text:
                elements.append(Element(kind="heading", text=text, level=2 if name == "h2" else 3))
        elif name == "p":
            inline = _inline_html(child)
            if inline:
                elements.append(Element(kind="paragraph", text=inline))
        elif name in {"ul", "ol"}:
            items = [_inline_html(li) for li in child.find_all("li", recursive=False)]
            items = [item for item in items if item]
            if items:
                elements.append(Element(kind="list", items=items, ordered=name == "ol"))
        elif name == "blockquote":
            text = _text(child)
            if text:
                elements.append(Element(kind="quote", text=text))
        elif name in {"h1", "time", "img", "figure", "picture", "video", "audio", "hr"}:
            continue
        else:
            _walk(child, elements)


def _image_addresses(node: Tag) -> list[str]:
    addresses = [img.get("src") or img.get("alt") or "" for img in node.find_all("img")]
    # Printed to a terminal: no control characters (escape sequences) from the file, and not too long.
    return [re.sub(r"[\x00-\x1f\x7f]", "", address)[:200] or "(an image without an address)" for address in addresses]


def _elements_from_html(markup: str) -> tuple[str, datetime.date | None, list[Element], list[str]]:
    soup = BeautifulSoup(markup, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    title_tag = soup.find("title")
    page_title = _text(title_tag) if title_tag else ""
    time_tag = soup.find("time", attrs={"datetime": True})
    date = _parse_date(time_tag["datetime"]) if time_tag else None
    root = soup.find("article") or soup.find("main") or soup.body or soup
    h1 = root.find("h1") or soup.find("h1")
    title = _text(h1) if h1 else page_title
    for tag in root.find_all(DROP_TAGS):
        tag.decompose()
    content = root.find(class_=re.compile(r"(entry|post|article|blog-item)-content|sqs-block-content")) or root
    elements: list[Element] = []
    _walk(content, elements)
    return title, date, elements, _image_addresses(content)


def parse_html(text: str) -> ParsedArticle:
    title, date, elements, images = _elements_from_html(text)
    if not title:
        raise ArticleImportError("no title found (no <h1> or <title>).")
    return _build(title=title, elements=elements, date=date, images=images)


def parse_markdown(text: str) -> ParsedArticle:
    post = frontmatter.loads(text)
    rendered = markdown.markdown(post.content, output_format="html")
    heading_title, _, elements, images = _elements_from_html(f"<article>{rendered}</article>")
    title = str(post.get("title") or heading_title).strip()
    if not title:
        raise ArticleImportError("no title found (no front matter title and no # heading).")
    date = post.get("date")
    if isinstance(date, datetime.datetime):
        date = date.date()
    elif isinstance(date, str):
        date = _parse_date(date)
    elif not isinstance(date, datetime.date):
        date = None
    tags = post.get("tags") or []
    if isinstance(tags, str):
        tags = [tag.strip() for tag in tags.split(",")]
    article = _build(title=title, elements=elements, date=date, images=images)
    article.tags = [str(tag) for tag in tags if str(tag).strip()]
    return article


# From elements to blocks


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


def _summary(elements: list[Element]) -> str:
    for element in elements:
        if element.kind == "paragraph":
            text = _plain(element.text)
            if text:
                return trim_to_sentence(text, limit=SUMMARY_MAX)
    return ""


def trim_to_sentence(text: str, *, limit: int) -> str:
    """The text cut at the last sentence end within the limit (or the last word, with an ellipsis)."""
    if len(text) <= limit:
        return text
    window = text[:limit]
    ends = [match.end() for match in re.finditer(r"[.!?](?=\s)", window + " ")]
    if ends and ends[-1] > limit // 3:
        return window[: ends[-1]].strip()
    return window[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _cta(markup: str) -> dict:
    text = _plain(markup)
    heading, _, rest = text.partition(":")
    if not rest or len(heading) > 120:
        heading, rest = "Take the next step", text
    rest = rest.strip()
    # The button and "or call" already say "Schedule with … or call …".
    if re.match(r"^schedule with\b", rest, re.IGNORECASE) and len(rest) < 90:
        rest = ""
    return {"heading": heading.strip()[:120], "text": rest[:400], "page": None, "button_label": "", "show_phone": True}


def _build(*, title: str, elements: list[Element], date: datetime.date | None, images: list[str]) -> ParsedArticle:
    title = title.strip()[:255]
    body: list[dict] = []
    rich: list[str] = []

    def flush() -> None:
        if rich:
            body.append({"type": "paragraph", "value": "".join(rich)})
            rich.clear()

    def add(block_type: str, value: dict) -> None:
        flush()
        body.append({"type": block_type, "value": value})

    # Drop the title if the reader repeated it as the first heading, and trailing furniture.
    elements = [e for e in elements if not (e.kind == "heading" and e.text == title)]
    cut = next(
        (i for i, e in enumerate(elements) if e.kind != "list" and FURNITURE_START.match(html.unescape(e.text))), None
    )
    if cut is not None:
        elements = elements[:cut]
    summary = _summary(elements)

    index = 0
    while index < len(elements):
        element = elements[index]
        if element.kind == "heading" and REFLECTION.match(element.text):
            prompts: list[str] = []
            index += 1
            while index < len(elements) and elements[index].kind in {"list", "paragraph"}:
                following = elements[index]
                texts = following.items if following.kind == "list" else [following.text]
                plain = [_plain(t) for t in texts]
                if following.kind == "paragraph" and not plain[0].endswith("?"):
                    break
                prompts.extend(p[:300] for p in plain if p)
                index += 1
            flush()
            if prompts:
                add("reflection_prompts", {"title": element.text[:80], "intro": "", "prompts": prompts})
            continue
        if element.kind == "heading" and CTA_START.match(element.text):
            # "Take the next step" as a heading, with its paragraph below.
            following = elements[index + 1] if index + 1 < len(elements) else None
            text = element.text
            if following is not None and following.kind == "paragraph":
                index += 1
                if paragraph := _plain(following.text):
                    text = f"{text}: {paragraph}"
            add("call_to_action", _cta(text))
            index += 1
            continue
        if element.kind == "paragraph" and CTA_START.match(_plain(element.text)):
            add("call_to_action", _cta(element.text))
        elif element.kind == "heading":
            add("heading", {"text": element.text[:120], "level": f"h{element.level}"})
        elif element.kind == "quote":
            add("quote", {"quote": element.text[:600], "attribution": ""})
        elif element.kind == "list":
            tag = "ol" if element.ordered else "ul"
            rich.append(f"<{tag}>" + "".join(f"<li>{item}</li>" for item in element.items) + f"</{tag}>")
        else:
            rich.append(f"<p>{element.text}</p>")
        index += 1
    flush()
    return ParsedArticle(title=title, summary=summary, body=body, date=date, images_left_out=images)


def outline(article: ParsedArticle) -> list[str]:
    """One line per block, for --dry-run."""
    lines = []
    for block in article.body:
        value = block["value"]
        if block["type"] == "heading":
            lines.append(f"{value['level']}: {value['text']}")
        elif block["type"] == "paragraph":
            plain = html.unescape(re.sub(r"<[^>]+>", " ", value))
            plain = re.sub(r"\s+", " ", plain).strip()
            lists = value.count("<li>")
            lines.append(
                f"rich text: {plain[:60]}{'…' if len(plain) > 60 else ''}"
                + (f" ({lists} list items)" if lists else "")
            )
        elif block["type"] == "reflection_prompts":
            lines.append(f"reflection prompts: {value['title']} ({len(value['prompts'])} prompts)")
        elif block["type"] == "call_to_action":
            lines.append(f"call to action: {value['heading']}")
        elif block["type"] == "quote":
            lines.append(f"pull quote: {value['quote'][:60]}")
    return lines
