"""StreamField blocks of an article: what the clinician writes, not how the page is laid out."""

import copy

from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

from blog import reading
from practice.blocks import RICH_TEXT_FEATURES, CallToActionBlock, HeadingBlock, QuoteBlock


class PrefetchingImageChooserBlock(ImageChooserBlock):
    """Loads every image of a body, and their renditions, in two queries however many images there are."""

    def bulk_to_python(self, values):
        values = list(values)
        objects = self.model_class.objects.prefetch_renditions().in_bulk([v for v in values if v is not None])
        seen, result = set(), []
        for pk in values:
            obj = objects.get(pk)
            if obj is not None and pk in seen:
                obj = copy.copy(obj)
            result.append(obj)
            seen.add(pk)
        return result


class ArticleImageChooserBlock(ImageBlock):
    """Wagtail's ImageBlock (image, alt text or "decorative"), with renditions fetched in bulk."""

    def __init__(self, required=True, **kwargs):
        super().__init__(required=required, **kwargs)
        image = PrefetchingImageChooserBlock(required=required)
        image.set_name("image")
        self.child_blocks["image"] = image


class ArticleImageBlock(blocks.StructBlock):
    image = ArticleImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Image"
        template = "blocks/article_image_block.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, default="Note")
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = "Callout (note)"
        template = "blocks/article_callout_block.html"


class ReflectionPromptsBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80, default="Reflection prompts")
    intro = blocks.TextBlock(required=False, max_length=400)
    prompts = blocks.ListBlock(blocks.CharBlock(max_length=300, label="Prompt"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Reflection prompts"
        template = "blocks/article_reflection_prompts_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        block_id = (parent_context or {}).get("id")
        context["anchor"] = reading.reflection_anchor(
            block_id=block_id if isinstance(block_id, str) else None, title=value["title"]
        )
        return context


class VideoLinkBlock(blocks.StructBlock):
    """A video elsewhere, shown as a local thumbnail and a plain link: the site embeds nothing from other hosts."""

    title = blocks.CharBlock(max_length=160)
    url = blocks.URLBlock(label="Video address")
    thumbnail = PrefetchingImageChooserBlock(
        required=False, help_text="A still from the video, uploaded here. It is decorative: the link names the video."
    )
    host = blocks.CharBlock(
        required=False, max_length=40, help_text="Where the video plays, e.g. “YouTube”. Shown in the link."
    )

    class Meta:
        icon = "media"
        label = "Video link"
        template = "blocks/article_video_link_block.html"


class ArticleStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, template="blocks/paragraph_block.html", label="Rich text"
    )
    quote = QuoteBlock(label="Pull quote")
    image = ArticleImageBlock()
    callout = CalloutBlock()
    reflection_prompts = ReflectionPromptsBlock()
    call_to_action = CallToActionBlock()
    video = VideoLinkBlock()
