"""Settings, from ``DATAMILL_*`` environment variables; the only place that reads the env."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
        description="Server folder the HTTP import endpoint reads from (default: <home>/imports)",
    )
    env: str = "dev"
    secret_key: str | None = Field(
        default=None,
        description="Signs web session cookies. Unset: a random secret generated once into "
        "``home/session_secret`` (0600). Known or short secrets are refused in every env.",
    )
    audit_key: str | None = Field(
        default=None,
        description="HMAC key anchoring the audit chain, kept outside the database. Unset: a "
        "random key generated once into ``home/audit_key`` (0600).",
    )
    session_hours: int = Field(default=12, ge=1, description="Web session lifetime")
    token_days: int = Field(default=30, ge=1, description="Default API token lifetime")
    audit_checkpoint_every: int = Field(
        default=100, ge=1, description="Write a signed audit checkpoint every N records"
    )
    master_key: str | None = Field(
        default=None,
        description="Base64 AES-256 master key wrapping the data keys (encryption at rest). "
        "Set this or ``master_key_file``; with neither, blobs are stored unencrypted.",
    )
    master_key_file: Path | None = Field(
        default=None, description="File holding the master key (32 raw bytes or base64 text)"
    )
    export_assessment_countries: str = Field(
        default="*",
        description="Comma-separated ISO alpha-2 destinations whose cross-border deliveries need "
        "an approved export assessment ('*': every destination abroad); the export_rules table "
        "adds to it",
    )
    engine: Literal["local", "ray"] = Field(
        default="local",
        description="Where batch jobs (checks, pre-annotation, desensitization, sharded "
        "exports) run: a warm local process pool, or Ray (``DATAMILL_RAY_ADDRESS``)",
    )
    ray_address: str | None = Field(
        default=None,
        description="Ray cluster to join (``auto``, ``ray://head:10001``); unset: a local Ray",
    )
    engine_workers: int | None = Field(
        default=None, ge=1, description="Worker processes / CPUs a batch job uses (default: all)"
    )
    export_shard_items: int = Field(
        default=20_000, ge=0,
        description="Items per shard when a delivery's format is written in shards on Ray "
        "(``engine = ray``; formats that can merge shards, batches larger than one shard); "
        "0: never shard",
    )
    ray_max_retries: int = Field(
        default=3, ge=0, description="Times Ray re-runs a task whose worker died"
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint for an ``s3://`` storage_url"
    )
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_region: str | None = None
    s3_multipart_chunk_bytes: int = Field(
        default=8 * 1024 * 1024, ge=5 * 1024 * 1024,
        description="Blobs larger than this upload to S3 in parts of this size",
    )
    signed_url_seconds: int = Field(
        default=900, ge=1, description="Lifetime of signed media URLs handed to the workbench"
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'datamill.db').resolve()}"

    def resolved_import_root(self) -> Path:
        """The only folder the API imports from; paths given to it are relative to it."""
        return (self.import_root or self.home / "imports").resolve()

    def resolved_storage_url(self) -> str:
        if self.storage_url:
            return self.storage_url
        return str((self.home / "blobs").resolve())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
