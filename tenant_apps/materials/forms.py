from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from tenant_apps.materials import files
from tenant_apps.materials.models import Course, LessonPlan, Material, PlanItem
from tenant_apps.scheduling.models import Lesson

Kind = PlanItem.Kind


class PlanForm(forms.ModelForm):
    class Meta:
        model = LessonPlan
        fields = ["title", "topic", "topic_shared"]
        help_texts = {"topic_shared": _("The student sees the topic in their “Lesson plan” section.")}


class TemplateForm(forms.ModelForm):
    class Meta:
        model = LessonPlan
        fields = ["title", "topic"]
        help_texts = {"title": _("For example: English for beginners, lesson 10.")}


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Optional: the file's name or the link is used otherwise."))
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=20_000)
    url = forms.URLField(label=_("Link"), required=False, max_length=1000, assume_scheme="https",
                         help_text=_("A web page, or a direct link to an audio or video file."))
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("Images up to 15 MB, PDF up to 30 MB and 40 pages, audio up to 50 MB, "
                                       "video up to 300 MB."))

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Give a web address starting with http:// or https://."))
        return url

    def clean(self):
        data = super().clean()
        kind, upload, url, text = data.get("kind"), data.get("file"), data.get("url"), data.get("text", "")
        if kind is None:
            return data
        if kind == Kind.TEXT:
            if not text.strip():
                self.add_error("text", _("Write the text to show."))
        elif kind == Kind.LINK:
            if not url:
                self.add_error("url", _("Give the link's address."))
        elif upload is not None:
            try:
                files.inspect_upload(upload, kind)
            except ValidationError as error:
                self.add_error("file", error)
        elif not url:
            self.add_error("file", _("Upload a file or give a link."))
        if not data.get("title"):
            data["title"] = self._default_title(kind, upload, url, text)
        return data

    @staticmethod
    def _default_title(kind, upload, url, text) -> str:
        if upload is not None:
            return upload.name.rsplit("/", 1)[-1][:200]
        if url:
            return url[:200]
        words = " ".join(text.split())
        return (words[:60] + "…") if len(words) > 60 else (words or str(Kind(kind).label))


class ApplyTemplateForm(forms.Form):
    lesson = forms.ModelChoiceField(label=_("Lesson"), queryset=None, empty_label=None)

    def __init__(self, *args, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = lessons
        self.fields["lesson"].label_from_instance = lambda lesson: "{} · {}".format(
            date_format(localtime(lesson.starts_at), "SHORT_DATETIME_FORMAT"), lesson.student.get_full_name()
        )


# The library ------------------------------------------------------------------------------------------------
class SearchForm(forms.Form):
    """The library's one search box and its filters (GET; every field optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    language = forms.ModelChoiceField(label=_("Language"), required=False, queryset=None, empty_label=_("Any"))
    level = forms.ModelChoiceField(label=_("Level"), required=False, queryset=None, empty_label=_("Any"))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    course = forms.ModelChoiceField(label=_("Course"), required=False, queryset=None, empty_label=_("Any"))
    topic = forms.ModelChoiceField(label=_("Topic"), required=False, queryset=None, empty_label=_("Any"))
    scope = forms.ChoiceField(label=_("Whose"), required=False, choices=[
        ("", _("Mine and the school's")), ("mine", _("Mine")), ("school", _("The school's library"))])

    def __init__(self, *args, courses, kinds=None, **kwargs):
        from tenant_apps.learning.models import Language, Level
        from tenant_apps.materials.models import Topic

        super().__init__(*args, **kwargs)
        self.fields["language"].queryset = Language.objects.filter(is_active=True).order_by("ordering", "pk")
        self.fields["level"].queryset = Level.objects.select_related("language").order_by("language__ordering",
                                                                                          "position")
        self.fields["level"].label_from_instance = lambda level: f"{level.code} · {level.language.name}"
        self.fields["course"].queryset = courses
        self.fields["topic"].queryset = Topic.objects.order_by("name")
        kinds = kinds or [("", _("Any")), ("file", _("Any file")), *Material.Kind.choices]
        self.fields["kind"].choices = kinds
        self.fields["q"].widget.attrs.update(type="search", autocomplete="off",
                                             placeholder=_("Title, topic, words of the text…"))

    def filters(self):
        from tenant_apps.materials.selectors import LibraryFilters

        if not self.is_valid():
            return LibraryFilters()
        data = self.cleaned_data
        return LibraryFilters(q=data["q"], kind=data["kind"], scope=data["scope"],
                              **{name: data[name].pk if data[name] else None
                                 for name in ("language", "level", "course", "topic")})


class CourseForm(forms.ModelForm):
    topics = forms.CharField(label=_("Topics"), required=False, max_length=500,
                             help_text=_("Separated by commas: Past Simple, holidays."))

    class Meta:
        model = Course
        fields = ["title", "language", "level_from", "level_to", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_from"].label_from_instance = self.fields["level_to"].label_from_instance = (
            lambda level: f"{level.code} · {level.language.name}")
        for name in ("level_from", "level_to"):
            self.fields[name].queryset = self.fields[name].queryset.select_related("language").order_by(
                "language__ordering", "position")

    def clean(self):
        data = super().clean()
        language = data.get("language")
        for name in ("level_from", "level_to"):
            level = data.get(name)
            if level is not None and language is not None and level.language_id != language.pk:
                self.add_error(name, _("Choose a level of the course's language."))
        return data


class CourseLessonForm(forms.Form):
    title = forms.CharField(label=_("Lesson title"), max_length=200)
    topics = forms.CharField(label=_("Topics"), required=False, max_length=500,
                             help_text=_("Separated by commas: Past Simple, holidays."))


class MaterialForm(forms.Form):
    """A new material of any kind the library makes itself (worksheets are made in their own builder)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[
        choice for choice in Material.Kind.choices if choice[0] != Material.Kind.WORKSHEET])
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Optional: the file's name or the link is used otherwise."))
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=20_000)
    url = forms.CharField(label=_("Link"), required=False, max_length=1000,
                          help_text=_("A web page, or a direct link to an audio or video file."))
    file = forms.FileField(label=_("File"), required=False)
    words = forms.CharField(label=_("Words"), required=False, max_length=50_000,
                            widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("One a line: word — translation — example (the example is optional)."))
    topics = forms.CharField(label=_("Topics"), required=False, max_length=500,
                             help_text=_("Separated by commas: Past Simple, holidays."))

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["kind"].choices = [choice for choice in self.fields["kind"].choices if choice[0] in kinds]


class UseInLessonForm(forms.Form):
    lesson = forms.ModelChoiceField(label=_("Use in my next lesson with"), queryset=None, empty_label=None)

    def __init__(self, *args, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons])
        self.fields["lesson"].choices = [(lesson.pk, _lesson_label(lesson)) for lesson in lessons]


def _lesson_label(lesson) -> str:
    return "{} · {}".format(lesson.student.get_full_name(),
                            date_format(localtime(lesson.starts_at), "SHORT_DATETIME_FORMAT"))
