#!/usr/bin/env bash
# Line and branch coverage of the unit and black-box tests (SQLite + memory cache), as
# Cobertura XML (coverage.xml) and SonarQube XML (sonar-coverage.xml) for CI, plus a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install-deps.sh
command -v gcovr >/dev/null || apt-get install -y -q --no-install-recommends gcovr

cmake -S . -B build-coverage -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGATEHOUSE_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="--coverage -O0" -DCMAKE_EXE_LINKER_FLAGS="--coverage" >/dev/null
cmake --build build-coverage -j "$(nproc)"
find build-coverage -name '*.gcda' -delete

source scripts/services.sh
start_sqlite_suite_services build-coverage
ctest --test-dir build-coverage -j "$(nproc)" --timeout 300 --output-on-failure
TEST_GATEHOUSE_BIN="$root/build-coverage/gatehouse" node --test tests/integration/

gcovr --root . --filter 'src/' build-coverage --print-summary \
  --xml-pretty --xml coverage.xml --sonarqube sonar-coverage.xml
