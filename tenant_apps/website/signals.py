"""What invalidates the public pages' cache.

Model signals here, unlike for business rules: the pages show rows that many apps edit (a
teacher's profile from /profile/, a package from /manager/products/, anything from the admin),
and a stale page is the only consequence, so listening beats asking every writer to remember.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from tenant_apps.website.cache import site_changed

# A login writes last_login, a password change the password: nothing the public pages show.
_UNSHOWN_USER_FIELDS = frozenset({"last_login", "password"})


def _changed(sender, **kwargs):
    site_changed()


def _user_saved(sender, instance, update_fields=None, **kwargs):
    """Only teachers are on the site (a student's save, or a login, leaves the pages as they are)."""
    fields = set(update_fields or ())
    if fields and fields <= _UNSHOWN_USER_FIELDS:
        return
    if instance.is_teacher or "is_teacher" in fields:
        site_changed()


def connect() -> None:
    from billing.models import Product
    from tenant_apps.accounts.models import User
    from tenant_apps.learning.models import Language, TeacherProfile
    from tenant_apps.website.models import Review, SiteProfile

    for model in (Review, SiteProfile, TeacherProfile, Product, Language):
        uid = f"website.cache.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
    post_save.connect(_user_saved, sender=User, dispatch_uid="website.cache.user.save")
    post_delete.connect(_changed, sender=User, dispatch_uid="website.cache.user.delete")
    m2m_changed.connect(_changed, sender=TeacherProfile.languages.through, dispatch_uid="website.cache.languages")
