"""The files a send method carries: uploads, attach:// parts, file_ids we issued, local URLs."""

from __future__ import annotations

import ipaddress
import logging
import math
from typing import Final

import aiohttp
from yarl import URL

from bot.playground.errors import bad_request
from bot.playground.files import MAX_MEDIA_BYTES, MAX_PHOTO_BYTES, MEDIA_KINDS, StoredFile
from bot.playground.params import Params
from bot.playground.state import PlaygroundState
from bot.sounds.mp3 import NotMp3Error, mp3_duration

logger = logging.getLogger(__name__)

URL_FETCH_TIMEOUT_SECONDS: Final = 5.0


def is_local_url(url: str) -> bool:
    """Whether `url` points at this machine (the only place the playground fetches from)."""
    host = URL(url).host or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def fetch_local_url(url: str, limit: int = MAX_PHOTO_BYTES) -> bytes:
    """Download a file given by URL; only loopback URLs, since the playground is offline."""
    if not is_local_url(url):
        logger.warning("a file by URL: the playground fetches only loopback URLs")
        raise bad_request("failed to get HTTP URL content")
    timeout = aiohttp.ClientTimeout(total=URL_FETCH_TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                raise bad_request("failed to get HTTP URL content")
            data = await response.content.read(limit + 1)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise bad_request("failed to get HTTP URL content") from error
    return data


async def photo_input(state: PlaygroundState, params: Params) -> StoredFile:
    """The `photo` of sendPhoto: an upload, an attach:// part, a file_id we issued, or a URL."""
    upload = params.files.get("photo")
    value = None if upload else (params.text("photo") or "").strip()
    if value and value.startswith("attach://"):
        upload = params.files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request("there is no photo in the request")
    if upload is not None:
        return state.files.store_photo(upload.data, uploaded=True)
    if not value:
        raise bad_request("there is no photo in the request")
    if value.startswith(("http://", "https://")):
        return state.files.store_photo(await fetch_local_url(value), uploaded=False)
    return known_file(state, value, "photo")


def known_file(state: PlaygroundState, file_id: str, kind: str) -> StoredFile:
    """A file_id the stand-in issued, for a method that sends this kind of file."""
    stored = state.files.by_id(file_id)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(
            f"can't use file of type {MEDIA_KINDS[stored.kind][0]} as {MEDIA_KINDS[kind][0]}"
        )
    return stored


def sound_duration(data: bytes) -> int:
    """Whole seconds an MP3 plays (rounded up), or 0 for another format."""
    try:
        return math.ceil(mp3_duration(data))
    except NotMp3Error:
        return 0


async def media_input(state: PlaygroundState, params: Params, kind: str) -> StoredFile:
    """The `animation`, `voice` or `audio` of its send method, taken like sendPhoto's `photo`."""
    upload = params.files.get(kind)
    value = None if upload else (params.text(kind) or "").strip()
    if value and value.startswith("attach://"):
        upload = params.files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request(f"there is no {kind} in the request")
    if upload is not None:
        data, uploaded, file_name = upload.data, True, upload.filename
    elif not value:
        raise bad_request(f"there is no {kind} in the request")
    elif value.startswith(("http://", "https://")):
        data, uploaded, file_name = await fetch_local_url(value, MAX_MEDIA_BYTES), False, None
    else:
        return known_file(state, value, kind)
    duration = params.integer("duration")
    if duration is None:
        duration = sound_duration(data) if kind in ("voice", "audio") else 0
    return state.files.store_media(
        data, kind=kind, uploaded=uploaded, duration=duration, file_name=file_name
    )
