# shellcheck shell=bash
# scripts/lib/engines.sh — start, check and stop the real engines the tests run against.
#
# Sourced by scripts/test and scripts/engines, after scripts/lib/deps.sh. Engines:
#   bwrap   bubblewrap, checked only (no daemon)
#   docker  Debian's dockerd on /var/run/docker.sock, started here when no daemon answers,
#           with no bridge and no iptables (see SBX_DOCKERD_FLAGS), plus the local test
#           image sbx-test/python:1 built by scripts/build-test-image
#   ray     a single-node Ray head on loopback from PyPI's ray[default] in a venv, with
#           its dashboard / Jobs REST API on 127.0.0.1:8265
#
# sbx_engines_up starts what is missing and records what it started; sbx_engines_down stops
# only that. With CI=true an engine that cannot start is a hard error; otherwise one line
# says which engine is unavailable and its tests skip. sbx_engines_export exports the
# tests' environment for the engines that are up:
#   SBX_TEST_DOCKER_IMAGE=sbx-test/python:1  DOCKER_HOST=unix:///var/run/docker.sock
#   RAY_ADDRESS=http://127.0.0.1:8265
#   SBX_<PROVIDER>_SDK_PYTHON=~/.cache/sbx/<provider>-venv/bin/python (one per tests/conformance/*/)

: "${SBX_REPO:?set SBX_REPO to the repository root before sourcing engines.sh}"
SBX_ENGINE_DIR=${SBX_ENGINE_DIR:-$SBX_REPO/build/engines}   # daemon logs live here
SBX_CACHE_DIR=${SBX_CACHE_DIR:-${HOME:-/root}/.cache/sbx}   # venv, rootfs tarball
export SBX_CACHE_DIR

SBX_DOCKER_CLI=${SBX_DOCKER_CLI:-/usr/bin/docker}   # Debian's client, same age as dockerd
export SBX_DOCKER_CLI
SBX_DOCKER_SOCK=/var/run/docker.sock
SBX_DOCKER_IMAGE=sbx-test/python:1
# No docker0 bridge and no iptables: containers get --network none (or host), the host's
# firewall and ip_forward stay untouched, and no private-range bridge subnet is created.
SBX_DOCKERD_FLAGS=(--bridge=none --iptables=false --ip6tables=false --ip-forward=false
                   --ip-masq=false --shutdown-timeout=5)

SBX_RAY_VERSION=${SBX_RAY_VERSION:-2.60.0}
SBX_RAY_VENV=${SBX_RAY_VENV:-$SBX_CACHE_DIR/ray-venv}
SBX_RAY_DASHBOARD_PORT=8265

SBX_ENGINES_STARTED=()       # what this process started: docker, ray
SBX_ENGINES_UNAVAILABLE=()   # engine names that could not be brought up
SBX_DOCKERD_PID=""

# sbx_engine_unavailable NAME REASON — fail hard under CI, else say so once and go on.
sbx_engine_unavailable() {
  local name=$1 reason=$2
  if [[ ${CI:-} == true ]]; then
    sbx_die "engine $name failed to start under CI: $reason"
  fi
  SBX_ENGINES_UNAVAILABLE+=("$name")
  sbx_note "engine unavailable: $name ($reason); its tests will skip"
  return 1
}

# sbx_engine_ok NAME — true when NAME did not fail to come up.
sbx_engine_ok() {
  local e
  for e in "${SBX_ENGINES_UNAVAILABLE[@]}"; do [[ $e != "$1" ]] || return 1; done
}

# sbx_wait_until SECONDS CMD... — poll CMD every 0.2 s until it succeeds or time runs out.
sbx_wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# --- bubblewrap ---------------------------------------------------------------------

# sbx_bwrap_check — bwrap can build a sandbox with every namespace unshared.
sbx_bwrap_check() {
  local start out
  start=$(sbx_now)
  command -v bwrap >/dev/null || { sbx_engine_unavailable bwrap "bwrap not installed"; return 1; }
  if ! out=$(bwrap --ro-bind / / --unshare-all --die-with-parent --dev /dev --proc /proc \
                   --tmpfs /tmp true 2>&1); then
    sbx_engine_unavailable bwrap "bwrap --unshare-all failed: ${out:-no output}"
    return 1
  fi
  sbx_note "bwrap: ok ($(bwrap --version)) in $(sbx_since "$start")s"
}

# --- Docker -------------------------------------------------------------------------

sbx_docker_ping() {
  curl -sf --max-time 2 --unix-socket "$SBX_DOCKER_SOCK" http://localhost/_ping >/dev/null 2>&1
}

sbx_dockerd_alive() { [[ -n $SBX_DOCKERD_PID ]] && kill -0 "$SBX_DOCKERD_PID" 2>/dev/null; }

# sbx_dockerd_start [STORAGE_DRIVER] — start dockerd in the background, wait for /_ping.
sbx_dockerd_start() {
  local driver=${1:-${SBX_DOCKER_STORAGE_DRIVER:-}} start log
  local -a flags=("${SBX_DOCKERD_FLAGS[@]}")
  [[ -z $driver ]] || flags+=(--storage-driver "$driver")
  command -v dockerd >/dev/null || { sbx_engine_unavailable docker "dockerd not installed"; return 1; }
  mkdir -p "$SBX_ENGINE_DIR"
  log=$SBX_ENGINE_DIR/dockerd.log
  start=$(sbx_now)
  sbx_dockerd_clear_stale_pidfile
  # Own session, so a Ctrl-C at the terminal reaches the scripts' trap, not dockerd;
  # stdio to a file, so CI's output pipe is not held open by the daemon.
  setsid dockerd "${flags[@]}" >"$log" 2>&1 </dev/null &
  SBX_DOCKERD_PID=$!
  # A daemon that was killed with containers running first removes their stale network
  # sandboxes, one by one (minutes after a killed 200-container test): give it time.
  local deadline=$((SECONDS + ${SBX_DOCKERD_START_SECONDS:-600}))
  until sbx_docker_ping; do
    if ! sbx_dockerd_alive || ((SECONDS >= deadline)); then
      sbx_dockerd_stop
      tail -n 15 "$log" | sed 's/^/dockerd: /' >&2
      sbx_engine_unavailable docker "dockerd did not answer on $SBX_DOCKER_SOCK: $(grep -vE 'level=(info|debug|warning)' "$log" | tail -n 1) (log: $log)"
      return 1
    fi
    sleep 0.1
  done
  # setsid may have forked: the daemon's own pid file is authoritative.
  [[ ! -s /var/run/docker.pid ]] || SBX_DOCKERD_PID=$(</var/run/docker.pid)
  SBX_ENGINES_STARTED+=(docker)
  sbx_note "docker: started dockerd (pid $SBX_DOCKERD_PID, storage $("$SBX_DOCKER_CLI" info --format '{{.Driver}}' 2>/dev/null)) in $(sbx_since "$start")s, log $log"
}

# sbx_dockerd_clear_stale_pidfile — remove /var/run/docker.pid when no dockerd owns it.
# A daemon that was killed leaves the file behind; once its pid is reused by any other
# process, a new dockerd refuses to start ("pid file found").
sbx_dockerd_clear_stale_pidfile() {
  local pidfile=/var/run/docker.pid pid
  [[ -s $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if [[ $(cat "/proc/$pid/comm" 2>/dev/null) != dockerd ]]; then
    rm -f "$pidfile"
  fi
}

# sbx_dockerd_stop — stop the dockerd this process started (TERM, then KILL after 30 s).
sbx_dockerd_stop() {
  local e kept=()
  for e in "${SBX_ENGINES_STARTED[@]}"; do [[ $e == docker ]] || kept+=("$e"); done
  SBX_ENGINES_STARTED=("${kept[@]}")
  [[ -n $SBX_DOCKERD_PID ]] || return 0
  if sbx_dockerd_alive; then
    kill -TERM "$SBX_DOCKERD_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while sbx_dockerd_alive && ((SECONDS < deadline)); do sleep 0.2; done
    ! sbx_dockerd_alive || kill -KILL "$SBX_DOCKERD_PID" 2>/dev/null || true
  fi
  wait "$SBX_DOCKERD_PID" 2>/dev/null || true
  SBX_DOCKERD_PID=""
}

# sbx_docker_smoke — a container of the test image runs python3 with no network.
sbx_docker_smoke() {
  "$SBX_DOCKER_CLI" run --rm --network none "$SBX_DOCKER_IMAGE" \
    python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

# sbx_docker_image — build (or find cached) the test image, then prove a container runs.
sbx_docker_image() {
  local log=$SBX_ENGINE_DIR/test-image.log
  mkdir -p "$SBX_ENGINE_DIR"
  if ! "$SBX_REPO/scripts/build-test-image" 2> >(tee "$log" >&2); then
    sbx_engine_unavailable docker "building $SBX_DOCKER_IMAGE failed (log: $log)"
    return 1
  fi
  sbx_docker_smoke
}

# sbx_docker_up — a daemon on /var/run/docker.sock with the test image, started if needed.
sbx_docker_up() {
  if sbx_docker_ping; then
    sbx_note "docker: using the daemon already answering on $SBX_DOCKER_SOCK"
  else
    sbx_dockerd_start || return 1
  fi
  sbx_docker_image && return 0
  sbx_engine_ok docker || return 1
  # overlay2 may mount yet fail for containers (overlay on overlay, odd kernels): retry
  # once on vfs, which works anywhere but copies the rootfs for every container.
  local driver
  driver=$("$SBX_DOCKER_CLI" info --format '{{.Driver}}' 2>/dev/null || true)
  if [[ -n $SBX_DOCKERD_PID && $driver != vfs ]]; then
    sbx_note "docker: containers fail on storage driver '$driver'; restarting dockerd on vfs"
    sbx_dockerd_stop
    sbx_dockerd_start vfs || return 1
    sbx_docker_image && return 0
    sbx_engine_ok docker || return 1
  fi
  sbx_engine_unavailable docker "a container of $SBX_DOCKER_IMAGE failed to run (log: $SBX_ENGINE_DIR/dockerd.log)"
}

# --- Ray ----------------------------------------------------------------------------

sbx_ray_api() {
  curl -sf --max-time 2 "http://127.0.0.1:$SBX_RAY_DASHBOARD_PORT/api/version" >/dev/null 2>&1
}

# sbx_ray_cli ARGS... — the venv's ray CLI, without RAY_ADDRESS (meant for the tests).
sbx_ray_cli() {
  env -u RAY_ADDRESS RAY_USAGE_STATS_ENABLED=0 PATH="$SBX_RAY_VENV/bin:$PATH" \
    "$SBX_RAY_VENV/bin/ray" "$@"
}

# sbx_ray_install — ray[default]==SBX_RAY_VERSION in SBX_RAY_VENV (kept between runs).
sbx_ray_install() {
  if [[ -x $SBX_RAY_VENV/bin/ray ]] \
     && [[ $("$SBX_RAY_VENV/bin/python" -c 'import ray; print(ray.__version__)' 2>/dev/null) == "$SBX_RAY_VERSION" ]]; then
    return 0
  fi
  local start python log=$SBX_ENGINE_DIR/ray-pip.log
  start=$(sbx_now)
  mkdir -p "$SBX_ENGINE_DIR" "$SBX_CACHE_DIR"
  python=$(command -v python3 || true)
  [[ -n $python ]] || { sbx_engine_unavailable ray "no python3"; return 1; }
  sbx_note "ray: installing ray[default]==$SBX_RAY_VERSION into $SBX_RAY_VENV"
  if ! { "$python" -m venv --clear "$SBX_RAY_VENV" \
         && "$SBX_RAY_VENV/bin/python" -m pip install -q "ray[default]==$SBX_RAY_VERSION"; } \
       >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -rf "$SBX_RAY_VENV"
    sbx_engine_unavailable ray "pip install ray[default]==$SBX_RAY_VERSION failed (log: $log)"
    return 1
  fi
  sbx_note "ray: installed in $(sbx_since "$start")s"
}

# sbx_free_port — a TCP port free on 127.0.0.1 right now.
sbx_free_port() {
  "$SBX_RAY_VENV/bin/python" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# sbx_ray_up — a Ray head with its Jobs API on 127.0.0.1:8265, started if none answers.
sbx_ray_up() {
  if sbx_ray_api; then
    sbx_note "ray: using the cluster already answering on 127.0.0.1:$SBX_RAY_DASHBOARD_PORT"
    return 0
  fi
  sbx_ray_install || return 1
  local start port log=$SBX_ENGINE_DIR/ray-start.log
  start=$(sbx_now)
  port=$(sbx_free_port)
  # ray start daemonizes; its processes inherit this log file, never CI's pipe.
  if ! sbx_ray_cli start --head --node-ip-address 127.0.0.1 --port "$port" \
         --dashboard-host 127.0.0.1 --dashboard-port "$SBX_RAY_DASHBOARD_PORT" \
         --include-dashboard true --object-store-memory 268435456 \
         --disable-usage-stats >"$log" 2>&1 </dev/null; then
    sbx_ray_cli stop --force >>"$log" 2>&1 || true
    sbx_engine_unavailable ray "ray start failed: $(grep -iE 'error|exception' "$log" | tail -n 1) (log: $log)"
    return 1
  fi
  SBX_ENGINES_STARTED+=(ray)
  if ! sbx_wait_until 120 sbx_ray_api; then
    sbx_ray_stop
    sbx_engine_unavailable ray "dashboard did not answer on 127.0.0.1:$SBX_RAY_DASHBOARD_PORT within 120 s (log: $log)"
    return 1
  fi
  sbx_note "ray: started head (gcs port $port, Ray $SBX_RAY_VERSION) in $(sbx_since "$start")s, jobs API http://127.0.0.1:$SBX_RAY_DASHBOARD_PORT"
}

# sbx_ray_stop — stop the Ray head this process started.
sbx_ray_stop() {
  local e kept=()
  for e in "${SBX_ENGINES_STARTED[@]}"; do [[ $e == ray ]] || kept+=("$e"); done
  SBX_ENGINES_STARTED=("${kept[@]}")
  sbx_ray_cli stop >>"$SBX_ENGINE_DIR/ray-start.log" 2>&1 || true
}

# sbx_ray_smoke — a job submitted through the REST API succeeds and prints its output.
sbx_ray_smoke() {
  "$SBX_RAY_VENV/bin/python" - "http://127.0.0.1:$SBX_RAY_DASHBOARD_PORT" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
sid = call("POST", "/api/jobs/", {"entrypoint": "echo sbx-ray-smoke"})["submission_id"]
deadline = time.time() + 60
while time.time() < deadline:
    status = call("GET", f"/api/jobs/{sid}")["status"]
    if status in ("SUCCEEDED", "FAILED", "STOPPED"):
        break
    time.sleep(0.2)
logs = call("GET", f"/api/jobs/{sid}/logs")["logs"]
sys.exit(0 if status == "SUCCEEDED" and "sbx-ray-smoke" in logs else 1)
PY
}

# --- official provider SDKs for the conformance tests ---------------------------------

# sbx_sdk_venv PROVIDER — where the provider's SDK venv lives.
sbx_sdk_venv() { printf '%s/%s-venv' "$SBX_CACHE_DIR" "$1"; }

# sbx_sdk_up PROVIDER — a venv with the pinned official SDK of PROVIDER, from
# tests/conformance/PROVIDER/requirements.txt; reinstalled when that file changes.
sbx_sdk_up() {
  local provider=$1 venv python log
  local requirements=$SBX_REPO/tests/conformance/$provider/requirements.txt
  venv=$(sbx_sdk_venv "$provider")
  [[ -x $venv/bin/python ]] && cmp -s "$requirements" "$venv/.sbx-requirements" && return 0
  log=$SBX_ENGINE_DIR/$provider-sdk-install.log
  mkdir -p "$SBX_ENGINE_DIR"
  python=$(command -v python3) || { sbx_engine_unavailable "$provider-sdk" "no python3"; return 1; }
  if ! { "$python" -m venv --clear "$venv" \
         && "$venv/bin/python" -m pip install -q -r "$requirements"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    sbx_engine_unavailable "$provider-sdk" "pip install of the $provider SDK failed (log: $log)"
    return 1
  fi
  cp "$requirements" "$venv/.sbx-requirements"
}

# sbx_sdk_providers — the providers that have a conformance flow.
sbx_sdk_providers() {
  local requirements
  for requirements in "$SBX_REPO"/tests/conformance/*/requirements.txt; do
    [[ -f $requirements ]] && basename "$(dirname "$requirements")"
  done
}

# --- all engines --------------------------------------------------------------------

# sbx_engines_up — bring up every engine; never fails outside CI (see sbx_engine_unavailable).
sbx_engines_up() {
  sbx_bwrap_check || true
  sbx_docker_up || true
  sbx_ray_up || true
  local provider
  for provider in $(sbx_sdk_providers); do sbx_sdk_up "$provider" || true; done
}

# sbx_engines_down — stop what sbx_engines_up started, newest first.
sbx_engines_down() {
  local i started=("${SBX_ENGINES_STARTED[@]}")   # the stop functions edit the original
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    case ${started[i]} in
      ray) sbx_ray_stop ;;
      docker) sbx_dockerd_stop ;;
    esac
  done
}

# sbx_engines_export — the tests' environment, for the engines that are up.
sbx_engines_export() {
  if sbx_engine_ok docker && sbx_docker_ping; then
    export DOCKER_HOST=unix://$SBX_DOCKER_SOCK
    export SBX_TEST_DOCKER_IMAGE=$SBX_DOCKER_IMAGE
  fi
  if sbx_engine_ok ray && sbx_ray_api; then
    export RAY_ADDRESS=http://127.0.0.1:$SBX_RAY_DASHBOARD_PORT
  fi
  local provider venv
  for provider in $(sbx_sdk_providers); do
    venv=$(sbx_sdk_venv "$provider")
    if sbx_engine_ok "$provider-sdk" && [[ -x $venv/bin/python ]]; then
      export "SBX_${provider^^}_SDK_PYTHON=$venv/bin/python"
    fi
  done
}
