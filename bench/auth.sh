#!/usr/bin/env bash
# Auth benchmark (issue 4): our login, refresh and /users/me beside Keycloak's token (password, refresh_token)
# and userinfo endpoints, on one server, in one run, on Postgres and Redis.
#
#   bench/auth.sh                                  # 200 users, 8 threads, 3 rounds x 10 s per side, 10 s warm-up
#   bench/auth.sh --rounds 1 --seconds 3           # a quick smoke run; any AuthBench.java option goes through
#
# It drops and recreates the database $POSTGRES_DB (default um_authbench), builds the jars, starts ./run.sh in the
# background, waits for readiness, runs bench/AuthBench.java against it (which raises the demo realm's lockout
# limits, creates the users, measures, then takes thread dumps in an unmeasured pass), and stops the server by PID
# (SIGTERM to run.sh, which forwards it to Keycloak).
# Variables (defaults): HTTP_PORT (18280) MANAGEMENT_PORT (19200) POSTGRES_HOST (127.0.0.1) POSTGRES_PORT (5432)
# POSTGRES_DB (um_authbench) POSTGRES_USER (postgres) POSTGRES_PASSWORD (empty) REDIS_URL (redis://127.0.0.1:6379/4)
# UM_RUN_DIR (./.run). Keycloak's log: $UM_RUN_DIR/auth-server.log; results: bench/results/auth-<time>.md;
# thread dumps: $UM_RUN_DIR/auth-dumps-<time>/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

export HTTP_PORT=${HTTP_PORT:-18280}
export MANAGEMENT_PORT=${MANAGEMENT_PORT:-19200}
export POSTGRES_HOST=${POSTGRES_HOST:-127.0.0.1}
export POSTGRES_PORT=${POSTGRES_PORT:-5432}
export POSTGRES_DB=${POSTGRES_DB:-um_authbench}
export POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/4}
export UM_RUN_DIR=${UM_RUN_DIR:-$ROOT/.run}

fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
command -v psql >/dev/null || fail "psql is required (apt-get install postgresql-client)"
command -v java >/dev/null || fail "Java 17 or newer is required"
command -v curl >/dev/null || fail "curl is required"
case "$POSTGRES_HOST" in 127.0.0.1|localhost|::1) ;; *) fail "the benchmark only talks to localhost; POSTGRES_HOST=$POSTGRES_HOST" ;; esac
for port in "$HTTP_PORT" "$MANAGEMENT_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is in use; set HTTP_PORT/MANAGEMENT_PORT"; fi
done

echo "==> fresh database $POSTGRES_DB on $POSTGRES_HOST:$POSTGRES_PORT"
export PGPASSWORD=$POSTGRES_PASSWORD
psql -q -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS \"$POSTGRES_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$POSTGRES_DB\""

echo "==> building the jars (run.sh builds again, incrementally)"
mvn -B -q -pl providers,themes -am package -DskipTests
echo "==> compiling the benchmark"
javac -d "$UM_RUN_DIR/bench-classes" bench/*.java

mkdir -p "$UM_RUN_DIR" bench/results
stamp=$(date +%Y%m%d-%H%M%S)
log=$UM_RUN_DIR/auth-server.log
echo "==> ./run.sh (Postgres $POSTGRES_DB, Redis $REDIS_URL; log $log)"
./run.sh >>"$log" 2>&1 &
server_pid=$!
bench_pid=
stop_server() {
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then kill -TERM "$bench_pid" 2>/dev/null || true; wait "$bench_pid" 2>/dev/null || true; fi
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "==> stopping the server: SIGTERM to run.sh pid $server_pid"
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$server_pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "run.sh still running after 120 s: SIGKILL to it and its descendants"
      for pid in $(descendants "$server_pid"); do kill -KILL "$pid" 2>/dev/null || true; done
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
}
descendants() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done; }
trap 'stop_server; exit 130' INT TERM
trap 'stop_server' EXIT

echo "==> waiting for http://localhost:$MANAGEMENT_PORT/health/ready"
for _ in $(seq 1 900); do
  curl -fs -o /dev/null "http://localhost:$MANAGEMENT_PORT/health/ready" && break
  kill -0 "$server_pid" 2>/dev/null || fail "run.sh exited during start-up; see $log"
  sleep 1
done
curl -fs -o /dev/null "http://localhost:$MANAGEMENT_PORT/health/ready" || fail "not ready after 900 s; see $log"

java_pid=
for pid in $(descendants "$server_pid"); do
  case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in */java) java_pid=$pid ;; esac
done
echo "==> Keycloak ready (java pid ${java_pid:-unknown}); bench.AuthBench"
java -cp "$UM_RUN_DIR/bench-classes" bench.AuthBench --base "http://localhost:$HTTP_PORT" --realm demo \
  ${java_pid:+--java-pid "$java_pid" --dumps "$UM_RUN_DIR/auth-dumps-$stamp"} \
  --results "bench/results/auth-$stamp.md" "$@" &
bench_pid=$!
wait "$bench_pid"
bench_pid=
