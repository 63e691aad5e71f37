"""Save bytes, hand out short-lived URLs for them, delete them.

One module so every feature stores media the same way: S3 (presigned URLs) when configured,
local files under MEDIA_ROOT otherwise. Keys are chosen by the caller and derived from the
owning row (e.g. `articles/<job id>/audio.wav`), so a retried job overwrites its own object
instead of leaking a new one.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    content_type: str


def _storage(storage: Storage | None) -> Storage:
    return storage if storage is not None else default_storage


def save_bytes(
    key: str, data: bytes, *, content_type: str = "application/octet-stream", storage: Storage | None = None
) -> StoredFile:
    """Store `data` under exactly `key`, replacing what was there."""
    store = _storage(storage)
    if store.exists(key):
        store.delete(key)
    content = ContentFile(data, name=key.rsplit("/", 1)[-1])
    content.content_type = content_type  # read by the S3 backend for the object's Content-Type
    saved = store.save(key, content)
    return StoredFile(key=saved, size=len(data), content_type=content_type)


def save_file(
    key: str, fh, *, size: int, content_type: str = "application/octet-stream", storage: Storage | None = None
) -> StoredFile:
    """Store the open binary file `fh` under exactly `key`, streamed (S3: a multipart upload), so a
    large object never sits in memory whole."""
    from django.core.files import File

    store = _storage(storage)
    if store.exists(key):
        store.delete(key)
    content = File(fh, name=key.rsplit("/", 1)[-1])
    content.content_type = content_type
    saved = store.save(key, content)
    return StoredFile(key=saved, size=size, content_type=content_type)


# What media_url() gives, for the OpenAPI schema: a presigned absolute URL on S3, but a path
# (`/media/...`) with local storage, which `format: uri` (absolute only) would call invalid.
MEDIA_URL_SCHEMA = {"type": "string", "format": "uri-reference", "nullable": True, "readOnly": True}


def media_url(key: str | None, *, expire: int | None = None, storage: Storage | None = None) -> str | None:
    """A short-lived URL for `key` (presigned on S3, `/media/...` locally); None for no key."""
    if not key:
        return None
    url = _storage(storage).url
    if _takes_expiry(getattr(url, "__func__", url)):
        return url(key, expire=expire or settings.MEDIA_URL_EXPIRE_SECONDS)
    return url(key)


@functools.cache
def _takes_expiry(url_function) -> bool:
    """S3's `url` takes an expiry, FileSystemStorage's does not: looked up once per backend rather
    than by catching a TypeError on every call (an exception per card of a due queue, and a
    TypeError raised inside a backend would have been taken for the missing parameter)."""
    return "expire" in inspect.signature(url_function).parameters


def read_bytes(key: str, *, storage: Storage | None = None) -> bytes:
    with _storage(storage).open(key, "rb") as fh:
        return fh.read()


def delete(key: str | None, *, storage: Storage | None = None) -> None:
    if key:
        _storage(storage).delete(key)


def exists(key: str, *, storage: Storage | None = None) -> bool:
    return _storage(storage).exists(key)
