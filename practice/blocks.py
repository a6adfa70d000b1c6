"""StreamField blocks shared by the practice's pages: content, not layout."""

from django.utils.text import slugify
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


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
        context = super().get_context(value, parent_context)
        # A stable anchor: the same heading text always gives the same id.
        context["anchor"] = slugify(value["text"])
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
