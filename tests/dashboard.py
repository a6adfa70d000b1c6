"""Read a Wagtail dashboard panel's rows the way a person reads them: heading, then value."""

import re

from django.utils.html import strip_tags

ROW = re.compile(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', re.DOTALL)


def panel_rows(html: str, panel_id: str) -> dict[str, str]:
    """Each row of the panel's table as {heading: value}, text only, whitespace collapsed."""
    start = html.index(f'id="{panel_id}-section"')
    section = html[start : html.index("</section>", start)]
    return {_text(heading): _text(value) for heading, value in ROW.findall(section)}


def _text(fragment: str) -> str:
    return " ".join(strip_tags(fragment).split())
