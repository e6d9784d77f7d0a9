#!/usr/bin/env bash
# Installs what is missing, builds, starts the services the tests need on free loopback ports,
# runs every test (unit, then black-box against the real binary on each database and cache),
# fuzzes for a while, and stops the services, even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/install-deps.sh
echo "== format"
git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' | xargs clang-format --dry-run -Werror
bash scripts/build.sh

source scripts/services.sh
start_maildev
start_maildev_tls
start_postgres
start_redis
start_memcached

echo "== unit tests (cache contract against memory, Redis and Memcached)"
export TEST_REQUIRE_BACKENDS=1
# A small GeoIP database in MaxMind's City layout (the npm data has the flat one).
perl tests/data/make-city-mmdb.pl build/test-city.mmdb
export TEST_MAXMIND_CITY_DB="$root/build/test-city.mmdb"
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 120

echo "== the Docker image's build step (docker/image-steps.sh build), into build-image/"
IMAGE_BUILD_DIR=build-image bash docker/image-steps.sh build
build-image/gatehouse --help >/dev/null

export TEST_GATEHOUSE_BIN="$root/build/gatehouse"
# Two test files at a time where Node supports choosing (20+); each starts its own servers.
concurrency=()
(($(node -p 'process.versions.node.split(".")[0]') >= 20)) && concurrency=(--test-concurrency=2)
# The whole black-box suite on each database and each cache.
for backends in sqlite:memory postgres:redis postgres:memcached; do
  echo "== black-box tests on ${backends%:*} with the ${backends#*:} cache"
  TEST_DATABASE=${backends%:*} TEST_CACHE=${backends#*:} \
    node --test "${concurrency[@]}" tests/integration/
done

echo "== fuzzing: JWT verification, request JSON, routing, CBOR and WebAuthn parsing (libFuzzer, ${FUZZ_SECONDS:-30} s each)"
bash scripts/fuzz.sh
