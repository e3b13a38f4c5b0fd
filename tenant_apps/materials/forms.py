from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from tenant_apps.materials import files
from tenant_apps.materials.models import LessonPlan, PlanItem

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
