#!/usr/bin/env bash
# The steps of docker/Dockerfile, as a script so that they run (and are tested) without a
# Docker engine:
#   docker/image-steps.sh build              install build dependencies, build build/gatehouse
#                                            (or $IMAGE_BUILD_DIR/gatehouse)
#   docker/image-steps.sh runtime            install the runtime libraries, create the user
#   docker/image-steps.sh runtime-packages   print the runtime package list
set -euo pipefail
cd "$(dirname "$0")/.."

# The shared libraries build/gatehouse links against (checked by tests/integration/docker).
runtime_packages=(
  ca-certificates curl libfmt9 libhiredis0.14 libmemcached11
  libpq5 libsoci-core4.0 libsoci-postgresql4.0 libsoci-sqlite3-4.0 libsodium23
  libspdlog1.10 libsqlite3-0 libssl3 libstdc++6 libutf8proc2 libmaxminddb0 libre2-9
  liboath0 libqrencode4 libyaml-cpp0.7 libzxcvbn0
)

case ${1:-} in
  build)
    out=${IMAGE_BUILD_DIR:-build}
    bash scripts/install-deps.sh build
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
      -DGATEHOUSE_BUILD_TESTS=OFF -DGATEHOUSE_BUILD_BENCH=OFF >/dev/null
    cmake --build "$out" --target gatehouse -j "$(nproc)"
    strip "$out/gatehouse"
    ;;
  runtime)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${runtime_packages[@]}"
    rm -rf /var/lib/apt/lists/*
    # An unprivileged user owns only the data directory (the SQLite file, if used).
    id gatehouse >/dev/null 2>&1 || useradd --system --home-dir /var/lib/gatehouse --shell /usr/sbin/nologin gatehouse
    install -d -o gatehouse -g gatehouse /var/lib/gatehouse
    ;;
  runtime-packages)
    printf '%s\n' "${runtime_packages[@]}"
    ;;
  *)
    echo "usage: $0 build|runtime|runtime-packages" >&2
    exit 2
    ;;
esac
