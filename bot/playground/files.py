"""The files the stand-in holds: photos and media the bot sent, with Telegram's file ids."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import Final

from PIL import Image, UnidentifiedImageError

from bot.playground.errors import JSON, bad_request
from bot.playground.stats import Stats

MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
MAX_MEDIA_BYTES: Final = 50 * 1024 * 1024  # what bots may upload as animation, voice or audio
# Media kinds besides photos: Telegram's type name (as in "can't use file of type X as Y"), the
# start of its file_ids, its getFile folder and the file name extension used when none is given.
MEDIA_KINDS: Final[dict[str, tuple[str, str, str]]] = {
    "photo": ("Photo", "AgACAgEAAxkBAA", "photos"),
    "animation": ("Animation", "CgACAgEAAxkBAA", "animations"),
    "voice": ("VoiceNote", "AwACAgEAAxkBAA", "voice"),
    "audio": ("Audio", "CQACAgEAAxkBAA", "music"),
}


@dataclass
class StoredFile:
    """A file the stand-in holds (a photo, animation, voice note or audio the bot sent)."""

    file_id: str
    file_unique_id: str
    data: bytes
    mime_type: str
    width: int
    height: int
    file_path: str
    kind: str = "photo"
    duration: int = 0
    file_name: str | None = None

    def photo_size_json(self) -> JSON:
        """The Telegram `PhotoSize` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": len(self.data),
        }

    def media_json(self) -> JSON:
        """The Telegram `Animation`, `Voice` or `Audio` object of a media file."""
        media: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "duration": self.duration,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }
        if self.kind == "animation":
            media.update(width=self.width, height=self.height)
        if self.file_name is not None and self.kind != "voice":
            media["file_name"] = self.file_name
        return media

    def file_json(self) -> JSON:
        """The Telegram `File` object (what `getFile` answers)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


class FileStore:
    """Every file the stand-in issued a file_id for, by file_id and by getFile's file_path."""

    def __init__(self, stats: Stats) -> None:
        self._stats = stats
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}

    def store_photo(self, data: bytes, *, uploaded: bool) -> StoredFile:
        """Keep a photo (uploaded by the bot, or fetched from a URL) and give it a file_id."""
        if len(data) > MAX_PHOTO_BYTES:
            raise bad_request("file is too big")
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                mime_type = Image.MIME.get(image.format or "", "application/octet-stream")
        except (UnidentifiedImageError, OSError) as error:
            raise bad_request("IMAGE_PROCESS_FAILED") from error
        number = len(self._files) + 1
        extension = mime_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        stored = StoredFile(
            file_id="AgACAgEAAxkBAA" + secrets.token_urlsafe(36),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            data=data,
            mime_type=mime_type,
            width=width,
            height=height,
            file_path=f"photos/file_{number}.{extension}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        if uploaded:
            self._stats.record_upload(len(data))
        return stored

    def store_media(
        self,
        data: bytes,
        *,
        kind: str,
        uploaded: bool,
        duration: int = 0,
        file_name: str | None = None,
    ) -> StoredFile:
        """Keep an animation, voice note or audio file and give it a file_id of its kind.

        The size of a GIF animation is read; other animations are taken to be MP4 videos.
        """
        if kind not in MEDIA_KINDS or kind == "photo":
            raise ValueError(f"not a media kind: {kind}")
        if not data:
            raise bad_request(f"there is no {kind} in the request")
        if len(data) > MAX_MEDIA_BYTES:
            raise bad_request("file is too big")
        width = height = 0
        mime_type = {"voice": "audio/mpeg", "audio": "audio/mpeg"}.get(kind, "video/mp4")
        if kind == "animation":
            try:
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
                    mime_type = Image.MIME.get(image.format or "", mime_type)
            except (UnidentifiedImageError, OSError):
                pass  # not a GIF: an MP4 animation, kept as it came
        elif data[:4] == b"OggS":
            mime_type = "audio/ogg"
        _, prefix, folder = MEDIA_KINDS[kind]
        number = len(self._files) + 1
        extension = {"audio/ogg": "oga", "audio/mpeg": "mp3"}.get(
            mime_type, mime_type.rsplit("/", 1)[-1]
        )
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(36),
            file_unique_id="AgAD" + secrets.token_urlsafe(9),
            data=data,
            mime_type=mime_type,
            width=width,
            height=height,
            file_path=f"{folder}/file_{number}.{extension}",
            kind=kind,
            duration=duration,
            file_name=file_name,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        if uploaded:
            self._stats.record_upload(len(data))
        return stored

    def by_id(self, file_id: str) -> StoredFile | None:
        """A file by the file_id the stand-in issued."""
        return self._files.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """A file by the file_path `getFile` gave."""
        return self._files_by_path.get(file_path)
