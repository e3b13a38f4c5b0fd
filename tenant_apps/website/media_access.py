"""Who may open which of the school's uploaded files through `/media/<path>`.

Only what the school's public pages show is public, to any visitor of THAT school (storage is per schema,
so another school's host never finds the file): the site's current logo, and the photo and introduction
video of a teacher the home page lists (an active teacher). A person's photo is otherwise seen by its
owner and by the school's staff. Anything else under the school's media root — board images above all —
is never served here: those files have views of their own that check the lesson (`whiteboard:image`), and
lesson materials live outside the media root altogether (`materials/storage.py`).
"""

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import TeacherProfile
from tenant_apps.website.models import SiteProfile

PHOTOS = "avatars/"
TEACHER_VIDEOS = "teachers/videos/"
SITE_FILES = "website/"


def media_is_public(path: str) -> bool:
    """Shown on the school's public pages: the logo, an active teacher's photo or introduction video."""
    if path.startswith(SITE_FILES):
        return SiteProfile.objects.filter(pk=1, logo=path).exists()
    if path.startswith(PHOTOS):
        return User.objects.filter(photo=path, is_teacher=True, is_active=True).exists()
    if path.startswith(TEACHER_VIDEOS):
        return TeacherProfile.objects.filter(intro_video=path, user__is_teacher=True, user__is_active=True).exists()
    return False


def can_open_media(user, path: str) -> bool:
    """The public files for anyone; a photo also for its owner and the school's staff; nothing else."""
    if media_is_public(path):
        return True
    if not (user.is_authenticated and user.is_active and path.startswith(PHOTOS)):
        return False
    if user.photo.name == path:
        return True
    is_staff = user.is_manager or user.is_methodologist or user.is_teacher
    return is_staff and User.objects.filter(photo=path).exists()
