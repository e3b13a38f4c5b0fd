"""The library's background work: reading a link's page for its card (title, description, image).

Runs in the schema of the school that queued it (tenant-schemas-celery). A page that does not answer,
answers with an error or is not HTML leaves the link as it is, marked "the page did not answer". Only
http(s), only public addresses (a teacher's link must not make the server knock on the school's own
network; tests allow loopback through LINK_PREVIEW_ALLOW_PRIVATE), at most PAGE_BYTES of the page and
IMAGE_BYTES of the image, TIMEOUT seconds each.
"""

import io
import ipaddress
import socket
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from celery import shared_task
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from tenant_apps.materials.library import link_preview_set

TIMEOUT = 5
PAGE_BYTES = 512 * 1024
IMAGE_BYTES = 3 * 1024 * 1024
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


class _Refused(Exception):
    pass


class _MetaParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta, self.title, self._in_title = {}, "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").lower()
            if key and attrs.get("content"):
                self.meta.setdefault(key, attrs["content"].strip())
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Refused(url)
    if getattr(settings, "LINK_PREVIEW_ALLOW_PRIVATE", False):
        return
    for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP):
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise _Refused(url)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_address(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects)


def _get(url: str, limit: int) -> tuple[bytes, str]:
    _check_address(url)
    request = urllib.request.Request(url, headers={"User-Agent": "PandaLinkPreview/1.0", "Accept": "*/*"})
    with _opener.open(request, timeout=TIMEOUT) as response:
        return response.read(limit + 1)[:limit], response.headers.get_content_type()


def read_card(url: str) -> dict | None:
    """The page's own title, description and image (bytes), or None when it does not answer with HTML."""
    try:
        body, content_type = _get(url, PAGE_BYTES)
    except (_Refused, OSError, ValueError, urllib.error.URLError):
        return None
    if content_type not in ("text/html", "application/xhtml+xml"):
        return None
    parser = _MetaParser()
    parser.feed(body.decode("utf-8", "replace"))
    meta = parser.meta
    card = {"title": (meta.get("og:title") or parser.title).strip()[:200],
            "description": (meta.get("og:description") or meta.get("description") or "").strip()[:1000],
            "image": None, "image_extension": ""}
    if meta.get("og:image"):
        card["image"], card["image_extension"] = _image(urljoin(url, meta["og:image"]))
    return card


def _image(url: str) -> tuple[bytes | None, str]:
    try:
        data, _type = _get(url, IMAGE_BYTES)
        with Image.open(io.BytesIO(data)) as image:
            extension = IMAGE_FORMATS.get(image.format or "")
            image.verify()
    except (_Refused, OSError, ValueError, urllib.error.URLError, UnidentifiedImageError, Image.DecompressionBombError):
        return None, ""
    return (data, extension) if extension else (None, "")


@shared_task
def link_preview_fetch(*, material_id: int) -> str:
    from tenant_apps.materials.models import Material

    url = Material.objects.filter(pk=material_id).values_list("url", flat=True).first()
    if not url:
        return "gone"
    card = read_card(url)
    if card is None:
        link_preview_set(material_id=material_id, failed=True)
        return "failed"
    link_preview_set(material_id=material_id, title=card["title"], description=card["description"],
                     image=card["image"], image_extension=card["image_extension"])
    return "ready"
