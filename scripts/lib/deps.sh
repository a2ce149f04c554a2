# shellcheck shell=bash
# scripts/lib/deps.sh — Debian packages the project needs, and an idempotent installer.
#
# Sourced by scripts/demo, scripts/test and scripts/engines. Defines:
#   SBX_BUILD_DEPS   packages needed to configure and build the library, CLI and examples
#   SBX_TEST_DEPS    extra packages for the test suite: real engines, test image, fuzzing
#   sbx_install_deps PKG...   install the missing ones; silent when all are installed
#   sbx_note / sbx_die / sbx_now / sbx_since   small logging and timing helpers
#
# A new machine has none of these installed by hand, so every script installs what it
# uses through this file. `apt-get update` runs only when a package is missing.

# shellcheck disable=SC2034  # the lists are used by the scripts that source this file

# Packages to build libsbx, the sbx CLI and the examples.
SBX_BUILD_DEPS=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-all-dev libssl-dev libarchive-dev catch2 libcpptoml-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
)

# Packages the test suite needs on top of the build deps.
SBX_TEST_DEPS=(
  # engines: bubblewrap, Debian's Docker engine (dockerd + containerd + runc)
  bubblewrap docker.io iptables
  # local test image: debootstrap of a minimal Debian rootfs, no registry
  debootstrap debian-archive-keyring
  # Ray is installed from PyPI into a venv; these give a python/pip/venv to do it with
  python3 python3-pip python3-venv
  # tools the scripts and tests call
  git curl ca-certificates procps util-linux iproute2 shellcheck
  # sanitizers and fuzzing (libFuzzer lives in clang's runtime)
  clang-14 libclang-rt-14-dev
)

# sbx_note MSG... — one progress line on stderr.
sbx_note() { printf 'sbx: %s\n' "$*" >&2; }

# sbx_die MSG... — print MSG and exit 1.
sbx_die() { printf 'sbx: error: %s\n' "$*" >&2; exit 1; }

# sbx_now — the current time in seconds, with microseconds (for sbx_since).
sbx_now() { printf '%s' "$EPOCHREALTIME"; }

# sbx_since START — seconds elapsed since START (from sbx_now), one decimal.
sbx_since() {
  local start=$1 now=$EPOCHREALTIME
  awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}

# sbx_as_root CMD... — run CMD as root (directly when root, else through sudo).
sbx_as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -- "$@"
  else
    sbx_die "need root (or sudo) to run: $*"
  fi
}

# sbx_missing_deps PKG... — print the packages of PKG... that are not installed.
sbx_missing_deps() {
  local pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [[ $status == ii* ]] || printf '%s\n' "$pkg"
  done
}

# sbx_install_deps PKG... — install the missing packages of PKG... with apt-get.
# Prints nothing when everything is installed; otherwise one line, then apt's errors only.
sbx_install_deps() {
  local -a missing
  mapfile -t missing < <(sbx_missing_deps "$@")
  ((${#missing[@]} > 0)) || return 0

  local start log
  start=$(sbx_now)
  log=$(mktemp -t sbx-apt.XXXXXX)
  sbx_note "installing ${#missing[@]} Debian package(s): ${missing[*]}"
  local -a apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q
                -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef
                -o Dpkg::Options::=--force-confold)
  if ! sbx_as_root "${apt[@]}" update >"$log" 2>&1 \
     || ! sbx_as_root "${apt[@]}" install "${missing[@]}" >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    sbx_die "apt-get failed installing: ${missing[*]}"
  fi
  rm -f "$log"
  sbx_note "installed in $(sbx_since "$start")s"
}
