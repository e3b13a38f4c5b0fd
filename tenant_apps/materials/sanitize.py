"""Text items are shown as HTML on both sides of the stage, so they are cleaned once on the way in."""

import re

import nh3
from django.utils.html import escape, linebreaks

ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "mark", "small", "sub", "sup", "code", "pre",
    "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "span", "table", "thead", "tbody", "tr", "th", "td",
}
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}


def clean_text(raw: str) -> str:
    """Safe HTML from what a teacher typed: plain text keeps its paragraphs, HTML keeps harmless tags only."""
    raw = raw.strip()
    if not TAG.search(raw):
        raw = linebreaks(escape(raw))
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
