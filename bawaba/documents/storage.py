"""The supporting documents' own storage: the STORAGES alias "documents" (settings.py).

A private folder by default, S3-compatible object storage when BAWABA_DOCUMENTS_S3_BUCKET is set
(docs/operations.md). No URL serves it: a document leaves only through a view that checks the right to see it and
answers with bawaba.documents.responses. Every function takes the storage as an argument, defaulting to the alias,
so the tests run the same calls against a folder and against a real S3 server.

Names are random (`secrets.token_urlsafe`, 192 bits), with the extension of the type found in the content: nothing
of the uploaded name (`../`, control characters, a misleading extension) ever reaches the storage. A two-character
folder spreads 150,000 files over 4,096 folders.
"""

import secrets

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages

from bawaba.documents.validation import ValidatedFile

STORAGE_ALIAS = "documents"
NAME_BYTES = 24


def documents_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def random_name(extension: str) -> str:
    token = secrets.token_urlsafe(NAME_BYTES)
    return f"{token[:2]}/{token}{extension}"


def store(validated: ValidatedFile, *, storage: Storage | None = None) -> str:
    """Write the clean payload under a new random name; return the name the storage kept."""
    storage = storage or documents_storage()
    return storage.save(random_name(validated.extension), ContentFile(validated.content))


def open_stored(name: str, *, storage: Storage | None = None) -> File:
    """The stored file, opened for reading in binary (close it, or hand it to a FileResponse that will)."""
    return (storage or documents_storage()).open(name, "rb")


def read_stored(name: str, *, storage: Storage | None = None) -> bytes:
    with open_stored(name, storage=storage) as stored:
        return stored.read()


def delete_stored(name: str, *, storage: Storage | None = None) -> None:
    """Remove the file; removing one already gone is not an error (a retried deletion)."""
    (storage or documents_storage()).delete(name)


def exists(name: str, *, storage: Storage | None = None) -> bool:
    return (storage or documents_storage()).exists(name)
