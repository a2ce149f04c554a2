#!/bin/sh
# Runs basic_flow.py with the Python that has E2B's SDK: $SBX_E2B_SDK_PYTHON, else the
# venv ~/.cache/sbx/e2b-venv (see tests/conformance/README.md). Exit 77 (skipped) when
# there is none, unless CI=true.
python=${SBX_E2B_SDK_PYTHON:-${HOME:-/root}/.cache/sbx/e2b-venv/bin/python}
if [ ! -x "$python" ]; then
  echo "no Python with the e2b SDK at $python (set SBX_E2B_SDK_PYTHON or create the venv)"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
exec "$python" "$(dirname "$0")/basic_flow.py" "$@"
