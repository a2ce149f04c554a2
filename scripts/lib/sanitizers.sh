# shellcheck shell=bash
# scripts/lib/sanitizers.sh — the ASan+UBSan build of the test suite and the libFuzzer
# runs (sourced after deps.sh and build.sh; docs/reliability.md describes both).
#
#   sbx_asan_build DIR            configure and build the test suite with SBX_SANITIZE=ON
#   sbx_sanitizer_env             export ASAN_OPTIONS and UBSAN_OPTIONS for a run
#   sbx_fuzz_build DIR            configure DIR with clang-14 and SBX_FUZZ=ON, build the targets
#   sbx_fuzz_all DIR SECONDS      run every fuzz/*_fuzz.cpp target for SECONDS on its corpus;
#                                 returns non-zero when any target finds a crash

: "${SBX_REPO:?set SBX_REPO to the repository root before sourcing sanitizers.sh}"

# The clang whose libFuzzer and sanitizer runtimes SBX_TEST_DEPS installs.
SBX_FUZZ_CXX=clang++-14

sbx_asan_build() {
  local dir=$1
  # Examples and benchmarks are not part of the suite; the CLI is (its helpers' unit tests).
  # Debug (-O0 -g, assertions on): the cheapest to compile, and assertions check more.
  sbx_configure "$dir" -DCMAKE_BUILD_TYPE=Debug -DSBX_SANITIZE=ON -DSBX_BUILD_TESTS=ON \
    -DSBX_BUILD_EXAMPLES=OFF -DSBX_BUILD_BENCH=OFF
  # Every test binary ctest knows of, or an unbuilt one shows up as a failing *_NOT_BUILT
  # test (SBX_ASAN_TESTS in scripts/test selects what runs).
  sbx_build "$dir" sbx_unit_tests sbx_contract_tests sbx_threads_tests
}

sbx_sanitizer_env() {
  # A report stops the process (a test then fails); leaks are reported at exit.
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_odr_violation=2:check_initialization_order=1:strict_init_order=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
}

sbx_fuzz_build() {
  local dir=$1
  sbx_configure "$dir" -DCMAKE_CXX_COMPILER="$SBX_FUZZ_CXX" -DSBX_FUZZ=ON -DSBX_BUILD_TESTS=OFF \
    -DSBX_BUILD_EXAMPLES=OFF -DSBX_BUILD_BENCH=OFF -DSBX_BUILD_CLI=OFF -DSBX_WITH_MODAL=OFF
  sbx_build "$dir" sbx_fuzzers
}

# sbx_fuzz_one DIR NAME SECONDS — one target; new inputs go to DIR/fuzz/corpus-NAME (the
# committed seeds in fuzz/corpus/NAME are only read), a crash input to DIR/fuzz/crash-NAME-*.
sbx_fuzz_one() {
  local dir=$1 name=$2 seconds=$3
  local work=$dir/fuzz/corpus-$name log=$dir/fuzz/$name.log
  local -a corpora=("$work")
  mkdir -p "$work"
  [[ ! -d fuzz/corpus/$name ]] || corpora+=("fuzz/corpus/$name")
  # A fixed seed and run count make CI's run repeatable (the same inputs every time: a
  # crash is found by whoever changed the code, not by chance); SECONDS only caps it.
  if "$dir/fuzz/${name}_fuzz" -seed=1 -runs="${SBX_FUZZ_RUNS:-50000}" -max_total_time="$seconds" \
       -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$dir/fuzz/crash-$name-" "${corpora[@]}" >"$log" 2>&1; then
    sbx_note "fuzz $name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" || echo 'finished'), no crash"
    return 0
  fi
  tail -n 40 "$log" >&2
  sbx_note "fuzz $name: CRASH (input saved as $dir/fuzz/crash-$name-*; full log $log)"
  return 1
}

sbx_fuzz_all() {
  local dir=$1 seconds=$2 source name failed=0
  for source in fuzz/*_fuzz.cpp; do
    name=$(basename "$source" _fuzz.cpp)
    sbx_fuzz_one "$dir" "$name" "$seconds" || failed=1
  done
  return "$failed"
}
