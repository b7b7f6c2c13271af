#!/usr/bin/env bash
# Tenant benchmark (issue 3): ours (POST/GET /realms/master/api/v1/tenants) beside stock Keycloak
# (POST/GET /admin/realms) on one server, in one run, on Postgres and Redis.
#
#   bench/tenants.sh                      # 500 tenants + 500 stock realms, 50 list samples per point
#   bench/tenants.sh --tenants 20         # a quick smoke run; any TenantBench.java option goes through
#   bench/tenants.sh --existing true      # keep the database: time start-up and the lists on what a run left
#
# It drops and recreates the database $POSTGRES_DB (default um_bench), builds the jars, then runs
# bench/TenantBench.java (compiled with bench/BenchSupport.java), which starts ./run.sh itself, restarts it to time start-up and stops it by PID.
# Variables (defaults): HTTP_PORT (18180) MANAGEMENT_PORT (19100) POSTGRES_HOST (127.0.0.1) POSTGRES_PORT (5432)
# POSTGRES_DB (um_bench) POSTGRES_USER (postgres) POSTGRES_PASSWORD (empty) REDIS_URL (redis://127.0.0.1:6379/3)
# UM_RUN_DIR (./.run). Keycloak's log: .run/bench-server.log; results: bench/results/tenants-<time>.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

export HTTP_PORT=${HTTP_PORT:-18180}
export MANAGEMENT_PORT=${MANAGEMENT_PORT:-19100}
export POSTGRES_HOST=${POSTGRES_HOST:-127.0.0.1}
export POSTGRES_PORT=${POSTGRES_PORT:-5432}
export POSTGRES_DB=${POSTGRES_DB:-um_bench}
export POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
export UM_RUN_DIR=${UM_RUN_DIR:-$ROOT/.run}

fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
command -v psql >/dev/null || fail "psql is required (apt-get install postgresql-client)"
command -v java >/dev/null || fail "Java 17 or newer is required"
case "$POSTGRES_HOST" in 127.0.0.1|localhost|::1) ;; *) fail "the benchmark only talks to localhost; POSTGRES_HOST=$POSTGRES_HOST" ;; esac
for port in "$HTTP_PORT" "$MANAGEMENT_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is in use; set HTTP_PORT/MANAGEMENT_PORT"; fi
done

if [[ " $* " == *" --existing true "* ]]; then
  echo "==> --existing true: keeping database $POSTGRES_DB (start-up and lists on the realms already there)"
else
  echo "==> fresh database $POSTGRES_DB on $POSTGRES_HOST:$POSTGRES_PORT"
  export PGPASSWORD=$POSTGRES_PASSWORD
  psql -q -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"$POSTGRES_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$POSTGRES_DB\""
fi

echo "==> building the jars (run.sh builds again, incrementally, at each start)"
mvn -B -q -pl providers,themes -am package -DskipTests
echo "==> compiling the benchmark"
javac -d "$UM_RUN_DIR/bench-classes" bench/*.java

mkdir -p "$UM_RUN_DIR" bench/results
stamp=$(date +%Y%m%d-%H%M%S)
echo "==> bench.TenantBench (Keycloak's log: $UM_RUN_DIR/bench-server.log)"
java -cp "$UM_RUN_DIR/bench-classes" bench.TenantBench --http-port "$HTTP_PORT" --management-port "$MANAGEMENT_PORT" \
  --run-sh ./run.sh --template realm-config/tenant-template.json \
  --server-log "$UM_RUN_DIR/bench-server.log" --results "bench/results/tenants-$stamp.md" "$@" &
bench_pid=$!
# Ctrl-C or SIGTERM: stop the benchmark by PID; its shutdown hook stops Keycloak (SIGTERM to run.sh) by PID
trap 'kill -TERM $bench_pid 2>/dev/null; wait $bench_pid; exit 130' INT TERM
wait $bench_pid
