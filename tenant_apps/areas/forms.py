from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import School
from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Language, TeacherProfile

PHOTO_MAX_BYTES = 5 * 1024 * 1024
VIDEO_MAX_BYTES = 200 * 1024 * 1024
VIDEO_EXTENSIONS = (".mp4", ".webm", ".mov")


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    as_teacher = forms.BooleanField(label=_("Teacher"), required=False)
    as_methodologist = forms.BooleanField(label=_("Methodologist"), required=False)
    as_manager = forms.BooleanField(label=_("Manager"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(field) for field in ("as_teacher", "as_methodologist", "as_manager")):
            raise ValidationError(_("Choose at least one role."))
        return cleaned


class SchoolSettingsForm(forms.ModelForm):
    # Telegram tells us the bot's name when the token is saved (see telegram.school_bot_change).
    telegram_bot_username = forms.CharField(
        label=_("Telegram bot username"), required=False, disabled=True,
        help_text=_("Filled in from Telegram when the token is saved."),
    )

    class Meta:
        model = School
        fields = [
            "name", "time_zone", "default_language", "require_staff_mfa",
            "cancellation_window_hours", "pass_validity_days", "extension_offer_days_before_end",
            "extension_lessons", "freeze_days", "freezes_per_pass", "rebook_needs_teacher", "homework_backlog_days",
            "telegram_bot_token", "telegram_bot_username",
        ]
        widgets = {"telegram_bot_token": forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"})}

    def clean_telegram_bot_token(self):
        from tenant_apps.notifications.telegram import TOKEN_PATTERN

        token = self.cleaned_data["telegram_bot_token"]
        if token and not TOKEN_PATTERN.match(token):
            raise ValidationError(_("This is not a bot token. @BotFather gives one like 123456789:AAE…"))
        return token


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "photo", "time_zone", "language"]
        widgets = {"photo": forms.ClearableFileInput(attrs={"accept": "image/*"})}
        # The model's "name" reads as a thing's name in Russian ("Название"): a person has a name.
        labels = {"full_name": _("Your name")}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size") and photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(_("The photo is larger than 5 MB."))
        return photo


class TeacherProfileForm(forms.ModelForm):
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages I teach"), queryset=Language.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple, required=False,
    )

    class Meta:
        model = TeacherProfile
        fields = ["languages", "is_native_speaker", "bio", "intro_video", "intro_video_url"]
        widgets = {"intro_video": forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm,video/quicktime"})}

    def clean_intro_video(self):
        video = self.cleaned_data.get("intro_video")
        if video and hasattr(video, "size"):
            if not video.name.lower().endswith(VIDEO_EXTENSIONS):
                raise ValidationError(_("Upload the video as MP4, WebM or MOV."))
            if video.size > VIDEO_MAX_BYTES:
                raise ValidationError(_("The video is larger than 200 MB; upload it elsewhere and paste a link."))
        return video
