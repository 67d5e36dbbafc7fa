#!/usr/bin/env bash
# One command: set up and run the whole test suite, on SQLite and on a throw-away PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDIR=$(mktemp -d /tmp/datamill-pg.XXXXXX)
PGPORT=${DATAMILL_TEST_PG_PORT:-55432}
RUNAS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; RUNAS=(runuser -u postgres --); fi
"${RUNAS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
cleanup() { "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap cleanup EXIT
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres datamill_test
export DATAMILL_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/datamill_test"
# Compiled modules and pytest's assertion-rewritten test modules are kept between runs, outside
# the tree: with PYTHONDONTWRITEBYTECODE set (as some shells and CI images do) each xdist worker
# rewrote and compiled all 580 test modules again (collection: 27 s of CPU a worker, 10 s
# cached) and every datamill subprocess compiled src/ again.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/datamill-pycache}"

.venv/bin/ruff check src tests bench   # lint (rules in pyproject.toml)
.venv/bin/lint-imports                 # architecture contracts (.importlinter)
# mypy --strict over src/ ([tool.mypy] in pyproject.toml): 50 s of CPU on one core from cold,
# 1 s with its cache. The cache is kept beside the compiled modules, outside the tree (a fresh
# checkout has no .mypy_cache), and mypy runs beside the tests instead of before them (it
# kept one of the two cores alone for those 50 s); its verdict is printed after theirs.
MYPY_LOG=$(mktemp /tmp/datamill-mypy.XXXXXX)
trap 'cleanup; rm -f "$MYPY_LOG"' EXIT
.venv/bin/mypy --cache-dir "$(dirname "$PYTHONPYCACHEPREFIX")/datamill-mypy" >"$MYPY_LOG" 2>&1 &
mypy_pid=$!

set +e
.venv/bin/python -m pytest -n 2 "$@"
rc=$?
wait "$mypy_pid"
mypy_rc=$?
set -e
echo "mypy:"; cat "$MYPY_LOG"; rm -f "$MYPY_LOG"
[ "$mypy_rc" != 0 ] && exit "$mypy_rc"
[ "$rc" = 5 ] && { echo "no tests collected"; exit 0; }
exit "$rc"
