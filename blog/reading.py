"""What a reader sees before reading: reading time and the table of contents, computed from an article's body."""

import math

from django.utils.html import strip_tags
from django.utils.text import slugify

from practice.blocks import PAGE_IDS, BodyHeading, body_headings

WORDS_PER_MINUTE = 220
TOC_MIN_SECTIONS = 3
# Fixed ids article_page.html adds to base.html's: heading anchors step around them.
ARTICLE_PAGE_IDS = PAGE_IDS | {"toc-heading", "tags-heading", "author-heading", "related-heading"}


def _list_items(raw) -> list[str]:
    # A ListBlock's raw data is either plain values or {"type": "item", "value": …} dicts.
    return [item["value"] if isinstance(item, dict) else item for item in raw or []]


def _block_text(block_type: str, value) -> list[str]:
    if block_type == "heading":
        return [value.get("text", "")]
    if block_type == "paragraph":
        return [strip_tags(value)]
    if block_type == "quote":
        return [value.get("quote", "")]
    if block_type == "image":
        return [value.get("caption", "")]
    if block_type == "callout":
        return [value.get("title", ""), strip_tags(value.get("text", ""))]
    if block_type == "reflection_prompts":
        return [value.get("title", ""), value.get("intro", ""), *_list_items(value.get("prompts"))]
    if block_type == "call_to_action":
        return [value.get("heading", ""), value.get("text", "")]
    if block_type == "video":
        return [value.get("title", "")]
    return []


def body_plain_text(*, body) -> str:
    """The words of a StreamField body, without markup. Reads the raw data, so no images are fetched."""
    parts: list[str] = []
    for block in body.raw_data:
        parts.extend(part for part in _block_text(block["type"], block["value"]) if part)
    return " ".join(parts)


def reading_minutes(*, text: str) -> int:
    """Whole minutes at an unhurried reading pace; never less than one."""
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def reflection_anchor(*, block_id: str | None, title: str) -> str:
    """The id of a reflection prompts block's title (its section is labelled by it)."""
    # The stream block's id keeps apart two blocks with the same title (the default one, often).
    return f"reflection-{block_id}" if block_id else f"reflection-{slugify(title)}"


def article_headings(*, body) -> list[BodyHeading]:
    """Every heading of an article's body with the id it renders with (see practice.blocks.HeadingBlock)."""
    reflection_ids = {
        reflection_anchor(block_id=block.get("id"), title=block["value"].get("title") or "")
        for block in body.raw_data
        if block["type"] == "reflection_prompts"
    }
    return body_headings(body=body, reserved=ARTICLE_PAGE_IDS | reflection_ids)


def table_of_contents(*, headings: list[BodyHeading]) -> list[BodyHeading]:
    """The h2 sections (text and anchor), when there are enough of them to be worth a contents list."""
    entries = [heading for heading in headings if heading.level == "h2"]
    return entries if len(entries) >= TOC_MIN_SECTIONS else []
