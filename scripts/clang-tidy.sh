#!/usr/bin/env bash
# Static analysis: clang-tidy (checks in .clang-tidy, warnings are errors) over every source
# file of the server, using build/compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[[ -f build/compile_commands.json ]] || bash scripts/build.sh
command -v run-clang-tidy >/dev/null || apt-get install -y -q --no-install-recommends clang-tidy
run-clang-tidy -p build -quiet -j "$(nproc)" "$PWD/src/.*\.cpp$"
