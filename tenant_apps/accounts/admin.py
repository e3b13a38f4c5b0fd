from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tenant_apps.accounts.admin_site import platform_admin_site, school_admin_site
from tenant_apps.accounts.models import Invitation, LoginLink, User
from tenant_apps.accounts.services import user_erase, user_erase_plan


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
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate the selected people (they can no longer log in; nothing is deleted)"))
    def deactivate(self, request, queryset):
        changed = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, ngettext("%(count)d person deactivated.", "%(count)d people deactivated.",
                                            changed) % {"count": changed}, messages.SUCCESS)

    def delete_view(self, request, object_id, extra_context=None):
        """A person with history (lessons, passes, trials) is removed by `user_erase`: this page says first
        what goes and what stays. Without history, Django's own deletion."""
        user = self.get_object(request, object_id)
        if user is None or not self.has_delete_permission(request, user):
            return super().delete_view(request, object_id, extra_context)
        plan = user_erase_plan(user)
        if not plan.stays:
            return super().delete_view(request, object_id, extra_context)
        if request.method == "POST":
            try:
                user_erase(user=user, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Removed. The school's history keeps its rows, without the person's "
                                             "name or email."), messages.SUCCESS)
                return redirect(reverse(f"{self.admin_site.name}:accounts_user_changelist"))
        request.current_app = self.admin_site.name
        context = {**self.admin_site.each_context(request), "opts": self.opts, "object": user, "plan": plan,
                   "title": _("Remove %(name)s?") % {"name": user}}
        return TemplateResponse(request, "admin/accounts/user/erase_confirmation.html", context)


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
