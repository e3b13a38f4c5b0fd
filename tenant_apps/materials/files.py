"""Uploaded lesson materials: what a file really is (by its first bytes), the limits, PDF pages to images.

The browser's claimed content type and the file's name are not trusted: the type comes from the file's
own signature, and it must match the kind the teacher chose. Every refusal is a translated sentence
that says what to do instead.
"""

import io
import uuid
import zipfile
from dataclasses import dataclass, field

import pypdfium2
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, UnidentifiedImageError

from tenant_apps.materials.models import LibrarySettings, Material
from tenant_apps.materials.storage import private_storage

Kind = Material.Kind
MB = 1024 * 1024
# The defaults; a school sets its own in LibrarySettings.
MAX_BYTES = {Kind.IMAGE: 15 * MB, Kind.PDF: 30 * MB, Kind.AUDIO: 50 * MB, Kind.VIDEO: 300 * MB,
             Kind.DOCUMENT: 20 * MB}
PDF_MAX_PAGES = 40
IMAGE_MAX_PIXELS = 40_000_000  # a decompression bomb stops here, long before memory does
# Rendered pages: wide enough for a full-screen board, small enough to load in a moment.
PAGE_WIDTH_PX = 1600
PAGE_JPEG_QUALITY = 88
# What each kind accepts, in the words a teacher knows.
ACCEPTED = {
    Kind.IMAGE: "PNG, JPEG, GIF, WebP",
    Kind.PDF: "PDF",
    Kind.AUDIO: "MP3, M4A, OGG, WAV, WebM, FLAC",
    Kind.VIDEO: "MP4, WebM, OGG",
    Kind.DOCUMENT: "DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, RTF",
}
# The <input accept> hint; the server checks the bytes anyway.
ACCEPT_ATTR = {
    Kind.IMAGE: "image/png,image/jpeg,image/gif,image/webp",
    Kind.PDF: "application/pdf,.pdf",
    Kind.AUDIO: "audio/*,.mp3,.m4a,.ogg,.oga,.wav,.webm,.flac",
    Kind.VIDEO: "video/mp4,video/webm,video/ogg,.mp4,.m4v,.webm,.ogv",
    Kind.DOCUMENT: ".docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt,.rtf",
}
# The kinds a lesson plan item may upload (a plan shows them on the stage); the library adds documents.
FILE_KINDS = (Kind.IMAGE, Kind.PDF, Kind.AUDIO, Kind.VIDEO)
LIBRARY_FILE_KINDS = (*FILE_KINDS, Kind.DOCUMENT)
# Office documents are ZIP files; which one is told by the parts inside, not by the name.
OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
         "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
         "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")}
ODF = {"application/vnd.oasis.opendocument.text": "odt",
       "application/vnd.oasis.opendocument.spreadsheet": "ods",
       "application/vnd.oasis.opendocument.presentation": "odp"}
OLE_EXTENSIONS = {"doc": "application/msword", "xls": "application/vnd.ms-excel",
                  "ppt": "application/vnd.ms-powerpoint"}


@dataclass
class Sniffed:
    kind: str
    content_type: str
    extension: str
    width: int = 0
    height: int = 0
    pages: list = field(default_factory=list)


def sniff(head: bytes) -> tuple[str, str, str] | None:
    """(family, content type, extension) from a file's first bytes, or None for anything else.

    The family is image/pdf/audio/video; an ISO-BMFF (MP4) or WebM/Ogg file may be either audio or video,
    which the caller settles by the kind the teacher chose.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg", "jpg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "image/gif", "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp", "webp"
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf", "pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio", "audio/wav", "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06):
        return "audio", "audio/mpeg", "mp3"
    if head.startswith(b"fLaC"):
        return "audio", "audio/flac", "flac"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio", "audio/mp4", "m4a"
        return "media", "video/mp4", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "media", "video/webm", "webm"
    if head.startswith(b"OggS"):
        return "media", "video/ogg", "ogg"
    if head.startswith(b"PK\x03\x04"):
        return "zip", "application/zip", "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole", "application/octet-stream", "doc"
    if head.startswith(b"{\\rtf"):
        return "document", "application/rtf", "rtf"
    return None


def _office_document(uploaded) -> tuple[str, str] | None:
    """(content type, extension) of an OOXML or OpenDocument file, from the names of its parts."""
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in ODF:
                    return mimetype, ODF[mimetype]
            if "[Content_Types].xml" in names:
                for prefix, found in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return found
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        uploaded.seek(0)
    return None


def _document(uploaded, family: str) -> tuple[str, str] | None:
    if family == "zip":
        return _office_document(uploaded)
    if family == "ole":  # the old binary formats share one signature: the name's extension tells which
        extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in (uploaded.name or "") else "doc"
        extension = extension if extension in OLE_EXTENSIONS else "doc"
        return OLE_EXTENSIONS[extension], extension
    return None


def _type_error(kind: str) -> ValidationError:
    return ValidationError(
        _("This file’s type does not fit the kind “%(kind)s”. Upload one of: %(accepted)s.")
        % {"kind": Kind(kind).label, "accepted": ACCEPTED[kind]},
        code="file_type",
    )


def limit_bytes(kind: str) -> int:
    """The school's size limit for a kind of file (LibrarySettings), else the default."""
    school = LibrarySettings.objects.order_by("pk").first()
    return school.limit_bytes(kind) if school is not None else MAX_BYTES[kind]


def inspect_upload(uploaded, kind: str, *, limit: int | None = None) -> Sniffed:
    """Check an uploaded file against the chosen kind; raises ValidationError with a clear message."""
    if kind not in LIBRARY_FILE_KINDS:
        raise ValidationError(_("Items of the kind “%(kind)s” have no file.") % {"kind": Kind(kind).label},
                              code="no_file")
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = limit if limit is not None else limit_bytes(kind)
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s; for the kind “%(kind)s” the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "kind": Kind(kind).label,
               "limit": filesizeformat(limit)},
            code="too_large",
        )
    uploaded.seek(0)
    found = sniff(uploaded.read(64))
    uploaded.seek(0)
    if found is None:
        raise _type_error(kind)
    family, content_type, extension = found
    if kind == Kind.DOCUMENT and family in ("zip", "ole"):
        document = _document(uploaded, family)
        if document is None:
            raise _type_error(kind)
        family, (content_type, extension) = "document", document
    if family == "media" and kind in (Kind.AUDIO, Kind.VIDEO):
        family = kind
        if kind == Kind.AUDIO:
            content_type = content_type.replace("video/", "audio/")
    if family != kind:
        raise _type_error(kind)
    sniffed = Sniffed(kind=kind, content_type=content_type, extension=extension)
    if kind == Kind.IMAGE:
        sniffed.width, sniffed.height = _image_size(uploaded, kind)
    elif kind == Kind.PDF:
        _check_pdf(uploaded)
    return sniffed


def _image_size(uploaded, kind) -> tuple[int, int]:
    try:
        with Image.open(uploaded) as image:
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(width)s × %(height)s pixels; please make it smaller than 40 megapixels.")
                    % {"width": width, "height": height},
                    code="too_large",
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise _type_error(kind) from error
    finally:
        uploaded.seek(0)
    return width, height


def _open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise ValidationError(
            _("This PDF could not be read (it may be damaged or password-protected). Save it again and retry."),
            code="pdf_unreadable",
        ) from error


def _check_pdf(uploaded) -> None:
    data = uploaded.read()
    uploaded.seek(0)
    document = _open_pdf(data)
    try:
        count = len(document)
    finally:
        document.close()
    if count == 0:
        raise ValidationError(_("This PDF has no pages."), code="pdf_empty")
    if count > PDF_MAX_PAGES:
        raise ValidationError(
            ngettext(
                "This PDF has %(count)s pages; at most %(limit)s page fits one item. Split it into parts.",
                "This PDF has %(count)s pages; at most %(limit)s pages fit one item. Split it into parts.",
                PDF_MAX_PAGES,
            ) % {"count": count, "limit": PDF_MAX_PAGES},
            code="pdf_too_many_pages",
        )


def upload_name(*, plan_id: int, extension: str) -> str:
    """Where an upload goes inside the school's private storage: its plan and a name nobody can guess."""
    return f"materials/plans/{plan_id}/{uuid.uuid4().hex}.{extension}"


def library_upload_name(*, owner_id: int, extension: str) -> str:
    """A library file's place in the school's private storage: its author's folder, a name nobody can guess."""
    return f"materials/library/{owner_id}/{uuid.uuid4().hex}.{extension}"


def render_pdf_pages(*, file_name: str) -> list[dict]:
    """Render every page of a stored PDF to a JPEG beside it; returns the pages' names and sizes."""
    storage = private_storage()
    with storage.open(file_name, "rb") as handle:
        document = _open_pdf(handle.read())
    base = file_name.rsplit(".", 1)[0]
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            width_pt = page.get_width() or 1
            image = page.render(scale=PAGE_WIDTH_PX / width_pt).to_pil()
            page.close()
            buffer = io.BytesIO()
            # JPEG: five times faster to write than PNG at this size (about 40 ms a page), and smaller.
            image.convert("RGB").save(buffer, format="JPEG", quality=PAGE_JPEG_QUALITY)
            name = storage.save(f"{base}-page-{index + 1}.jpg", ContentFile(buffer.getvalue()))
            pages.append({"name": name, "width": image.width, "height": image.height})
    finally:
        document.close()
    return pages
