# shellcheck shell=bash
# scripts/lib/build.sh — configure and build with CMake + Ninja (sourced after deps.sh).
#
#   sbx_configure DIR [CMAKE_ARGS...]   configure DIR as a Ninja build (RelWithDebInfo)
#   sbx_build DIR [TARGET...]           build DIR (all when no TARGET); a TARGET is a CMake
#                                       target name or an output path relative to DIR
#                                       (e.g. cli/sbx); for a path ninja does not know, the
#                                       last path component is tried as a target name
#
# ccache (enabled by the top CMakeLists.txt) keys on paths relative to the repository, so
# CI's fresh clone in another folder still hits the cache that earlier runs filled.

: "${SBX_REPO:?set SBX_REPO to the repository root before sourcing build.sh}"
export CCACHE_BASEDIR=$SBX_REPO
export CCACHE_NOHASHDIR=1

sbx_configure() {
  local dir=$1; shift
  local cache=$dir/CMakeCache.txt
  # A build dir made by another generator cannot be reused: drop its cache, keep the rest.
  if [[ -f $cache ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
    sbx_note "$dir was configured with another generator; reconfiguring with Ninja"
    rm -rf "$cache" "$dir/CMakeFiles"
  fi
  local start
  start=$(sbx_now)
  cmake -S "$SBX_REPO" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
  sbx_note "configured $dir in $(sbx_since "$start")s"
}

sbx_build() {
  local dir=$1; shift
  local -a targets=()
  local t
  for t in "$@"; do
    if ninja -C "$dir" -t query "$t" >/dev/null 2>&1; then
      targets+=("$t")
    elif ninja -C "$dir" -t query "${t##*/}" >/dev/null 2>&1; then
      targets+=("${t##*/}")
    else
      sbx_die "no target or output '$t' in $dir (see: ninja -C $dir -t targets all)"
    fi
  done
  local start
  start=$(sbx_now)
  cmake --build "$dir" ${targets[@]:+--target "${targets[@]}"}
  sbx_note "built ${targets[*]:-everything} in $dir in $(sbx_since "$start")s"
}
