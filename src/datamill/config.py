"""Settings, from ``DATAMILL_*`` environment variables; the only place that reads the env."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from datamill.core.errors import InvalidInput

__all__ = ["BadSetting", "HomeRequired", "Settings", "business_timezone", "get_settings"]

#: the business's calendar when ``DATAMILL_BUSINESS_TIMEZONE`` is unset (UTC+08:00, the time zone
#: settlement periods always used)
DEFAULT_BUSINESS_TIMEZONE = "Asia/Shanghai"

#: database backends datamill runs on (``DATAMILL_DATABASE_URL``'s scheme, before any ``+driver``)
DATABASE_BACKENDS = ("sqlite", "postgresql")


class BadSetting(InvalidInput):
    """A ``DATAMILL_*`` environment variable holds a value datamill cannot use: one line naming
    the variable and what it needs (never the value of a secret); ``field`` names the first."""


class HomeRequired(BadSetting):
    """A server database (PostgreSQL) named without ``DATAMILL_HOME``: the home would be the
    current folder's ``./.datamill``, a new, empty one wherever the command runs, so its audit
    key, blobs and deliveries would not be the installation's."""

    code = "home_required"


class Settings(BaseSettings):
    """Where datamill keeps its state.

    The embedded default is a SQLite file and a local blob folder under ``home``.
    """

    model_config = SettingsConfigDict(env_prefix="DATAMILL_", extra="ignore")

    home: Path = Field(default=Path(".datamill"), description="Folder for the embedded default")
    database_url: str | None = None
    storage_url: str | None = None
    max_upload_bytes: int = 200 * 1024 * 1024
    max_archive_bytes: int = Field(
        default=20 * 1024**3, ge=1,
        description="Most bytes a .zip import may unpack to, all entries together (a zip bomb "
        "is refused before anything is written)",
    )
    max_archive_entries: int = Field(
        default=200_000, ge=1, description="Most entries (files and folders) a .zip import may hold",
    )
    max_remote_object_bytes: int = Field(
        default=4 * 1024**3, ge=1,
        description="Most bytes of one remote object registered in place (an s3:// or https:// "
        "URL) that are fetched into the cache; a larger one is refused (in_place_too_large) by "
        "its stated size before a byte is read, else while it is read",
    )
    max_request_bytes: int = Field(
        default=2 * 1024 * 1024,
        description="Largest request body the API and web accept (larger: 413)",
    )
    max_annotation_bytes: int = Field(
        default=32 * 1024 * 1024, ge=1,
        description="Largest body of the routes that carry one annotation document (submit, "
        "draft, review edit, inspection correction; larger: 413): a text as long as an import "
        "takes (1,000,000 characters) with a span every few words is some 10 MB",
    )
    request_read_timeout_s: float = Field(
        default=30.0, gt=0,
        description="Longest wait, in seconds, for a request's headers (from the connection "
        "or the previous answer; slower: the connection is closed) and for the next piece of "
        "its body, also the grace before ``min_body_bytes_per_s`` applies (slower: 408 and "
        "the connection closed)",
    )
    min_body_bytes_per_s: int = Field(
        default=1024, ge=0,
        description="Least average rate, in bytes a second, of a request body once "
        "``request_read_timeout_s`` has passed (a body trickled slower: 408); 0: none",
    )
    import_root: Path | None = Field(
        default=None,
        description="Server folder the HTTP import endpoint reads from (default: <home>/imports)",
    )
    env: str = "dev"
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto ``serve`` believes (the client's address for the sign-in throttle and "
        "the audit trail). Empty: 127.0.0.1 and ::1 with DATAMILL_ENV=prod (a TLS proxy on this "
        "machine), none otherwise.",
    )
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
    hot_lane_threaded: bool = Field(
        default=False,
        description="Run claim and submit in a worker thread instead of on the event loop; "
        "for a database across a network with round trips of a millisecond or more",
    )
    business_timezone: str = Field(
        default=DEFAULT_BUSINESS_TIMEZONE,
        description="IANA time zone of the business's calendar: the day revenue, costs, "
        "contracts, licences and hour points fall on, where settlement and ledger periods "
        "begin and end, and the clock pages show times in (e.g. Asia/Shanghai, Europe/Berlin, "
        "UTC). Set it once, before the first period closes: days already booked keep theirs",
    )
    catalog_vat_rate: Decimal = Field(
        default=Decimal("0.13"),
        description="Output VAT rate booked on a catalog licence's ledger order (and on an "
        "order of offering product_licence given no rate), as a fraction: 0.13 for the 13 % "
        "on licensed software products since 2019-04-01 (17 %, then 16 % before). A "
        "licence keeps the rate it was issued with; a change applies to licences "
        "issued (or renewed) after it",
    )
    service_vat_rate: Decimal = Field(
        default=Decimal("0.06"),
        description="Output VAT rate of a custom-work order (data services, a modern service: "
        "6 %) and of a quote, when none is given, as a fraction. An order keeps the rate it "
        "was opened with",
    )
    lang: str = Field(
        default="en",
        description="Language of the CLI's messages for people (en or zh-CN; a zh tag reads "
        "zh-CN): a refusal with a reason code is worded in it; --json keeps the English "
        "message and the reason_code",
    )
    package_cache_bytes: int = Field(
        default=20 * 1024**3, ge=0,
        description="Most bytes the local caches of packages on object storage (deliveries, "
        "catalog releases, licence transfer packages fetched from an s3:// store) hold on "
        "each machine together; the least recently used are removed beyond it (one in use "
        "in the last minutes is kept)",
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str | None) -> str | None:
        if not url:
            return url
        scheme = url.split("://", 1)[0] if "://" in url else ""
        backend = scheme.split("+", 1)[0]
        if backend == "postgres":  # the spelling Heroku and libpq-style tools hand out
            return "postgresql" + url[len(backend):]
        if backend not in DATABASE_BACKENDS:
            raise ValueError(
                f"datamill runs on {' or '.join(DATABASE_BACKENDS)}, not {scheme or url[:20]!r}: "
                "e.g. postgresql://user@host/db, or unset it for SQLite under DATAMILL_HOME")
        return url

    @field_validator("catalog_vat_rate", "service_vat_rate")
    @classmethod
    def _vat_fraction(cls, rate: Decimal) -> Decimal:
        if not rate.is_finite() or not Decimal(0) <= rate < 1:
            raise ValueError(f"{rate} is not a VAT rate: a fraction from 0 up to (not "
                             "including) 1, e.g. 0.13 for 13 %")
        if rate != rate.quantize(Decimal("0.0001")):
            raise ValueError(f"{rate} has more than four decimal places")
        return rate

    @field_validator("business_timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        return _zone(name).key

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'datamill.db').resolve()}"

    def check_home(self) -> None:
        """Refuse a server database without a named home (:class:`HomeRequired`).

        With the embedded default (no ``DATAMILL_DATABASE_URL``, or a SQLite one) the home is
        where the database is; a PostgreSQL database is shared by every machine and shell that
        runs datamill, and each of them must name the same home (audit key, session secret,
        blobs, deliveries), or it would silently start one in the current folder.
        """
        url = self.database_url or ""
        if not url or url.startswith("sqlite") or "home" in self.model_fields_set:
            return
        raise HomeRequired(
            "DATAMILL_DATABASE_URL names a PostgreSQL server but DATAMILL_HOME is not set: "
            "set DATAMILL_HOME to the installation's home folder (the one holding its "
            "audit_key, blobs and deliveries) wherever datamill runs; without it datamill "
            f"would use the current folder's {self.home.resolve()}", field="DATAMILL_HOME")

    def resolved_import_root(self) -> Path:
        """The only folder the API imports from; paths given to it are relative to it."""
        return (self.import_root or self.home / "imports").resolve()

    def resolved_storage_url(self) -> str:
        if self.storage_url:
            return self.storage_url
        return str((self.home / "blobs").resolve())


@lru_cache(maxsize=8)
def _zone(raw: str) -> ZoneInfo:
    """The zone ``raw`` names (set but empty: the default); ValueError for no zone."""
    name = raw.strip() or DEFAULT_BUSINESS_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:  # ValueError: a path-like name
        raise ValueError(
            f"{name!r} is not an IANA time zone name (e.g. Asia/Shanghai, Europe/Berlin, UTC)"
        ) from err


def business_timezone() -> ZoneInfo:
    """``Settings.business_timezone`` without building every setting (a ledger report asks it
    once per row); a name that is no time zone is a :class:`BadSetting`."""
    try:
        return _zone(os.environ.get("DATAMILL_BUSINESS_TIMEZONE", ""))
    except ValueError as err:
        raise BadSetting(f"DATAMILL_BUSINESS_TIMEZONE: {err} (fix or unset the variable)",
                         field="DATAMILL_BUSINESS_TIMEZONE") from None


#: settings whose values are never repeated in an error message
_SECRET_FIELDS = frozenset({"secret_key", "audit_key", "master_key", "s3_secret_access_key",
                            "s3_access_key_id", "database_url"})


def _setting_problems(err: ValidationError) -> str:
    """``DATAMILL_TOKEN_DAYS='abc': Input should be a valid integer`` for each bad variable."""
    problems = []
    for e in err.errors():
        name = str(e["loc"][0]) if e["loc"] else ""
        variable = f"DATAMILL_{name.upper()}"
        shown = "" if name in _SECRET_FIELDS or "input" not in e else f"={e['input']!r}"
        message = str(e["msg"]).removeprefix("Value error, ")
        problems.append(f"{variable}{shown}: {message}")
    return "; ".join(problems) + " (fix or unset the variable)"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings; a ``DATAMILL_*`` variable datamill cannot use is a :class:`BadSetting`."""
    try:
        return Settings()
    except ValidationError as err:
        names = [f"DATAMILL_{str(e['loc'][0]).upper()}" for e in err.errors() if e["loc"]]
        raise BadSetting(_setting_problems(err), field=names[0] if names else None) from None


def session_settings(session: Any) -> Settings:
    """The settings a database session runs with (its runtime's, ``session.info``), else the
    environment's (:func:`get_settings`)."""
    settings = session.info.get("datamill.settings")
    return settings if isinstance(settings, Settings) else get_settings()
