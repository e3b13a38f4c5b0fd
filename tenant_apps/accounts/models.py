"""People of one schema: a school's users, or the platform's operators in the public schema."""

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import TIME_ZONE_CHOICES, UiLanguage


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    METHODOLOGIST = "methodologist", _("Methodologist")
    MANAGER = "manager", _("Manager")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email. One person may hold several roles."""

    email = models.EmailField(_("email"), max_length=254, unique=True)  # stored lower-cased
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    photo = models.ImageField(_("photo"), upload_to="avatars/", blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, blank=True,
        help_text=_("Empty: the school's time zone."),
    )
    language = models.CharField(
        _("interface language"), max_length=5, choices=UiLanguage.choices, blank=True,
        help_text=_("Empty: the school's language."),
    )
    is_student = models.BooleanField(_("student"), default=False)
    is_teacher = models.BooleanField(_("teacher"), default=False)
    is_methodologist = models.BooleanField(_("methodologist"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    is_staff = models.BooleanField(
        _("platform staff"), default=False, help_text=_("Platform operators: may use the platform admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]

    @property
    def roles(self) -> list[str]:
        flags = {
            Role.MANAGER: self.is_manager,
            Role.METHODOLOGIST: self.is_methodologist,
            Role.TEACHER: self.is_teacher,
            Role.STUDENT: self.is_student,
        }
        return [role for role, held in flags.items() if held]

    @property
    def role_names(self) -> list[str]:
        """Each of the person's roles in the reader's language (for badges)."""
        return [str(Role(role).label) for role in self.roles]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def zone(self, default: str = "UTC") -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or default)

    # A school's manager administers everything of their school (its own schema only).
    def has_perm(self, perm, obj=None):
        if self.is_active and self.is_manager:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if self.is_active and self.is_manager:
            return True
        return super().has_module_perms(app_label)


class LoginLink(models.Model):
    """A single-use, short-lived link that logs a user in on their school's host."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("login link")
        verbose_name_plural = _("login links")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"


class Invitation(models.Model):
    """A manager's invitation to join the school's staff with one or more roles."""

    email = models.EmailField(_("email"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    as_teacher = models.BooleanField(_("teacher"), default=False)
    as_methodologist = models.BooleanField(_("methodologist"), default=False)
    as_manager = models.BooleanField(_("manager"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(as_teacher=True) | models.Q(as_methodologist=True) | models.Q(as_manager=True),
                name="accounts_invitation_has_a_role",
            )
        ]

    def __str__(self):
        return self.email

    @property
    def role_flags(self) -> dict[str, bool]:
        return {
            "is_teacher": self.as_teacher,
            "is_methodologist": self.as_methodologist,
            "is_manager": self.as_manager,
        }

    @property
    def role_labels(self) -> list[str]:
        labels = {"as_teacher": Role.TEACHER.label, "as_methodologist": Role.METHODOLOGIST.label,
                  "as_manager": Role.MANAGER.label}
        return [str(label) for field, label in labels.items() if getattr(self, field)]
