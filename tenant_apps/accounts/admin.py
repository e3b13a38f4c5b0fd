from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.admin_site import platform_admin_site, school_admin_site
from tenant_apps.accounts.models import LoginLink, User


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


for site in (school_admin_site, platform_admin_site):
    site.register(User, UserAdmin)
    site.register(Group, admin.ModelAdmin)
school_admin_site.register(LoginLink, LoginLinkAdmin)
