"""Content-addressed blob store over fsspec."""

from datamill.storage.blobstore import BlobStore

__all__ = ["BlobStore"]
