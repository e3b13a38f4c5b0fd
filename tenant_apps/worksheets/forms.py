from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.worksheets import shorthand
from tenant_apps.worksheets.engine import ItemError, validate_item
from tenant_apps.worksheets.engine.text import Checking

TYPE_LABELS = {
    "gaps": _("Typed gaps"),
    "dropdown": _("Drop-down choice"),
    "single": _("Single choice"),
    "multiple": _("Multiple choice (tick boxes)"),
    "truefalse": _("True or false"),
    "match": _("Join the pairs"),
    "words": _("Drag words into gaps"),
    "zones": _("Drag cards into zones"),
    "order": _("Put in order"),
    "number": _("Number"),
    "open": _("Open answer (you grade it)"),
    "speaking": _("Speaking (the student records; you grade it)"),
    "text": _("Text block"),
    "image": _("Picture"),
    "video": _("Video"),
}
BODY_HELP = {
    "gaps": _("Put each gap's answer in square brackets: I [am] a student. Several accepted answers: [is|'s]; "
              "an answer accepted but not shown in the solution starts with ~: [is|~'s]."),
    "dropdown": _("Put the choices of each gap in square brackets, * before the right one: I [*am|is|are] a student."),
    "words": _("Put each word to drag in square brackets: I [am] a [cat]."),
    "single": _("One option a line; * before the right one. Feedback after “ # ”: Rome # That is Italy."),
    "multiple": _("One option a line; * before each right one. Feedback after “ # ”."),
    "match": _("One pair a line: cat = кошка. A line “= рыба” adds an answer that matches nothing."),
    "zones": _("One zone a line with its cards: fruit: apple, pear"),
    "order": _("The pieces in the right order, one a line. A single line is cut into its words."),
    "number": _("The number, or the number with a tolerance (3.14 ± 0.01), or a range (1..5)."),
    "text": _("The text to show."),
}
PINYIN_CHOICES = [("", _("Not pinyin")), ("tones", _("Pinyin: tones must be right (nǐ hǎo = ni3 hao3)")),
                  ("toneless", _("Pinyin: tones not required (ni hao counts)"))]


class WorksheetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(label=_("Instructions"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(forms.Form):
    """One item, in the builder's plain-text marks (see shorthand); `item` holds the validated result."""

    prompt = forms.CharField(label=_("Question or task"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label=_("Answers"), required=False, max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    extra = forms.CharField(label=_("Extra words (not in any gap)"), required=False, max_length=2000,
                            help_text=_("Separated by commas."))
    answer = forms.TypedChoiceField(label=_("The statement is"), required=False,
                                    choices=[("true", _("true")), ("false", _("false"))],
                                    coerce=lambda value: value == "true")
    points = forms.IntegerField(label=_("Points"), min_value=0, max_value=100, initial=1)
    feedback_correct = forms.CharField(label=_("Feedback when right"), required=False, max_length=500)
    feedback_wrong = forms.CharField(label=_("Feedback when wrong"), required=False, max_length=500)
    case = forms.BooleanField(label=_("Capital letters matter"), required=False)
    punctuation = forms.BooleanField(label=_("Punctuation matters"), required=False)
    quotes = forms.BooleanField(label=_("Typographic quotes matter (’ is not ')"), required=False)
    typos = forms.BooleanField(label=_("Accept one wrong letter in words of 5+ letters (“almost: check the spelling”)"),
                               required=False)
    pinyin = forms.ChoiceField(label=_("Chinese"), required=False, choices=PINYIN_CHOICES)
    url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    alt = forms.CharField(label=_("Describe the picture (for screen readers)"), required=False, max_length=300)
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("A picture up to 15 MB or a video up to 300 MB."))
    audio = forms.FileField(label=_("Listening: a recording to play first"), required=False,
                            help_text=_("Optional. MP3, M4A, OGG, WAV, WebM or FLAC, up to 50 MB."))

    def __init__(self, *args, kind: str, item: dict | None = None, **kwargs):
        self.kind = kind
        self.base = dict(item or {})
        if item is not None and "initial" not in kwargs:
            body, extra = shorthand.write(item)
            checking = item.get("checking", {})
            kwargs["initial"] = {
                "prompt": item.get("prompt", "") if kind != "text" else "", "body": body or item.get("html", ""),
                "extra": extra, "answer": "true" if item.get("answer") else "false", "points": item.get("points", 1),
                "feedback_correct": item.get("feedback_correct", ""), "feedback_wrong": item.get("feedback_wrong", ""),
                "url": item.get("url", ""), "alt": item.get("alt", ""), **checking,
            }
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = BODY_HELP.get(kind, "")
        if kind == "text":
            self.fields["body"].label = _("Text")
        for name in self._unused():
            del self.fields[name]

    def _unused(self):
        kind = self.kind
        unused = set()
        if kind not in BODY_HELP:
            unused.add("body")
        if kind != "words":
            unused.add("extra")
        if kind != "truefalse":
            unused.add("answer")
        if kind != "gaps":
            unused |= {"case", "punctuation", "quotes", "typos", "pinyin"}
        if kind in ("text", "image", "video"):
            unused |= {"prompt", "points", "feedback_correct", "feedback_wrong"}
        if kind != "video":
            unused.add("url")
        if kind != "image":
            unused.add("alt")
        if kind not in ("image", "video"):
            unused.add("file")
        if kind in ("text", "image", "video", "speaking", "open"):
            unused.add("audio")
        return unused & set(self.fields)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = self.kind
        item = {key: value for key, value in self.base.items() if key in ("id", "box", "file", "audio", "category")}
        item["type"] = kind
        try:
            item.update(shorthand.parse(kind, data.get("body", ""), data.get("extra", "")))
        except ItemError as error:
            self.add_error("body", str(error))
            return data
        for key in ("prompt", "feedback_correct", "feedback_wrong", "url", "alt"):
            if data.get(key):
                item[key] = data[key]
        if "points" in data:
            item["points"] = data["points"] or 0
        if kind == "truefalse":
            item["answer"] = bool(data.get("answer"))
        if kind == "text":
            item["html"] = data.get("body", "")
        if kind in ("image", "video") and not item.get("file") and not data.get("file") and not item.get("url"):
            self.add_error("file" if kind == "image" else "url", _("Upload the file or give a link."))
            return data
        if kind == "gaps":
            checking = Checking.from_dict({key: data.get(key) for key in ("case", "punctuation", "quotes", "typos",
                                                                          "pinyin")})
            if checking.as_dict():
                item["checking"] = checking.as_dict()
        try:
            self.item = validate_item(item)
        except ItemError as error:
            self.add_error("body" if "body" in self.fields else None, str(error))
        return data


class GiftImportForm(forms.Form):
    title = forms.CharField(label=_("Title of the new worksheet"), max_length=200)
    file = forms.FileField(label=_("GIFT file"), required=False,
                           help_text=_("A .txt or .gift file exported from Moodle."))
    text = forms.CharField(label=_("…or paste GIFT text"), required=False, max_length=500_000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    keep_good = forms.BooleanField(label=_("If some questions cannot be read, import the others"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 1024 * 1024:
                raise forms.ValidationError(_("The file is larger than 1 MB."))
            try:
                data["source"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text. Save it as UTF-8 and retry.")) from None
        else:
            data["source"] = data.get("text", "")
        if not data["source"].strip() and not self.errors:
            raise forms.ValidationError(_("Choose a GIFT file or paste its text."))
        return data


class BackgroundForm(forms.Form):
    title = forms.CharField(label=_("Title of the new worksheet"), max_length=200)
    file = forms.FileField(label=_("PDF or picture of a printed worksheet"),
                           help_text=_("PDF up to 30 MB and 40 pages, or PNG, JPEG, WebP up to 15 MB."))


class ShareForm(forms.Form):
    student = forms.ModelChoiceField(label=_("Student"), queryset=None)

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students


class BoxForm(forms.Form):
    """A box drawn on a page, in percent of the page's width and height."""

    page = forms.IntegerField(min_value=1, max_value=40)
    x = forms.FloatField(min_value=0, max_value=100)
    y = forms.FloatField(min_value=0, max_value=100)
    w = forms.FloatField(min_value=0.5, max_value=100)
    h = forms.FloatField(min_value=0.5, max_value=100)
    type = forms.ChoiceField(choices=[("gaps", _("Typed gap")), ("dropdown", _("Drop-down choice")),
                                      ("truefalse", _("True or false")), ("single", _("Single choice"))])

    def box(self) -> dict:
        data = self.cleaned_data
        return {key: round(data[key] / 100, 5) for key in ("x", "y", "w", "h")} | {"page": data["page"]}


class GradeForm(forms.Form):
    points = forms.FloatField(label=_("Points"), min_value=0)
