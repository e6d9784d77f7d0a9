#!/usr/bin/env bash
# The unit tests and the black-box suite (SQLite, memory cache) once more, against a build
# with AddressSanitizer (leak detection included) and UndefinedBehaviorSanitizer, in
# build-sanitize/. Every process writes its reports to build-sanitize/reports/; any report
# fails the run, even one from a server whose test passed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install-deps.sh

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# No vptr check: it needs the typeinfo of SOCI's internal classes, which Debian's SOCI does not
# export.
sanitizers="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined"
sanitizers+=" -fno-omit-frame-pointer"
# Without -Werror: GCC 12 warns falsely about Asio's coroutine frames when instrumented.
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGATEHOUSE_BUILD_BENCH=OFF \
  -DGATEHOUSE_WERROR=OFF \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g $sanitizers" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined -fno-sanitize=vptr" "${launcher[@]}" >/dev/null
cmake --build build-sanitize -j "$(nproc)"

reports=$root/build-sanitize/reports
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"

source scripts/services.sh
start_sqlite_suite_services build-sanitize
status=0
ctest --test-dir build-sanitize -j "$(nproc)" --timeout 300 --output-on-failure || status=1
concurrency=()
(($(node -p 'process.versions.node.split(".")[0]') >= 20)) && concurrency=(--test-concurrency=2)
TEST_GATEHOUSE_BIN="$root/build-sanitize/gatehouse" node --test "${concurrency[@]}" \
  tests/integration/ || status=1

if compgen -G "$reports/*" >/dev/null; then
  head -n 80 "$reports"/*
  echo "sanitizer reports in $reports" >&2
  status=1
fi
exit $status
