#!/usr/bin/env bash
# Installs what is missing, builds, starts the services the tests need on free loopback ports,
# runs every test (unit, then black-box against the real binary), and stops the services,
# even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/install-deps.sh
echo "== format"
git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'bench/*.cpp' | xargs clang-format --dry-run -Werror
bash scripts/build.sh

state=$(mktemp -d /tmp/gatehouse-test.XXXXXX)
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
stop_services() {
  [[ -f $state/pg/postmaster.pid ]] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$state/pg" -m immediate stop >/dev/null 2>&1
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$state"
}
trap stop_services EXIT

free_port() { node "$root/scripts/free-port.mjs"; }
wait_http() {  # url, name
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not start" >&2
  return 1
}

# maildev: a real SMTP server whose REST API lets tests read what arrived.
export MAILDEV_SMTP_PORT=$(free_port) MAILDEV_WEB_PORT=$(free_port)
node_modules/.bin/maildev --smtp "$MAILDEV_SMTP_PORT" --ip 127.0.0.1 \
  --web "$MAILDEV_WEB_PORT" --web-ip 127.0.0.1 >"$state/maildev.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$MAILDEV_WEB_PORT/api/healthz" maildev

# A second maildev speaking SMTP over TLS with a login, its certificate made here.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$state/smtp-key.pem" -out "$state/smtp-cert.pem" 2>/dev/null
export MAILDEV_TLS_SMTP_PORT=$(free_port) MAILDEV_TLS_WEB_PORT=$(free_port)
export MAILDEV_TLS_CA="$state/smtp-cert.pem" MAILDEV_TLS_USER=gatehouse MAILDEV_TLS_PASSWORD=$(openssl rand -hex 12)
node_modules/.bin/maildev --smtp "$MAILDEV_TLS_SMTP_PORT" --ip 127.0.0.1 \
  --web "$MAILDEV_TLS_WEB_PORT" --web-ip 127.0.0.1 --incoming-secure \
  --incoming-cert "$state/smtp-cert.pem" --incoming-key "$state/smtp-key.pem" \
  --incoming-user "$MAILDEV_TLS_USER" --incoming-pass "$MAILDEV_TLS_PASSWORD" >"$state/maildev-tls.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$MAILDEV_TLS_WEB_PORT/api/healthz" "maildev (TLS)"

# PostgreSQL: a throw-away cluster owned by the postgres user (initdb refuses root).
export PGPORT=$(free_port)
chmod 755 "$state"
install -d -o postgres "$state/pg"
runuser -u postgres -- "$pg_bin/initdb" -D "$state/pg" -A trust -U gatehouse >"$state/initdb.log"
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$state/pg" -l "$state/pg/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c fsync=off -c unix_socket_directories=$state/pg" \
  start >/dev/null

# Redis and Memcached, in memory only.
export REDIS_PORT=$(free_port) MEMCACHED_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$state/redis.log" 2>&1 &
pids+=($!)
memcached -l 127.0.0.1 -p "$MEMCACHED_PORT" -u root >"$state/memcached.log" 2>&1 &
pids+=($!)

echo "== unit tests (cache contract against memory, Redis and Memcached)"
export TEST_REQUIRE_BACKENDS=1
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 120

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
