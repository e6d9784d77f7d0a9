#!/usr/bin/env bash
# Installs every Debian package and npm module Gatehouse needs to build, run and test.
# Idempotent: does nothing when everything is already present. Run as root on Debian 12.
#   scripts/install-deps.sh          everything: build, tests, benchmarks
#   scripts/install-deps.sh build    only what building the server needs (the Docker image)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libssl-dev libsodium-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libyaml-cpp-dev libsoci-dev libsqlite3-dev
  libpq-dev libhiredis-dev libmemcached-dev libzxcvbn-dev libutf8proc-dev libmaxminddb-dev
  libre2-dev liboath-dev libqrencode-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  ca-certificates
)
if [[ $mode == all ]]; then
  packages+=(
    clang-format git sqlite3 postgresql redis-server memcached wrk curl openssl docker-compose
    libmaxmind-db-writer-perl oathtool zbar-tools librsvg2-bin chromium clang libclang-rt-14-dev
    nginx-light linux-perf
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the black-box tests and maildev; an existing installation is kept as it is.
if [[ $mode == all ]] && { ! command -v node >/dev/null || ! command -v npm >/dev/null; }; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ $mode == all ]] && [[ ! -d node_modules/maildev || package.json -nt node_modules/.package-lock.json ]]; then
  npm install --no-audit --no-fund --loglevel=error
fi
