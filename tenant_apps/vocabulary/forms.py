from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenant_apps.learning.models import Language
from tenant_apps.vocabulary import audio
from tenant_apps.vocabulary.models import Word
from tenant_apps.vocabulary.selectors import WordFilter


class WordForm(forms.Form):
    """The room's quick form: a word, its translation and the sentence it came in."""

    word = forms.CharField(label=_("Word or phrase"), max_length=200)
    translation = forms.CharField(label=_("Translation"), max_length=300)
    example = forms.CharField(label=_("Example (optional)"), max_length=500, required=False)


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_topics(text: str) -> list[str]:
    return sorted({topic.strip()[:64] for topic in text.split(",") if topic.strip()})


class EntryForm(forms.Form):
    """Adding or editing an entry on the dictionary page (the room's quick form is `WordForm`)."""

    language = forms.ModelChoiceField(label=_("Language"), queryset=Language.objects.filter(is_active=True),
                                      empty_label=None)
    word = forms.CharField(label=_("Word or phrase"), max_length=200)
    translation = forms.CharField(label=_("Translations"), max_length=300, required=False,
                                  help_text=_("Several translations separated by semicolons."))
    part_of_speech = forms.ChoiceField(label=_("Part of speech"), required=False,
                                       choices=[("", "—"), *Word.PartOfSpeech.choices])
    transcription = forms.CharField(
        label=_("Transcription"), max_length=300, required=False,
        help_text=_("Leave empty to fill in IPA (English) or pinyin (Chinese) automatically."))
    examples = forms.CharField(label=_("Examples"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("One sentence per line."))
    topics = forms.CharField(label=_("Topics"), max_length=300, required=False,
                             help_text=_("Separated by commas, e.g. travel, food."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    image = forms.FileField(label=_("Image (optional)"), required=False, widget=forms.ClearableFileInput(
        attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # an entry's language is fixed: the same word in another language is another entry
            del self.fields["language"]

    def clean_word(self):
        word = " ".join(self.cleaned_data["word"].split())
        if not word:
            raise ValidationError(_("This field is required."))
        return word

    def clean_examples(self):
        return split_lines(self.cleaned_data["examples"])

    def clean_topics(self):
        return split_topics(self.cleaned_data["topics"])

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image:
            return image
        try:
            self.image_type, self.image_extension = audio.check_upload(image, family="image",
                                                                       limit=audio.IMAGE_MAX_BYTES)
        except ValueError as error:
            raise ValidationError(
                _("Upload a PNG, JPEG, GIF or WebP image of at most 5 MB.")) from error
        return image


class SentenceForm(forms.Form):
    """A sentence pasted from the board or the chat: split into words to pick from."""

    language = forms.ModelChoiceField(label=_("Language"), queryset=Language.objects.filter(is_active=True),
                                      empty_label=None)
    sentence = forms.CharField(label=_("Sentence"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Paste text from the board or the chat; Chinese is split into words."))


class RecordingForm(forms.Form):
    recording = forms.FileField(label=_("Recording"))

    def clean_recording(self):
        recording = self.cleaned_data["recording"]
        try:
            self.content_type, self.extension = audio.check_upload(recording, family="audio",
                                                                   limit=audio.RECORDING_MAX_BYTES)
        except ValueError as error:
            raise ValidationError(_("Upload a recording (WebM, Ogg, MP3, M4A, WAV) of at most 5 MB.")) from error
        return recording


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    language = forms.ModelChoiceField(label=_("Language"), queryset=Language.objects.none(), required=False,
                                      empty_label=_("All languages"))
    lesson = forms.TypedChoiceField(label=_("Lesson"), required=False, coerce=int, empty_value=None)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    added_from = forms.DateField(label=_("Added from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    added_to = forms.DateField(label=_("Added until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hard = forms.BooleanField(label=_("Hard words only"), required=False)
    pinyin = forms.ChoiceField(label=_("Pinyin"), required=False, choices=[
        ("marks", _("tone marks")), ("numbers", _("tone numbers")), ("zhuyin", _("zhuyin"))])

    def __init__(self, *args, languages, lessons, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.lessons = {lesson.pk: lesson for lesson in lessons}
        self.fields["language"].queryset = Language.objects.filter(pk__in=[language.pk for language in languages])
        self.fields["lesson"].choices = [("", _("All lessons"))] + [
            (lesson.pk, lesson.starts_at.strftime("%Y-%m-%d")) for lesson in lessons]
        self.fields["topic"].choices = [("", _("All topics"))] + [(topic, topic) for topic in topics]

    def word_filter(self) -> WordFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return WordFilter(q=data.get("q", ""), language=data.get("language"),
                          lesson=self.lessons.get(data.get("lesson")), topic=data.get("topic", ""),
                          added_from=data.get("added_from"), added_to=data.get("added_to"),
                          hard=data.get("hard", False))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: word, translation, language, transcription, part_of_speech, examples, topics, notes. "
        "The first row names the columns."))
