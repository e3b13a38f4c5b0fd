"""What invalidates the public pages' cache.

Model signals here, unlike for business rules: the pages show rows that many apps edit (a
teacher's profile from /profile/, a package from /manager/products/, anything from the admin),
and a stale page is the only consequence, so listening beats asking every writer to remember.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from tenant_apps.website.cache import site_changed


def _changed(sender, **kwargs):
    site_changed()


def connect() -> None:
    from billing.models import Product
    from tenant_apps.accounts.models import User
    from tenant_apps.learning.models import TeacherProfile
    from tenant_apps.website.models import Review, SiteProfile

    for model in (Review, SiteProfile, TeacherProfile, Product, User):
        uid = f"website.cache.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
    m2m_changed.connect(_changed, sender=TeacherProfile.languages.through, dispatch_uid="website.cache.languages")
