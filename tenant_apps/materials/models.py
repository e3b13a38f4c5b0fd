"""The school's library (courses → numbered lessons → materials, topics) and lesson plans drawn from it.

Library: a `Course` (language, level range, description, cover) has numbered `CourseLesson`s, each with its
`Material`s in order. A material is one of the kinds below; it is either on its owner's shelf (private) or
shared with the school's library (`shared`). `Topic`s tag courses, lessons and materials.

Extension point for other apps: a kind whose content lives elsewhere (today: `worksheet`, owned by the
worksheets app through a OneToOne to `Material`) registers its preview and stage payload with
`materials.hooks.register_kind`; the library treats the material like any other (search, topics, plans).

Lesson plans: a lesson's ordered items (text, image, PDF, audio, video, link), reusable as templates.

A plan either belongs to one lesson (`lesson` set) or is a template (`lesson` empty, with a title such as
"English for beginners, lesson 10"). Applying a template to a lesson copies it; the copies' files are the
template's files (stored once, referenced twice). `Stage` is what a lesson's room shows right now.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Deferrable, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tenant_apps.materials.storage import private_storage


class Topic(models.Model):
    """A tag: a grammar point ("Past Simple") or a theme ("Holidays"); one name per school, any case."""

    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="materials_topic_name_once")]

    def __str__(self):
        return self.name


class Course(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses",
                              verbose_name=_("author"))
    # False: on the author's own shelf, seen by nobody else; True: in the school's library.
    shared = models.BooleanField(_("in the school's library"), default=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.ForeignKey("learning.Language", on_delete=models.PROTECT, related_name="courses",
                                 verbose_name=_("language"))
    level_from = models.ForeignKey("learning.Level", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("from level"))
    level_to = models.ForeignKey("learning.Level", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("to level"))
    cover = models.FileField(_("cover"), storage=private_storage, max_length=300, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="courses", verbose_name=_("topics"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class CourseLesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("course"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="course_lessons", verbose_name=_("topics"))

    class Meta:
        verbose_name = _("course lesson")
        verbose_name_plural = _("course lessons")
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="materials_course_lesson_number_once",
                                    deferrable=Deferrable.DEFERRED),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Material(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        LINK = "link", _("link")
        IMAGE = "image", _("image")
        PDF = "pdf", _("PDF")
        AUDIO = "audio", _("audio")
        VIDEO = "video", _("video")
        DOCUMENT = "document", _("document")
        WORKSHEET = "worksheet", _("worksheet")
        WORDS = "words", _("word list")

    FILE_KINDS = ("image", "pdf", "audio", "video", "document")

    class Preview(models.TextChoices):
        NONE = "", _("no preview")
        PENDING = "pending", _("being read")
        READY = "ready", _("ready")
        FAILED = "failed", _("the page did not answer")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="materials",
                              verbose_name=_("author"))
    shared = models.BooleanField(_("in the school's library"), default=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.ForeignKey("learning.Language", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("language"))
    level = models.ForeignKey("learning.Level", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("level"))
    lesson = models.ForeignKey(CourseLesson, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="materials", verbose_name=_("course lesson"))
    position = models.PositiveIntegerField(_("position"), default=0)
    topics = models.ManyToManyField(Topic, blank=True, related_name="materials", verbose_name=_("topics"))
    # Sanitised HTML (materials.sanitize) for a text.
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    # A link's card, read from the page in the background (materials.tasks.link_preview_fetch).
    preview = models.CharField(_("preview"), max_length=8, choices=Preview.choices, default="", blank=True)
    preview_image = models.CharField(_("preview image"), max_length=300, blank=True)
    file = models.FileField(_("file"), storage=private_storage, max_length=300, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("file size"), default=0)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    # A PDF's pages, rendered on upload: [{"name": storage name, "width": px, "height": px}, ...].
    pages = models.JSONField(_("pages"), default=list, blank=True)
    # A word list: [{"word": ..., "translation": ..., "example": ...}, ...].
    words = models.JSONField(_("words"), default=list, blank=True)
    # What search reads: the title, description, topics and plain text (kept by services.material_reindex).
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["lesson_id", "position", "pk"]
        indexes = [
            GinIndex(fields=["search_vector"], name="materials_material_search"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="materials_material_title_trgm"),
            models.Index(fields=["kind", "shared"], name="materials_material_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="link") | ~Q(url=""), name="materials_link_has_url"),
            models.CheckConstraint(
                condition=~Q(kind__in=["image", "pdf", "audio", "video", "document"]) | ~Q(file="") | ~Q(url=""),
                name="materials_file_has_content",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_file(self) -> bool:
        return self.kind in self.FILE_KINDS

    @property
    def is_media(self) -> bool:
        return self.kind in (self.Kind.AUDIO, self.Kind.VIDEO)

    @property
    def page_count(self) -> int:
        return len(self.pages)


class StudentMaterial(models.Model):
    """A material a student has been shown in a lesson or assigned: from then on they may open it again.

    `snapshot` is the stage payload as it was shown, so a lesson that is over keeps what was shown even
    after the library's material changes.
    """

    class How(models.TextChoices):
        SHOWN = "shown", _("shown in a lesson")
        ASSIGNED = "assigned", _("assigned")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("student"))
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="given",
                                 verbose_name=_("material"))
    lesson = models.ForeignKey("scheduling.Lesson", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="materials_given", verbose_name=_("lesson"))
    how = models.CharField(_("how"), max_length=8, choices=How.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name=_("by"))
    snapshot = models.JSONField(_("as shown"), default=dict, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("student's material")
        verbose_name_plural = _("students' materials")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "material", "lesson"], nulls_distinct=False,
                                    name="materials_given_once_per_lesson"),
        ]

    def __str__(self):
        return f"{self.student_id}: {self.material_id}"


class LibrarySettings(models.Model):
    """The school's upload limits per kind of file, in MB (one row per school schema)."""

    image_mb = models.PositiveIntegerField(_("images, MB"), default=15)
    pdf_mb = models.PositiveIntegerField(_("PDF, MB"), default=30)
    audio_mb = models.PositiveIntegerField(_("audio, MB"), default=50)
    video_mb = models.PositiveIntegerField(_("video, MB"), default=300)
    document_mb = models.PositiveIntegerField(_("documents, MB"), default=20)

    class Meta:
        verbose_name = _("library settings")
        verbose_name_plural = _("library settings")

    def __str__(self):
        return str(_("library settings"))

    def limit_bytes(self, kind: str) -> int:
        return getattr(self, f"{kind}_mb") * 1024 * 1024


class LessonPlan(models.Model):
    lesson = models.ForeignKey(
        "scheduling.Lesson", on_delete=models.CASCADE, null=True, blank=True, related_name="plans",
        verbose_name=_("lesson"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_plans", verbose_name=_("teacher"),
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True,
                             help_text=_("What the lesson is about, in a few words."))
    topic_shared = models.BooleanField(_("show the topic to the student"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lesson plan")
        verbose_name_plural = _("lesson plans")
        ordering = ["pk"]

    def __str__(self):
        return self.title

    @property
    def is_template(self) -> bool:
        return self.lesson_id is None


class PlanItem(models.Model):
    """One place in a plan: a library material, by reference (editing the material changes every plan
    that uses it; a lesson that is over keeps what was shown in StudentMaterial.snapshot)."""

    Kind = Material.Kind

    plan = models.ForeignKey(LessonPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    position = models.PositiveIntegerField(_("position"))
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="plan_items",
                                 verbose_name=_("material"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "position"]
        constraints = [
            # Deferred, so moving an item up swaps two positions inside one transaction.
            models.UniqueConstraint(fields=["plan", "position"], name="materials_item_position_once",
                                    deferrable=Deferrable.DEFERRED),
        ]

    def __str__(self):
        return self.material.title

    # The material's face, so a plan's templates read `item.title` (select_related("material") first).
    @property
    def kind(self) -> str:
        return self.material.kind

    @property
    def title(self) -> str:
        return self.material.title

    @property
    def pages(self) -> list:
        return self.material.pages

    def get_kind_display(self) -> str:
        return self.material.get_kind_display()


class Stage(models.Model):
    """What a lesson's stage shows now, so a reloaded page or a late joiner sees the same thing."""

    lesson = models.OneToOneField("scheduling.Lesson", on_delete=models.CASCADE, related_name="stage",
                                  verbose_name=_("lesson"))
    material = models.ForeignKey(Material, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("material"))
    page = models.PositiveIntegerField(_("page"), default=1)
    # Audio and video: playing or paused, at `position` seconds as of `media_at`.
    playing = models.BooleanField(_("playing"), default=False)
    position = models.FloatField(_("position, seconds"), default=0)
    media_at = models.DateTimeField(_("media state changed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self):
        return f"{self.lesson_id}: {self.material_id or '-'}"
