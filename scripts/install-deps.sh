#!/usr/bin/env bash
# Installs every Debian package and npm module Gatehouse needs to build, run and test.
# Idempotent: does nothing when everything is already present. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format git
  libboost-dev libssl-dev libsodium-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libcurl4-openssl-dev libyaml-cpp-dev libsoci-dev libsqlite3-dev sqlite3
  libpq-dev postgresql libhiredis-dev redis-server libmemcached-dev memcached
  libgtest-dev libgmock-dev libbenchmark-dev wrk curl ca-certificates openssl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the black-box tests and maildev; an existing installation is kept as it is.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -d node_modules/maildev || package.json -nt node_modules/.package-lock.json ]]; then
  npm install --no-audit --no-fund --loglevel=error
fi
