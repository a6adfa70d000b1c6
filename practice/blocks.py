"""StreamField blocks shared by the practice's pages: content, not layout."""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, count

from django.utils.text import slugify
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]

# Ids base.html (and the footer form it includes) puts on every page. A heading taking one would
# break the skip link or a footer label, so heading anchors step around them.
PAGE_IDS = frozenset(
    {
        "main",
        "crisis-heading",
        "footer-contact",
        "footer-visit",
        "footer-more",
        "newsletter-signup-heading",
        "footer-newsletter-email",
        "footer-newsletter-first-name",
        "footer-newsletter-website",
        "footer-newsletter-consent",
    }
)
# A standard page's body may also hold the Good Faith Estimate notice, whose id is fixed. Reserved
# whether or not the block is there, so adding the notice never renames a heading's anchor.
STANDARD_PAGE_IDS = PAGE_IDS | {"good-faith-estimate"}
# The anchor of a heading whose text gives no slug ("???", only emoji).
FALLBACK_ANCHOR = "section"


def _anchor_slug(text: str) -> str:
    # Never starting with a digit ("section-5-ways-to-rest"): such ids need escaping in CSS selectors.
    slug = slugify(text)
    return f"{FALLBACK_ANCHOR}-{slug}" if slug[:1].isdigit() else slug


def unique_anchors(texts: Iterable[str], *, reserved: Iterable[str] = ()) -> list[str]:
    """The ids of a page's headings, in order: the text's slug, `-2`, `-3`… for repeats, "section" for no slug.
    A suffixed or fallback id never takes another heading's own slug, so adding a repeat breaks no link."""
    slugs = [_anchor_slug(text) for text in texts]
    own_slugs = {slug for slug in slugs if slug}
    taken = set(reserved)
    anchors = []
    for slug in slugs:
        if slug and slug not in taken:
            anchor = slug
        else:
            base = slug or FALLBACK_ANCHOR
            candidates = chain([] if slug else [base], (f"{base}-{n}" for n in count(2)))
            anchor = next(c for c in candidates if c not in taken and c not in own_slugs)
        taken.add(anchor)
        anchors.append(anchor)
    return anchors


@dataclass(frozen=True)
class BodyHeading:
    block_id: str | None
    text: str
    level: str
    anchor: str


def body_headings(*, body, reserved: Iterable[str] = PAGE_IDS) -> list[BodyHeading]:
    """Every heading (h2 and h3) of a body, in order, with unique anchors. Reads raw data: nothing is fetched."""
    heading_types = {name for name, block in body.stream_block.child_blocks.items() if isinstance(block, HeadingBlock)}
    raw_headings = [item for item in body.raw_data if item["type"] in heading_types]
    texts = [item["value"].get("text") or "" for item in raw_headings]
    return [
        BodyHeading(
            block_id=item.get("id"),
            text=text,
            level=item["value"].get("level") or "h2",
            anchor=anchor,
        )
        for item, text, anchor in zip(raw_headings, texts, unique_anchors(texts, reserved=reserved), strict=True)
    ]


def anchors_by_block_id(headings: Iterable[BodyHeading]) -> dict[str, str]:
    return {heading.block_id: heading.anchor for heading in headings if heading.block_id}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading (h2)"), ("h3", "Sub-heading (h3)")],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        form_classname = "struct-block heading-block"

    def get_context(self, value, parent_context=None):
        """The heading's id is the one the page computed (`heading_anchors`, by the block `id` `{% include_block %}`
        passes), so it matches the contents list; rendered on its own, its slug."""
        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        page_anchors = getattr(parent_context.get("page"), "heading_anchors", None) or {}
        block_id = parent_context.get("id")
        known = isinstance(block_id, str) and block_id in page_anchors
        context["anchor"] = page_anchors[block_id] if known else unique_anchors([value["text"]])[0]
        return context


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    page = blocks.PageChooserBlock(
        required=False,
        help_text="Where the button leads, usually the scheduling page. Leave empty for no button.",
    )
    button_label = blocks.CharBlock(
        required=False,
        max_length=60,
        help_text="Defaults to the booking button label in Practice details.",
    )
    show_phone = blocks.BooleanBlock(
        required=False,
        default=True,
        label="Offer “or call” with the practice phone",
    )

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action_block.html"


class FAQBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = "FAQ (question and answer)"
        template = "blocks/faq_block.html"


class StandardStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="blocks/paragraph_block.html")
    image = ImageBlock(template="blocks/image_block.html")
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    faq = FAQBlock()
    good_faith_estimate = blocks.StaticBlock(
        admin_text="Shows the Good Faith Estimate notice from Practice details.",
        icon="doc-full",
        label="Good Faith Estimate notice",
        template="blocks/good_faith_estimate_block.html",
    )
