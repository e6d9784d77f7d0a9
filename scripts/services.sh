# Sourced by scripts/test.sh and bench/run.sh: starts throw-away services on free loopback
# ports and stops them all (by PID, or pg_ctl) when the sourcing script exits.
# Needs: $root (the repository), Node.js (free ports), the packages of install-deps.sh.

services_state=$(mktemp -d /tmp/gatehouse-services.XXXXXX)
chmod 755 "$services_state"
service_pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

stop_services() {
  if [[ -f $services_state/pg/postmaster.pid ]]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$services_state/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  for pid in "${service_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$services_state"
}
trap stop_services EXIT

free_port() { node "$root/scripts/free-port.mjs"; }

wait_until() {  # name, command...
  local name=$1
  shift
  for _ in $(seq 1 100); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$name did not start" >&2
  return 1
}

# maildev: a real SMTP server whose REST API lets tests read what arrived.
start_maildev() {
  export MAILDEV_SMTP_PORT=$(free_port) MAILDEV_WEB_PORT=$(free_port)
  "$root/node_modules/.bin/maildev" --smtp "$MAILDEV_SMTP_PORT" --ip 127.0.0.1 \
    --web "$MAILDEV_WEB_PORT" --web-ip 127.0.0.1 >"$services_state/maildev.log" 2>&1 &
  service_pids+=($!)
  wait_until maildev curl -fs "http://127.0.0.1:$MAILDEV_WEB_PORT/api/healthz"
}

# A second maildev speaking SMTP over TLS with a login, its certificate made here.
start_maildev_tls() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$services_state/smtp-key.pem" -out "$services_state/smtp-cert.pem" 2>/dev/null
  export MAILDEV_TLS_SMTP_PORT=$(free_port) MAILDEV_TLS_WEB_PORT=$(free_port)
  export MAILDEV_TLS_CA="$services_state/smtp-cert.pem" MAILDEV_TLS_USER=gatehouse
  export MAILDEV_TLS_PASSWORD=$(openssl rand -hex 12)
  "$root/node_modules/.bin/maildev" --smtp "$MAILDEV_TLS_SMTP_PORT" --ip 127.0.0.1 \
    --web "$MAILDEV_TLS_WEB_PORT" --web-ip 127.0.0.1 --incoming-secure \
    --incoming-cert "$services_state/smtp-cert.pem" --incoming-key "$services_state/smtp-key.pem" \
    --incoming-user "$MAILDEV_TLS_USER" --incoming-pass "$MAILDEV_TLS_PASSWORD" \
    >"$services_state/maildev-tls.log" 2>&1 &
  service_pids+=($!)
  wait_until "maildev (TLS)" curl -fs "http://127.0.0.1:$MAILDEV_TLS_WEB_PORT/api/healthz"
}

# PostgreSQL: a throw-away cluster owned by the postgres user (initdb refuses root); role
# `gatehouse`, trust authentication, no fsync.
start_postgres() {
  export PGPORT=$(free_port)
  install -d -o postgres "$services_state/pg"
  runuser -u postgres -- "$pg_bin/initdb" -D "$services_state/pg" -A trust -U gatehouse \
    >"$services_state/initdb.log"
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$services_state/pg" -l "$services_state/pg/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c fsync=off -c unix_socket_directories=$services_state/pg" \
    start >/dev/null
}

start_redis() {
  export REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    >"$services_state/redis.log" 2>&1 &
  service_pids+=($!)
  wait_until redis redis-cli -p "$REDIS_PORT" ping
}

start_memcached() {
  export MEMCACHED_PORT=$(free_port)
  memcached -l 127.0.0.1 -p "$MEMCACHED_PORT" -u root >"$services_state/memcached.log" 2>&1 &
  service_pids+=($!)
  wait_until memcached bash -c "exec 3<>/dev/tcp/127.0.0.1/$MEMCACHED_PORT"
}

# What a run of the unit tests and the SQLite black-box suite against the build in $1 needs
# (coverage.sh, sanitize.sh): mail, both caches, and the City-layout GeoIP test database.
start_sqlite_suite_services() {
  start_maildev
  start_maildev_tls
  start_redis
  start_memcached
  export TEST_REQUIRE_BACKENDS=1
  perl "$root/tests/data/make-city-mmdb.pl" "$1/test-city.mmdb"
  export TEST_MAXMIND_CITY_DB="$root/$1/test-city.mmdb"
}
