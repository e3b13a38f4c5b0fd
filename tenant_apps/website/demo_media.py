"""The demo teachers' photos and intro videos, made on this machine and cached: nothing is downloaded.

A photo is a portrait card drawn with Pillow (the teacher's initials on their colour). A video is six
seconds of ffmpeg's test pattern with the teacher's greeting spoken by espeak-ng (both Debian packages;
the Makefile installs them). Files are made once into `.data/demo-media/` and copied into the school's
storage from there, so a second `seed_demo` (or `--reset`) costs nothing. Without ffmpeg or espeak-ng the
teacher simply has no video (a line on stderr says why).
"""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

CACHE = Path(settings.BASE_DIR) / ".data" / "demo-media"
VIDEO_SECONDS = 6


def _cached(name: str, make) -> Path | None:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    if not path.exists():
        partial = path.with_suffix(".part" + path.suffix)
        if not make(partial):
            return None
        partial.rename(path)
    return path


def _key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def portrait(name: str, colour: str) -> Path:
    """A 320×320 PNG: initials on the teacher's colour."""

    def make(path: Path) -> bool:
        image = Image.new("RGB", (320, 320), colour)
        draw = ImageDraw.Draw(image)
        draw.ellipse((60, 40, 260, 240), fill="#ffffff")
        initials = "".join(word[0] for word in name.split()[:2]).upper()
        font = ImageFont.load_default(size=96)
        draw.text((160, 140), initials, fill=colour, font=font, anchor="mm")
        draw.rectangle((0, 260, 320, 320), fill="#1f2937")
        draw.text((160, 290), name, fill="#ffffff", font=ImageFont.load_default(size=26), anchor="mm")
        image.save(path, format="PNG")
        return True

    return _cached(f"photo-{_key(name, colour)}.png", make)


def intro_video(name: str, greeting: str, voice: str) -> Path | None:
    """A short MP4 (H.264 + AAC): a test pattern with the greeting read aloud, or None without the tools."""
    ffmpeg, espeak = shutil.which("ffmpeg"), shutil.which("espeak-ng")
    if not ffmpeg or not espeak:
        print("Demo videos skipped: ffmpeg and espeak-ng are needed (make run installs them).", file=sys.stderr)
        return None

    def make(path: Path) -> bool:
        speech = path.with_suffix(".wav")
        try:
            subprocess.run([espeak, "-v", voice, "-s", "150", "-w", str(speech), greeting], check=True,
                           capture_output=True, timeout=60)
            subprocess.run(
                [ffmpeg, "-y", "-loglevel", "error",
                 "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={VIDEO_SECONDS}",
                 "-i", str(speech), "-t", str(VIDEO_SECONDS),
                 "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-c:a", "aac",
                 "-movflags", "+faststart", "-f", "mp4", str(path)],
                check=True, capture_output=True, timeout=120,
            )
        except (subprocess.SubprocessError, OSError) as error:
            detail = getattr(error, "stderr", b"") or b""
            print(f"Demo video for {name} not made: {error} {detail.decode(errors='replace')[-300:]}",
                  file=sys.stderr)
            return False
        finally:
            speech.unlink(missing_ok=True)
        return True

    return _cached(f"video-{_key(name, greeting, voice)}.mp4", make)
