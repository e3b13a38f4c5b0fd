"""The board's Yjs document, and what each side may change in it.

Shared with static/src/js/board/doc.js (keep the two in step). Four root types:

    pages      Array of page ids, in order                       the leader only
    control    Map: lock (bool), follow (bool), page (the leader's page id),
               viewport ({scrollX, scrollY, zoom})                the leader only
    elements   Map: element id -> Excalidraw element (plain JSON);
               its page is element["customData"]["page"]          both; see below
    files      Map: file id -> {url, mimeType}: an uploaded image (a same-site URL),
               never the bytes                                    both add; the leader removes

A student (the seat that does not lead) may not touch pages or control (so cannot change pages,
lock, or "follow me"), may not remove element entries (that is how the leader clears a page), may not
erase more than STUDENT_ERASE_LIMIT elements in one update (a clear by another name), and changes no
element while the leader has locked drawing.

`Inspector` watches a document's roots; `check()` then tells whether the update just applied was
allowed. The consumer applies, checks, and on a refusal reloads the document from the database (the
source of truth: nothing refused was persisted), so a refused update never stays in the document.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from pycrdt import Array, Doc, Map

ROOTS = {"pages": Array, "control": Map, "elements": Map, "files": Map}
ELEMENT_TYPES = {"rectangle", "diamond", "ellipse", "arrow", "line", "freedraw", "text", "image", "frame"}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
CONTROL_KEYS = {"lock", "follow", "page", "viewport"}
STUDENT_ERASE_LIMIT = 50
MAX_ID = 64
MAX_URL = 500

# Close codes sent with a refusal (4000-4999 are the application's own).
CLOSE_MALFORMED = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_LARGE = 4413
CLOSE_TOO_FAST = 4429


class Refused(Exception):
    def __init__(self, code: int, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


def roots(doc: Doc) -> dict:
    return {name: doc.get(name, type=kind) for name, kind in ROOTS.items()}


def counts(doc: Doc) -> tuple[int, int]:
    """(pages, live elements) of a document."""
    parts = roots(doc)
    live = sum(1 for value in parts["elements"].values() if isinstance(value, dict) and not value.get("isDeleted"))
    return len(parts["pages"]), live


@dataclass
class _Seen:
    touched: set = field(default_factory=set)
    element_changes: list = field(default_factory=list)  # (key, action, old, new)
    file_changes: list = field(default_factory=list)


def _same_site_path(url) -> bool:
    return (
        isinstance(url, str) and 0 < len(url) <= MAX_URL and url.startswith("/") and not url.startswith("//")
        and "\\" not in url and not any(ch.isspace() for ch in url)
    )


class Inspector:
    """Records what each transaction on `doc` changes, root by root."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.seen = _Seen()
        self._roots = roots(doc)
        for name, root in self._roots.items():
            root.observe_deep(self._recorder(name))

    def _recorder(self, name: str):
        def record(events):
            self.seen.touched.add(name)
            for event in events:
                if name == "elements" and not event.path:
                    for key, change in event.keys.items():
                        self.seen.element_changes.append(
                            (key, change["action"], change.get("oldValue"), change.get("newValue"))
                        )
                elif name == "files" and not event.path:
                    for key, change in event.keys.items():
                        self.seen.file_changes.append((key, change["action"], change.get("newValue")))
                elif name in ("elements", "files"):
                    # A change inside a nested shared type: values must be plain JSON.
                    self.seen.element_changes.append(("", "nested", None, None))

        return record

    def apply(self, update: bytes, *, is_leader: bool) -> None:
        """Apply `update` and raise `Refused` if it broke a rule (the document then holds it: reload)."""
        self.seen = _Seen()
        try:
            self.doc.apply_update(update)
        except ValueError as error:
            raise Refused(CLOSE_MALFORMED, _("The board could not read that change.")) from error
        self.check(is_leader=is_leader)

    def check(self, *, is_leader: bool) -> None:
        seen = self.seen
        unknown = set(self.doc.keys()) - set(ROOTS)
        if unknown:
            raise Refused(CLOSE_MALFORMED, _("The board could not read that change."))
        if not is_leader and seen.touched & {"pages", "control"}:
            raise Refused(CLOSE_FORBIDDEN, _("Only the teacher can change pages, lock the board or lead the view."))
        if "control" in seen.touched:
            self._check_control()
        if "pages" in seen.touched:
            pages = self._roots["pages"].to_py() or []
            if not all(isinstance(page, str) and 0 < len(page) <= MAX_ID for page in pages):
                raise Refused(CLOSE_MALFORMED, _("The board could not read that change."))
        locked = bool(self._roots["control"].get("lock", False))
        erased = 0
        for key, action, old, new in seen.element_changes:
            if action == "nested":
                raise Refused(CLOSE_MALFORMED, _("The board could not read that change."))
            if not is_leader:
                if locked:
                    raise Refused(CLOSE_FORBIDDEN, _("The teacher has locked drawing."))
                if action == "delete":
                    raise Refused(CLOSE_FORBIDDEN, _("Only the teacher can clear a page."))
            if action == "delete":
                continue
            _check_element(key, new)
            if new.get("isDeleted") and not (isinstance(old, dict) and old.get("isDeleted")):
                erased += 1
        if not is_leader and erased > STUDENT_ERASE_LIMIT:
            raise Refused(CLOSE_FORBIDDEN, _("Only the teacher can clear a page."))
        for _key, action, new in seen.file_changes:
            if action == "delete":
                if not is_leader:
                    raise Refused(CLOSE_FORBIDDEN, _("Only the teacher can clear a page."))
                continue
            if not (isinstance(new, dict) and _same_site_path(new.get("url")) and new.get("mimeType") in IMAGE_TYPES):
                raise Refused(CLOSE_MALFORMED, _("Images on the board must be uploaded files."))

    def _check_control(self) -> None:
        control = self._roots["control"].to_py() or {}
        for key, value in control.items():
            ok = key in CONTROL_KEYS and (
                (key in ("lock", "follow") and isinstance(value, bool))
                or (key == "page" and isinstance(value, str) and len(value) <= MAX_ID)
                or (key == "viewport" and isinstance(value, dict))
            )
            if not ok:
                raise Refused(CLOSE_MALFORMED, _("The board could not read that change."))


def _check_element(key, value) -> None:
    if not (
        isinstance(value, dict)
        and isinstance(key, str) and 0 < len(key) <= MAX_ID
        and value.get("id") == key
        and value.get("type") in ELEMENT_TYPES
    ):
        raise Refused(CLOSE_MALFORMED, _("The board could not read that change."))
    custom = value.get("customData")
    if not (isinstance(custom, dict) and isinstance(custom.get("page"), str) and len(custom["page"]) <= MAX_ID):
        raise Refused(CLOSE_MALFORMED, _("The board could not read that change."))
    if value["type"] in ("image",) and not isinstance(value.get("fileId"), str):
        raise Refused(CLOSE_MALFORMED, _("The board could not read that change."))
