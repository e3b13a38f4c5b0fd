from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.vocabulary.models import Word


class WordForm(forms.ModelForm):
    class Meta:
        model = Word
        fields = ["word", "translation", "example"]
        labels = {"example": _("Example (optional)")}

    def clean(self):
        data = super().clean()
        for name in ("word", "translation"):
            if name in data and not data[name].strip():
                self.add_error(name, _("This field is required."))
        return data
