#!/usr/bin/env bash
# HTTP benchmark: starts gatehouse (production Argon2 parameters) on the chosen backends,
# makes a user and sessions, then runs wrk for 10 s on each hot path (passwordless sign-in
# with a passkey in rounds against refresh; the sign-in and account pages one request at a
# time; the OpenID Connect code exchange and introspection) and prints req/s, p50/p99 latency,
# the ratios of GET /v1/me and GET /v1/auth/check to GET /healthz, of the code exchange and
# passkey sign-in to refresh, login against the Argon2id pool's own capacity, and the
# server's peak RSS. Not a test: it prints figures.
#   bench/run.sh [--backend sqlite-memory|postgres-redis|postgres-memcached|all]
#                [--duration 10s] [--connections 64]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
backend=sqlite-memory
duration=10s
connections=64
while (($#)); do
  case "$1" in
    --backend) backend=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
threads=2

if [[ $backend == all ]]; then
  for b in sqlite-memory postgres-redis postgres-memcached; do
    bash "$0" --backend "$b" --duration "$duration" --connections "$connections"
  done
  exit 0
fi

[[ -x build/gatehouse && -x build/gatehouse_bench ]] || bash scripts/build.sh
source scripts/services.sh
work=$services_state
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; fi
  stop_services
}
trap cleanup EXIT

case $backend in
  sqlite-memory) database_url="sqlite://$work/bench.db" cache="type: memory" ;;
  postgres-redis | postgres-memcached)
    start_postgres
    createdb -h 127.0.0.1 -p "$PGPORT" -U gatehouse bench
    database_url="postgresql://gatehouse@127.0.0.1:$PGPORT/bench"
    if [[ $backend == postgres-redis ]]; then
      start_redis
      cache=$'type: redis\n  redis:\n    port: '"$REDIS_PORT"
    else
      start_memcached
      cache=$'type: memcached\n  memcached:\n    servers: "127.0.0.1:'"$MEMCACHED_PORT"'"'
    fi
    ;;
  *) echo "unknown backend $backend" >&2; exit 2 ;;
esac

port=$(free_port)
url="http://127.0.0.1:$port"
cat >"$work/gatehouse.yaml" <<YAML
server:
  port: $port
  public_url: "$url"
database:
  url: "$database_url"
cache:
  $cache
tokens:
  issuer: "$url"
mfa:
  secret_key_file: "$work/mfa.key"
# Passkeys need a domain name; the ceremonies of make_assertions.mjs run at localhost.
webauthn:
  rp_id: localhost
  origins: "http://localhost:$port"
# wrk sends everything from one address: limits high enough never to refuse, so that their
# cost (a read and a compare-and-set in the cache) is part of what is measured.
rate_limits:
  login: "100000000/1s"
  refresh: "100000000/1s"
YAML
export GATEHOUSE_CONFIG="$work/gatehouse.yaml"

export BENCH_EMAIL=bench@example.com BENCH_PASSWORD="quiet lantern over the harbour"
echo "$BENCH_PASSWORD" | build/gatehouse user create --email "$BENCH_EMAIL" --password-stdin >/dev/null
# Passkey sign-in's own users (one per algorithm and round, see below): a passkey makes it a
# second factor after the password, which the bench user's password runs must not meet — nor
# make_assertions.mjs, which signs in with the password to add the passkey.
rounds=3
for alg in es256 eddsa; do
  for round in $(seq 1 $rounds); do
    echo "$BENCH_PASSWORD" | build/gatehouse user create --email "passkey-$alg-$round@example.com" \
      --password-stdin >/dev/null
  done
done
build/gatehouse serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$url/healthz" && break; sleep 0.1; done

login() {
  curl -fsS -X POST "$url/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}"
}
field() { node -e "process.stdout.write(JSON.parse(require('fs').readFileSync(0,'utf8'))['$1'])"; }
login | field access_token >"$work/access_token"
# One refresh session per connection, plus one per wrk thread (see refresh.lua); a run leaves
# the file's tokens rotated away, so each run of refresh.lua gets a fresh set.
fresh_refresh_tokens() {
  for _ in $(seq 1 $((connections + threads))); do login | field refresh_token; echo; done \
    >"$work/refresh_tokens"
}
fresh_refresh_tokens

export ACCESS_TOKEN_FILE="$work/access_token" REFRESH_TOKENS_FILE="$work/refresh_tokens"
export WRK_THREADS=$threads

declare -A rps
run() {  # name, path, script, connections[, duration]
  local out
  out=$(wrk -t"$((threads < $4 ? threads : $4))" -c"$4" -d"${5:-$duration}" --latency -s "bench/$3" "$url$2")
  local req p50 p99 errors
  req=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  rps[$1]=$req
  printf '%-28s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "$req" "$p50" "$p99" "${errors:-0}"
}

echo "gatehouse bench: nproc=$(nproc), wrk -t$threads -c$connections, $duration each, backend $backend"
run "GET /healthz" /healthz healthz.lua "$connections"
run "GET /v1/me" /v1/me me.lua "$connections"
run "GET /v1/auth/check" /v1/auth/check check.lua "$connections"
run "POST /v1/auth/refresh" /v1/auth/refresh refresh.lua "$connections"
# Login is bound by Argon2id (19 MiB, t=2) on the hashing pool; a few connections measure its
# capacity without tripping the overload guard (which answers 503 by design).
run "POST /v1/auth/login (c=4)" /v1/auth/login login.lua 4
# Passwordless sign-in with a synced passkey (no Argon2 on this path), ES256 as platform
# passkeys sign and EdDSA, each request with a fresh challenge (made just before; they live
# 5 minutes), against refresh in rounds: on a shared machine throughput drifts by a third
# within minutes, so each round runs refresh, ES256 and EdDSA back to back (a third of the
# duration each) and the ratio printed is the median of the rounds'.
round_duration=$(( (${duration%s} + 2) / 3 ))s
sign_ins=$((${round_duration%s} * 12000))
declare -a ratios_es ratios_ed
for round in $(seq 1 $rounds); do
  for alg in ES256:-7 EdDSA:-8; do
    name=${alg%%:*}
    node bench/make_assertions.mjs "$url" "passkey-${name,,}-$round@example.com" "$BENCH_PASSWORD" \
      "${alg#*:}" "$sign_ins" "$work/assertions-$name"
  done
  fresh_refresh_tokens
  run "POST /v1/auth/refresh r$round" /v1/auth/refresh refresh.lua "$connections" "$round_duration"
  for name in ES256 EdDSA; do
    ASSERTIONS_FILE="$work/assertions-$name" \
      run "POST /v1/auth/passkey $name r$round" /v1/auth/passkey passkey_sign_in.lua \
      "$connections" "$round_duration"
  done
  ratio() { awk -v a="${rps[POST /v1/auth/passkey $1 r$round]}" -v b="${rps[POST /v1/auth/refresh r$round]}" 'BEGIN { printf "%.2f", a / b }'; }
  ratios_es+=("$(ratio ES256)") ratios_ed+=("$(ratio EdDSA)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
# The hosted pages one request at a time: p50 is the server's time to answer a page.
run "GET /sign-in (c=1)" /sign-in healthz.lua 1
run "GET /account (c=1)" /account account_page.lua 1
# The peak before the OpenID Connect runs, which make tens of thousands of grants whose
# whitelist entries fill the in-memory cache towards cache.max_bytes.
peak_rss_kib=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")
# OpenID Connect: the code exchange with fresh codes (made just before, as they live 60 s)
# for a client with RS256 ID tokens (the default) and one with EdDSA, and introspection of
# one client access token by a resource server.
redirect=https://app.example/callback
exchange_codes=$((${duration%s} * 8000))
oidc_client() {  # id token algorithm -> "client_id client_secret"
  build/gatehouse client create --name "bench $1" --first-party --redirect-uri "$redirect" \
    --id-token-alg "$1" | node -e 'const c = JSON.parse(require("fs").readFileSync(0, "utf8"));
      process.stdout.write(c.client_id + " " + c.client_secret + "\n")'
}
export REDIRECT_URI_ENCODED=https%3A%2F%2Fapp.example%2Fcallback
for alg in RS256 EdDSA; do
  read -r client_id client_secret < <(oidc_client "$alg")
  node bench/make_codes.mjs "$url" "$client_id" "$client_secret" "$redirect" "$BENCH_EMAIL" \
    "$BENCH_PASSWORD" "$exchange_codes" "$work/codes" "$work/client_token"
  CODES_FILE="$work/codes" CLIENT_BASIC="Basic $(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)" \
    run "POST /oauth2/token code $alg" /oauth2/token code_exchange.lua "$connections"
done
CLIENT_BASIC="Basic $(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)" \
  ACCESS_TOKEN_FILE="$work/client_token" \
  run "POST /oauth2/introspect" /oauth2/introspect introspect.lua "$connections"
peak_rss_oidc_kib=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")
# The Argon2id pool alone, same parameters and threads, while the server is idle.
pool=$(build/gatehouse_bench --benchmark_filter=BM_PasswordHashPool --benchmark_format=csv 2>/dev/null |
  awk -F, '/BM_PasswordHashPool/ {print $(NF-3)}')
awk -v me="${rps[GET /v1/me]}" -v check="${rps[GET /v1/auth/check]}" -v hz="${rps[GET /healthz]}" \
  -v login="${rps[POST /v1/auth/login (c=4)]}" -v pool="$pool" -v rss="$peak_rss_kib" \
  -v rss_oidc="$peak_rss_oidc_kib" \
  -v refresh="${rps[POST /v1/auth/refresh]}" -v rs="${rps[POST /oauth2/token code RS256]}" \
  -v ed="${rps[POST /oauth2/token code EdDSA]}" -v intro="${rps[POST /oauth2/introspect]}" \
  -v pk_es="$(median "${ratios_es[@]}")" -v pk_ed="$(median "${ratios_ed[@]}")" \
  -v pk_all="${ratios_es[*]} / ${ratios_ed[*]}" 'BEGIN {
    printf "ratio me/healthz: %.2f   check/healthz: %.2f\n", me / hz, check / hz
    printf "code exchange/refresh: RS256 %.2f, EdDSA %.2f   introspect/healthz: %.2f\n", rs / refresh, ed / refresh, intro / hz
    printf "passkey sign-in/refresh (median of rounds %s): ES256 %.2f, EdDSA %.2f\n", pk_all, pk_es, pk_ed
    printf "Argon2id pool alone: %.1f hashes/s   login/pool: %.2f\n", pool, login / pool
    printf "server peak RSS: %.1f MiB (VmHWM) before the OpenID Connect runs, %.1f MiB after\n", rss / 1024, rss_oidc / 1024
  }'
