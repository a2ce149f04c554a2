#!/bin/sh
# run.sh PROVIDER FAKE_BINARY — runs PROVIDER/basic_flow.py FAKE_BINARY with the Python
# that has the provider's official SDK: $SBX_<PROVIDER>_SDK_PYTHON, else the venv
# ~/.cache/sbx/<provider>-venv made by scripts/test from PROVIDER/requirements.txt.
# Exit 77 (skipped) when there is none, unless CI=true.
provider=$1
shift
variable=SBX_$(printf '%s' "$provider" | tr '[:lower:]' '[:upper:]')_SDK_PYTHON
eval "python=\${$variable:-\${HOME:-/root}/.cache/sbx/$provider-venv/bin/python}"
if [ ! -x "$python" ]; then
  echo "no Python with the $provider SDK at $python (set $variable or run scripts/test)"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
exec "$python" "$(dirname "$0")/$provider/basic_flow.py" "$@"
