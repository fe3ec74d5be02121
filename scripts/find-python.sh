#!/usr/bin/env bash
# Prints the Python to build .venv with, after checking everything the set-up needs, so that a missing
# piece is named before pip downloads anything. Usage: find-python.sh [INTERPRETER]
#   INTERPRETER given (make PY=python3.12): that one, or an error.
#   Otherwise: python3.11, then python3.12, from PATH, then from pyenv's versions (each must really run:
#   a pyenv shim of a version that is not selected does not).
# durable_rules (the rule engine) compiles from source: it needs the Python headers and a C compiler,
# and it does not build on Python 3.13 (nor run: PyEval_CallObject is gone).
set -u
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
if [ -n "${1:-}" ]; then
  candidates=("$1")
  case "$1" in */*) ;; *) for p in "$root"/versions/*/bin/"$1"; do [ -x "$p" ] && candidates+=("$p"); done ;; esac
else
  candidates=(python3.11 python3.12)
  for v in 3.11 3.12; do
    for p in "$root"/versions/"$v".*/bin/python"$v"; do [ -x "$p" ] && candidates+=("$p"); done
  done
fi
py=""
for c in "${candidates[@]}"; do
  if "$c" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))' >/dev/null 2>&1; then
    py=$(command -v "$c"); break
  fi
done
if [ -z "$py" ]; then
  {
    echo "set-up: no usable Python 3.11 or 3.12 (tried: ${candidates[*]})."
    echo "  The advisor runs on CPython 3.11 or 3.12 (durable_rules does not build on 3.13)."
    echo "  Debian 12: apt-get install python3.11 python3.11-venv python3.11-dev build-essential"
    echo "  Or name one: make setup PY=/path/to/python3.12"
  } >&2
  exit 1
fi
ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
missing=()
"$py" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=("the venv module with ensurepip (Debian: python$ver-venv)")
inc=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
[ -f "$inc/Python.h" ] || missing+=("the Python headers, $inc/Python.h (Debian: python$ver-dev)")
command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing+=("a C compiler (Debian: build-essential)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "set-up: $py (Python $ver) found, but missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "  durable_rules, the rule engine, compiles from source and needs them. Nothing was downloaded." >&2
  exit 1
fi
echo "$py"
