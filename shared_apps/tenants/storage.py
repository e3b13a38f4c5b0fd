"""Each school's uploads under MEDIA_ROOT/<schema>/."""

from django_tenants.files.storage import TenantFileSystemStorage


class SchoolFileSystemStorage(TenantFileSystemStorage):
    """django-tenants' storage, forgetting its cached root when MEDIA_ROOT changes.

    The parent keeps `relative_media_root` (MEDIA_ROOT joined with the schema pattern) after
    MEDIA_ROOT changes, so a test (or a reloaded setting) would write into the previous folder.
    """

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MEDIA_URL", "MULTITENANT_RELATIVE_MEDIA_ROOT"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)
