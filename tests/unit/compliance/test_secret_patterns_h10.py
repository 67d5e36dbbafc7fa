"""A secret that is a short pattern repeated, or a run, is refused like a short one: its
length says nothing of how hard it is to guess (one character repeated, or a pattern of under
8 distinct characters, is refused as short: see test_issue8_d1_forged_session)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli.main import app as cli
from datamill.compliance.keys import WeakSecret, novel_chars, read_or_create_secret, session_secret
from datamill.config import Settings, get_settings

GUESSABLE = [
    "0123456789" * 4,
    "abcdefgh" * 5,
    "s3cret-Xy9" * 6,
    "abcdefghijklmnopqrstuvwxyz0123456789",
    "Zq8-tok!" * 5 + "Zq8",
]
#: random ones as ``secrets`` makes them (token_urlsafe(32), token_hex(16)), and the tests' own
STRONG = [
    "kq2V0u1m9bQ4yXo3Wc7Pz_fR5tLhJ8nAeD6sGiKvUwE",
    "9c41e07bd2f8a6353e0f1c7b84d29a6e",
    "workers-share-DATAMILL_SECRET_KEY-" + "7f3a9c" * 6,
]


@pytest.mark.parametrize("env", ["dev", "production"])
@pytest.mark.parametrize("weak", GUESSABLE)
def test_a_repeated_pattern_or_a_run_is_refused(tmp_path: Path, env: str, weak: str) -> None:
    with pytest.raises(WeakSecret, match="guessable pattern") as err:
        session_secret(Settings(home=tmp_path, env=env, secret_key=weak))
    assert 'print(secrets.token_urlsafe(32))' in err.value.message
    assert weak not in err.value.message


@pytest.mark.parametrize("strong", STRONG)
def test_random_secrets_are_taken(tmp_path: Path, strong: str) -> None:
    assert session_secret(Settings(home=tmp_path, env="production", secret_key=strong)) == strong


def test_generated_secrets_always_pass(tmp_path: Path) -> None:
    assert min(novel_chars(read_or_create_secret(tmp_path / f"s{i}")) for i in range(50)) >= 60


def test_a_stored_repeated_secret_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "session_secret"
    path.write_text("x9Y-Wq7!" * 6)
    path.chmod(0o600)
    with pytest.raises(WeakSecret, match="guessable pattern"):
        read_or_create_secret(path)


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("DATAMILL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATAMILL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_serve_refuses_a_repeated_secret_in_one_line(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMILL_SECRET_KEY", "0123456789" * 4)
    with socket.socket() as taken:  # were the secret taken, serve stops at the port (no hang)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error (weak_secret): DATAMILL_SECRET_KEY is a guessable")
    assert result.stderr.count("\n") == 1 and "token_urlsafe(32)" in result.stderr
    assert not (home / "datamill.db").exists()
