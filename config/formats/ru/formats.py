"""Russian dates: Django's own, with the short forms that Russian readers use ("7 декабря, 19:00")."""

from django.conf.locale.ru.formats import *  # noqa: F403 (extend Django's Russian formats)

SHORT_DATETIME_FORMAT = "j E, H:i"
