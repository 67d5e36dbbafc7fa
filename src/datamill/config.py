"""Settings, from ``DATAMILL_*`` environment variables; the only place that reads the env."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Where datamill keeps its state.

    The embedded default is a SQLite file and a local blob folder under ``home``.
    """

    model_config = SettingsConfigDict(env_prefix="DATAMILL_", extra="ignore")

    home: Path = Field(default=Path(".datamill"), description="Folder for the embedded default")
    database_url: str | None = None
    storage_url: str | None = None
    max_upload_bytes: int = 200 * 1024 * 1024
    max_request_bytes: int = Field(
        default=2 * 1024 * 1024,
        description="Largest request body the API and web accept (larger: 413)",
    )
    import_root: Path | None = Field(
        default=None,
        description="Server folder the HTTP import endpoint may read from (None: any, dev only)",
    )
    env: str = "dev"
    secret_key: str = "dev-only-secret"  # noqa: S105 - refused outside dev by api.app

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'datamill.db').resolve()}"

    def resolved_storage_url(self) -> str:
        if self.storage_url:
            return self.storage_url
        return str((self.home / "blobs").resolve())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
