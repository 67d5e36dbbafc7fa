#!/usr/bin/env bash
# Set up everything datamill needs on a fresh Debian machine: system packages and a virtualenv.
#   scripts/setup.sh          runtime only (demo)
#   scripts/setup.sh --dev    plus test dependencies and PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0; [ "${1:-}" = "--dev" ] && DEV=1

need_apt=()
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
dpkg -s libsndfile1 >/dev/null 2>&1 || need_apt+=(libsndfile1)
# image/OCR: Tesseract with English and Simplified Chinese, and a CJK font for rendered scenes
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
dpkg -s tesseract-ocr-chi-sim >/dev/null 2>&1 || need_apt+=(tesseract-ocr-chi-sim)
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || need_apt+=(fonts-wqy-zenhei)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need_apt+=(fonts-dejavu-core)
if [ "$DEV" = 1 ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)   # browser tests (Playwright)
  command -v sox >/dev/null 2>&1 || need_apt+=(sox)   # Kaldi wav.scp pipes read back by lhotse
  dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need_apt+=(fonts-wqy-microhei)  # OCR bench fonts
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.datamill-setup-$DEV
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  if [ "$DEV" = 1 ]; then
    # lhotse (the Kaldi-dir reader in the tests) needs torch: the CPU build this machine's
    # configured package sources provide (pip's own configuration; no index named here).
    .venv/bin/pip install -q "torch==2.13.0"
    .venv/bin/pip install -q -e ".[dev]"
  else
    # the demo's image (Pillow/OpenCV, PP-OCR in rapidocr's wheel) and text (jieba, lingua) projects
    .venv/bin/pip install -q -e ".[vision,ocr,text,pointcloud]"
  fi
  touch "$stamp"
fi
if [ "$DEV" = 1 ]; then
  # PaddleX's own dataset checkers read our PaddleOCR det/rec exports in a test
  # (tests/tools/paddlex_check.py). Its pins (numpy<2.4, PyYAML==6.0.2) clash with .venv, so it
  # gets a venv of its own; no paddlepaddle is needed for the checkers.
  PADDLEX=3.7.2
  pdx_cache=$(mktemp -d)   # paddlex writes its cache under ~/.paddlex otherwise
  if ! PADDLE_PDX_CACHE_HOME="$pdx_cache" .venv-paddlex/bin/python -c \
      "import sys, paddlex; sys.exit(paddlex.__version__ != '$PADDLEX')" >/dev/null 2>&1; then
    [ -x .venv-paddlex/bin/python ] || "$PY" -m venv .venv-paddlex
    .venv-paddlex/bin/pip install -q "paddlex==$PADDLEX"
  fi
  rm -rf "$pdx_cache"
fi
echo "setup: ready (.venv)"
