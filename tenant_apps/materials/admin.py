from django.contrib import admin
from django.db import models
from django.forms import ClearableFileInput
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.materials.models import (
    Course,
    CourseLesson,
    LessonPlan,
    LibrarySettings,
    Material,
    PlanItem,
    Stage,
    StudentMaterial,
    Topic,
)


class PrivateFileInput(ClearableFileInput):
    """The school's private files have no public URL (materials.storage): name the current file, no link."""

    template_name = "materials/admin/private_file_input.html"

    def is_initial(self, value):
        return bool(value)


class PrivateFilesAdmin(admin.ModelAdmin):
    """Files of the private storage: shown by name, opened only through the access-checked views."""

    formfield_overrides = {models.FileField: {"widget": PrivateFileInput}}

    @admin.display(description=_("file"))
    def file_name(self, obj):
        return obj.file.name.rsplit("/", 1)[-1] if obj.file else "—"


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    fields = ["position", "material"]
    raw_id_fields = ["material"]
    extra = 0


@admin.register(LessonPlan, site=school_admin_site)
class LessonPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "lesson", "topic", "topic_shared", "updated_at"]
    list_filter = ["topic_shared", ("lesson", admin.EmptyFieldListFilter)]
    search_fields = ["title", "topic", "owner__email", "owner__full_name", "lesson__student__email"]
    raw_id_fields = ["owner", "lesson"]
    list_select_related = ["owner", "lesson__student", "lesson__teacher"]
    inlines = [PlanItemInline]


@admin.register(Stage, site=school_admin_site)
class StageAdmin(admin.ModelAdmin):
    list_display = ["lesson", "material", "page", "playing", "updated_at"]
    search_fields = ["lesson__student__email", "lesson__teacher__email", "material__title"]
    raw_id_fields = ["lesson", "material"]
    list_select_related = ["lesson__student", "lesson__teacher", "material"]


@admin.register(PlanItem, site=school_admin_site)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["material", "plan", "position", "created_at"]
    search_fields = ["material__title", "plan__title"]
    raw_id_fields = ["plan", "material", "created_by"]
    list_select_related = ["plan", "material"]


@admin.register(Course, site=school_admin_site)
class CourseAdmin(PrivateFilesAdmin):
    list_display = ["title", "language", "owner", "shared", "updated_at"]
    list_filter = ["shared", "language"]
    search_fields = ["title", "description", "owner__email"]
    raw_id_fields = ["owner"]
    list_select_related = ["language", "owner"]


@admin.register(Material, site=school_admin_site)
class MaterialAdmin(PrivateFilesAdmin):
    list_display = ["title", "kind", "owner", "shared", "lesson", "updated_at"]
    list_filter = ["kind", "shared"]
    search_fields = ["title", "description", "url"]
    raw_id_fields = ["owner", "lesson"]
    readonly_fields = ["file_name", "content_type", "size", "width", "height", "pages", "preview", "preview_image"]
    exclude = ["file"]
    list_select_related = ["owner", "lesson__course"]


@admin.register(Topic, site=school_admin_site)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["name"]


@admin.register(LibrarySettings, site=school_admin_site)
class LibrarySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "image_mb", "pdf_mb", "audio_mb", "video_mb", "document_mb"]
    search_fields = ["=id"]  # one row per school: nothing to search but its number


@admin.register(CourseLesson, site=school_admin_site)
class CourseLessonAdmin(admin.ModelAdmin):
    list_display = ["course", "number", "title"]
    list_filter = ["course__language", "course__shared"]
    search_fields = ["title", "course__title"]
    list_select_related = ["course"]


@admin.register(StudentMaterial, site=school_admin_site)
class StudentMaterialAdmin(admin.ModelAdmin):
    """What each student was shown or assigned; the snapshot is what they see again, so it is read-only."""

    list_display = ["student", "material", "how", "lesson", "by", "at"]
    list_filter = ["how", "at"]
    search_fields = ["student__email", "student__full_name", "material__title"]
    raw_id_fields = ["student", "material", "lesson", "by"]
    readonly_fields = ["snapshot"]
    list_select_related = ["student", "material", "lesson", "by"]
