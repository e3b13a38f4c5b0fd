"""A word's pronunciation: the teacher's recording when there is one, else speech made on this server by
espeak-ng (cached in the school's private storage), else nothing, and the page lets the browser speak.

espeak-ng reads English with its American voice; for Chinese it is fed pinyin with tone numbers through
its `cmn-latn-pinyin` voice (its plain `cmn` voice misreads characters), so a teacher's corrected pinyin is
what it says. Nothing leaves the machine.
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid

from tenant_apps.materials.files import sniff
from tenant_apps.materials.storage import private_storage
from tenant_apps.vocabulary.transcription import pinyin_as

ESPEAK = "espeak-ng"
VOICES = {"en": "en-us", "zh": "cmn-latn-pinyin", "es": "es", "de": "de", "fr": "fr", "it": "it", "pt": "pt",
          "ja": "ja", "ko": "ko", "tr": "tr", "pl": "pl", "uk": "uk", "ru": "ru"}
SPEED_WPM = "140"  # a little slower than espeak's 175: learners listen closely
RECORDING_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_BYTES = 5 * 1024 * 1024


def spoken_text(word) -> str:
    """What the synthesiser is given: for Chinese the pinyin with tone numbers (the teacher's wins)."""
    if word.language.code == "zh":
        return pinyin_as(word.transcription, "numbers") if word.transcription else ""
    return word.word


def tts_name(voice: str, text: str) -> str:
    """The cached file's name inside the school's private storage (whose root carries the schema)."""
    digest = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:32]
    return f"vocabulary/tts/{voice}/{digest}.wav"


def synthesized(word) -> str | None:
    """The name of the server-made audio of the word, made now if not cached; None when it cannot be made."""
    voice, text = VOICES.get(word.language.code), spoken_text(word)
    if not voice or not text or not shutil.which(ESPEAK):
        return None
    storage = private_storage()
    name = tts_name(voice, text)
    if storage.exists(name):
        return name
    path = storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        wav = subprocess.run([ESPEAK, "-v", voice, "-s", SPEED_WPM, "--stdout"], input=text.encode(),
                             capture_output=True, timeout=10, check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return None
    if not wav.startswith(b"RIFF"):
        return None
    # Written beside and renamed: two requests making one word's audio never serve half a file.
    with tempfile.NamedTemporaryFile(dir=os.path.dirname(path), delete=False) as handle:
        handle.write(wav)
    os.replace(handle.name, path)
    return name


def word_audio(word) -> tuple[str, str] | None:
    """(file name in private storage, content type) of what to play for the word, or None."""
    if word.recording:
        return word.recording.name, word.recording_type or "audio/webm"
    name = synthesized(word)
    return (name, "audio/wav") if name else None


def check_upload(uploaded, *, family: str, limit: int) -> tuple[str, str]:
    """(content type, extension) of an uploaded recording or image, judged by its bytes; ValueError with the
    reason otherwise."""
    if uploaded.size == 0 or uploaded.size > limit:
        raise ValueError("size")
    uploaded.seek(0)
    found = sniff(uploaded.read(64))
    uploaded.seek(0)
    if found is None:
        raise ValueError("type")
    kind, content_type, extension = found
    if family == "audio" and kind == "media":  # WebM/Ogg/MP4 from MediaRecorder: audio here
        return content_type.replace("video/", "audio/"), extension
    if kind != family:
        raise ValueError("type")
    return content_type, extension


def upload_name(word, folder: str, extension: str) -> str:
    return f"vocabulary/{folder}/{word.pk}/{uuid.uuid4().hex}.{extension}"
