from django import forms
from django.utils.translation import gettext_lazy as _


class WordForm(forms.Form):
    """The room's quick form: a word, its translation and the sentence it came in."""

    word = forms.CharField(label=_("Word or phrase"), max_length=200)
    translation = forms.CharField(label=_("Translation"), max_length=300)
    example = forms.CharField(label=_("Example (optional)"), max_length=500, required=False)
