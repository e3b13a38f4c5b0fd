from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.admin_site import platform_admin_site, school_admin_site
from tenant_apps.accounts.models import Invitation, LoginLink, User


class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_student", "is_teacher", "is_methodologist", "is_manager", "is_active"]
    list_filter = ["is_student", "is_teacher", "is_methodologist", "is_manager", "is_active", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "photo", "time_zone", "language"]}),
        (_("Roles"), {"fields": ["is_student", "is_teacher", "is_methodologist", "is_manager"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
        (_("Roles"), {"fields": ["is_student", "is_teacher", "is_methodologist", "is_manager"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


class LoginLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "used_at"]
    list_filter = ["used_at"]
    search_fields = ["user__email"]
    readonly_fields = ["token_hash"]


class PlatformUserAdmin(UserAdmin):
    def has_delete_permission(self, request, obj=None):
        # Deleting cascades into school-only tables that the public schema lacks:
        # operators are deactivated instead.
        return False


class GroupAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["permissions"]


school_admin_site.register(User, UserAdmin)
platform_admin_site.register(User, PlatformUserAdmin)
for site in (school_admin_site, platform_admin_site):
    site.register(Group, GroupAdmin)
school_admin_site.register(LoginLink, LoginLinkAdmin)


class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "as_teacher", "as_methodologist", "as_manager", "created_at", "accepted_at"]
    list_filter = ["as_teacher", "as_methodologist", "as_manager", "accepted_at"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by"]


school_admin_site.register(Invitation, InvitationAdmin)


def _register_allauth_models():
    """allauth registers on Django's default site; a school's admin needs them on its own."""
    from allauth.account.admin import EmailAddressAdmin, EmailConfirmationAdmin
    from allauth.account.models import EmailAddress, EmailConfirmation
    from allauth.mfa.admin import AuthenticatorAdmin
    from allauth.mfa.models import Authenticator

    class SchoolEmailAddressAdmin(EmailAddressAdmin):
        search_fields = ["email", "user__email", "user__full_name"]

    class SchoolEmailConfirmationAdmin(EmailConfirmationAdmin):
        search_fields = ["email_address__email"]

    class SchoolAuthenticatorAdmin(AuthenticatorAdmin):
        search_fields = ["user__email", "user__full_name"]
        list_filter = ["type"]

    school_admin_site.register(EmailAddress, SchoolEmailAddressAdmin)
    school_admin_site.register(EmailConfirmation, SchoolEmailConfirmationAdmin)
    school_admin_site.register(Authenticator, SchoolAuthenticatorAdmin)


_register_allauth_models()
