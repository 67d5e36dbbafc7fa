#!/usr/bin/env bash
# One command: set up and run the demo (SQLite + a local folder under .datamill/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/datamill demo --fresh --full "$@"
