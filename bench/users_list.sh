#!/usr/bin/env bash
# The administrators' user list at scale: fills a database with 1,000,000 users through SQL
# (names from a few hundred first and last names, 1 in 10,000 an administrator, 1 in 1,000
# disabled, 1 in 50 unverified), starts gatehouse on it and runs wrk, one connection, on
# GET /v1/users?limit=100 — the first page, a page deep in the list, a search by e-mail and
# by name prefix (a rare one and common ones), and the role, status and verified filters —
# printing req/s and p50/p99.
# Not a test: it prints figures.
#   bench/users_list.sh [--backend sqlite|postgres] [--users 1000000] [--duration 5s]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
backend=sqlite
users=1000000
duration=5s
while (($#)); do
  case "$1" in
    --backend) backend=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

[[ -x build/gatehouse ]] || bash scripts/build.sh
source scripts/services.sh
work=$services_state
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; fi
  stop_services
}
trap cleanup EXIT

case $backend in
  sqlite) database_url="sqlite://$work/users.db" ;;
  postgres)
    start_postgres
    createdb -h 127.0.0.1 -p "$PGPORT" -U gatehouse users
    database_url="postgresql://gatehouse@127.0.0.1:$PGPORT/users"
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
  type: memory
tokens:
  issuer: "$url"
mfa:
  secret_key_file: "$work/mfa.key"
YAML
export GATEHOUSE_CONFIG="$work/gatehouse.yaml"
build/gatehouse migrate 2>/dev/null

# Row i: first name (i mod 200), last name (i / 200 mod 300), an e-mail address that begins
# with four random hex digits (so that e-mail prefixes spread as real ones do), the states.
first_names="ada alan alice amara anders anna arjun aurora ben bianca boris carla carlos chen chloe"
first_names+=" clara daniel dara david diego dmitri elena eli emil emma erik eva farah felix fatima"
first_names+=" finn freya gabriel grace hana hans hugo ines ingrid isaac ivan jack jana javier jin"
first_names+=" johan jonas jose julia kai karin kenji kofi lara lars laura lea leo lena liam lina"
first_names+=" lucas lucia luis maja marco maria mark marta martin mateo maya mei mia mikael milan"
first_names+=" mina mohammed nadia naomi nina noah nora olga oliver omar oscar pablo paula pedro"
first_names+=" petra priya rafael rania rosa ruth sam sara sofia sven tara theo tomas uma valentina"
first_names+=" victor vera wei yara yusuf zara zoe élodie émile íris øyvind åsa ülkü"
read -ra firsts <<<"$first_names"
last_names="smith garcia müller rossi dubois novak kowalski ivanov jensen nielsen berg lindqvist"
last_names+=" silva santos costa oliveira pereira fernandes martinez lopez gonzalez rodriguez sanchez"
last_names+=" perez gomez diaz moreno alvarez romero torres ramirez flores rivera cruz reyes morales"
last_names+=" kim lee park choi wang zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he"
last_names+=" nakamura tanaka suzuki sato watanabe ito yamamoto kobayashi kato yoshida yamada sasaki"
last_names+=" khan ali ahmed hassan hussain rahman singh kumar sharma patel gupta das shah mehta"
last_names+=" okafor adeyemi mensah owusu diallo traore kone toure ndiaye mbeki zulu dlamini"
read -ra lasts <<<"$last_names"
values() {  # a VALUES list of (index, 'name')
  local i=0 out="" name
  for name in "$@"; do out+="${out:+,}($i,'$name')"; i=$((i + 1)); done
  echo "$out"
}
sql_names="firsts(k, name) AS (VALUES $(values "${firsts[@]}")), lasts(k, name) AS (VALUES $(values "${lasts[@]}"))"
nf=${#firsts[@]}
nl=${#lasts[@]}
hash='$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$bm90IGEgcmVhbCBwYXNzd29yZCBoYXNo'
start=$(date +%s)
if [[ $backend == sqlite ]]; then
  sqlite3 "$work/users.db" <<SQL
PRAGMA journal_mode=WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users), $sql_names
INSERT INTO users (id, email, name, name_key, password_hash, email_verified, role, created_at,
                   updated_at, second_factors, disabled_at)
SELECT printf('bench-%08d', i),
       lower(hex(randomblob(2))) || '.' || f.name || '.' || l.name || '.' || i || '@example.com',
       upper(substr(f.name, 1, 1)) || substr(f.name, 2) || ' ' || upper(substr(l.name, 1, 1)) || substr(l.name, 2),
       f.name || ' ' || l.name, '$hash', CASE WHEN i % 50 = 0 THEN 0 ELSE 1 END,
       CASE WHEN i % 10000 = 0 THEN 'admin' ELSE 'user' END, 1700000000 + i, 1700000000 + i, '',
       CASE WHEN i % 1000 = 0 THEN 1800000000 ELSE NULL END
FROM n JOIN firsts f ON f.k = i % $nf JOIN lasts l ON l.k = (i / $nf) % $nl;
ANALYZE;
SQL
else
  psql -q -h 127.0.0.1 -p "$PGPORT" -U gatehouse users <<SQL
WITH $sql_names
INSERT INTO users (id, email, name, name_key, password_hash, email_verified, role, created_at,
                   updated_at, second_factors, disabled_at)
SELECT 'bench-' || lpad(i::text, 8, '0'),
       substr(md5(random()::text), 1, 4) || '.' || f.name || '.' || l.name || '.' || i || '@example.com',
       initcap(f.name) || ' ' || initcap(l.name), f.name || ' ' || l.name, '$hash',
       CASE WHEN i % 50 = 0 THEN 0 ELSE 1 END, CASE WHEN i % 10000 = 0 THEN 'admin' ELSE 'user' END,
       1700000000 + i, 1700000000 + i, '', CASE WHEN i % 1000 = 0 THEN 1800000000 END
FROM generate_series(1, $users) AS i JOIN firsts f ON f.k = i % $nf JOIN lasts l ON l.k = (i / $nf) % $nl;
VACUUM ANALYZE users;
SQL
fi
echo "gatehouse user list bench: $users users on $backend, made in $(($(date +%s) - start)) s"

admin=bench-admin@example.com
password="quiet lantern over the harbour"
echo "$password" | build/gatehouse user create --email "$admin" --password-stdin --role admin >/dev/null 2>&1
build/gatehouse serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$url/healthz" && break; sleep 0.1; done
curl -fsS -X POST "$url/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$admin\",\"password\":\"$password\"}" |
  node -e "process.stdout.write(JSON.parse(require('fs').readFileSync(0,'utf8')).access_token)" \
    >"$work/access_token"
export ACCESS_TOKEN_FILE="$work/access_token"

# A cursor half-way down the list: the e-mail address there, as the server encodes it.
middle=$(curl -fsS -H "Authorization: Bearer $(cat "$work/access_token")" "$url/v1/users?q=8&limit=1" |
  node -e "process.stdout.write(JSON.parse(require('fs').readFileSync(0,'utf8')).next_cursor)")

run() {  # name, query
  local out count
  count=$(curl -fsS -H "Authorization: Bearer $(cat "$work/access_token")" "$url/v1/users?$2" |
    node -e "process.stdout.write(String(JSON.parse(require('fs').readFileSync(0,'utf8')).users.length))")
  out=$(wrk -t1 -c1 -d"$duration" --latency -s bench/me.lua "$url/v1/users?$2")
  printf '%-34s %4s users %8s req/s   p50 %8s   p99 %8s\n' "$1" "$count" \
    "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")"
}
run "first page" "limit=100"
run "a page half-way down" "limit=100&cursor=$middle"
run "e-mail prefix (q=a3)" "limit=100&q=a3"
run "name prefix (q=mar)" "limit=100&q=mar"
run "name prefix (q=m)" "limit=100&q=m"
run "name prefix (q=Élodie Ro)" "limit=100&q=%C3%89lodie%20ro"
run "role=admin" "limit=100&role=admin"
run "status=disabled" "limit=100&status=disabled"
run "verified=false" "limit=100&verified=false"
