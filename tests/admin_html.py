"""Read Wagtail admin pages the way a person reads them: a label, then its value, as text."""

import re

from django.utils.html import strip_tags

PANEL_ROW = re.compile(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', re.DOTALL)
INSPECT_FIELD = re.compile(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", re.DOTALL)


def panel_rows(html: str, panel_id: str) -> dict[str, str]:
    """Each row of a dashboard panel's table as {heading: value}."""
    start = html.index(f'id="{panel_id}-section"')
    section = html[start : html.index("</section>", start)]
    return _pairs(PANEL_ROW.findall(section))


def inspect_fields(html: str) -> dict[str, str]:
    """Each field of an inspect view as {label: value}."""
    return _pairs(INSPECT_FIELD.findall(html))


def _pairs(found: list[tuple[str, str]]) -> dict[str, str]:
    return {_text(label): _text(value) for label, value in found}


def _text(fragment: str) -> str:
    return " ".join(strip_tags(fragment).split())
