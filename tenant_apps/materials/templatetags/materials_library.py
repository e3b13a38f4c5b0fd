"""Small filters for the library's previews."""

from urllib.parse import urlsplit

from django import template

from tenant_apps.materials import hooks

register = template.Library()


@register.filter
def link_host(url: str) -> str:
    return urlsplit(url).hostname or url


@register.filter
def file_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1] if "." in name else "bin"


@register.filter
def preview_template(material) -> str:
    """The template another app registered for this kind (materials.hooks), or ""."""
    handler = hooks.handler_for(material.kind)
    return handler.preview_template if handler else ""
