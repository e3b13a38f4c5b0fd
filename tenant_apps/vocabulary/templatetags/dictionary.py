"""Showing an entry: Chinese characters coloured by tone, pinyin as marks, numbers or zhuyin, the home's card."""

from django import template
from django.db import connection
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from tenant_apps.vocabulary.transcription import coloured_characters, pinyin_as

register = template.Library()


@register.simple_tag
def headword(word):
    """The word; for Chinese each character in its tone's colour (class tone-1 … tone-5)."""
    if word.language.code != "zh":
        return word.word
    pairs = coloured_characters(word.word, word.transcription)
    return format_html_join("", '<span class="tone-{}">{}</span>',
                            ((tone, char) for char, tone in pairs))


@register.simple_tag
def transcription(word, style="marks"):
    if word.language.code == "zh":
        return pinyin_as(word.transcription, style)
    return format_html("/{}/", word.transcription) if word.transcription else ""


@register.inclusion_tag("vocabulary/_due_card.html")
def dictionary_due_card(student):
    """The student's home card: "N words to review today". `{% dictionary_due_card request.user %}`."""
    from tenant_apps.vocabulary.selectors import due_count

    zone = student.zone(connection.tenant.time_zone)
    return {"due": due_count(student, now=timezone.now(), zone=zone)}
