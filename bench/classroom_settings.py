"""bench.settings for the classroom bench: the room page's static files served by WhiteNoise from the finders."""

from bench.settings import *  # noqa: F403

# Daphne serves no static files; without collectstatic, WhiteNoise indexes the finders once at start.
WHITENOISE_USE_FINDERS = True
