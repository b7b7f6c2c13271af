#!/usr/bin/env bash
# The benchmark (issue 14): one command that starts its own servers on Postgres and Redis, seeds tenants and users,
# runs every scenario with ours beside stock Keycloak on the same server, stops the servers and writes the report
# and charts to bench/results/<time>/ (smoke runs: bench/results/smoke-<time>/).
#
#   bench/run.sh                      # full run (24 min on 2 quiet cores); refuses to start on a busy machine
#   bench/run.sh --smoke              # every scenario for a few seconds, no goal verdicts (what .ci/run runs)
#   bench/run.sh --rounds 6 --seconds 10 --only login,refresh   # any option of the Java benchmark goes through
#   bench/run.sh --jfr                # also record a JFR profile of our server (server.jfr in the results folder)
#
# Steps: build (providers, themes, bench), a fresh database per server, a redis-server of its own; first the same
# Keycloak distribution WITHOUT our providers (memory: idle and under load), then ours through ./run.sh (memory,
# then every scenario). Options of the Java side (dev.multimodal.usermanagement.bench.Bench): --users --warmup-seconds
# --rounds --seconds --seed-users --writers --tenant-steps --stock-creates --list-calls --only --force (see docs/benchmarks.md).
# Variables (defaults): HTTP_PORT (18580) MANAGEMENT_PORT (19500) REDIS_PORT (18581) STOCK_HTTP_PORT (18680)
# STOCK_MANAGEMENT_PORT (19600) POSTGRES_HOST (127.0.0.1) POSTGRES_PORT (5432) POSTGRES_DB (um_bench_run)
# STOCK_POSTGRES_DB (um_bench_stock) POSTGRES_USER (postgres) POSTGRES_PASSWORD (empty) UM_RUN_DIR (./.run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/server-lib.sh
. bench/server-lib.sh
bench_env run 18580 19500 18581
STOCK_HTTP_PORT=${STOCK_HTTP_PORT:-18680}
STOCK_MANAGEMENT_PORT=${STOCK_MANAGEMENT_PORT:-19600}
STOCK_POSTGRES_DB=${STOCK_POSTGRES_DB:-um_bench_stock}

mode=full
jfr=false
force=false
only=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke; shift ;;
    --jfr) jfr=true; shift ;;
    --force) force=true; args+=(--force true); shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    --only) [ $# -ge 2 ] || fail "$1 needs a value"; only=$2; args+=("$1" "$2"); shift 2 ;;
    --*) [ $# -ge 2 ] || fail "$1 needs a value"; args+=("$1" "$2"); shift 2 ;;
    *) fail "unknown argument $1 (see --help)" ;;
  esac
done

progress() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

cores=$(nproc)
load1=$(cut -d' ' -f1 /proc/loadavg)
# the Java side judges the machine by the load before our servers start (their own start-up is not other work)
export UM_BENCH_START_LOAD
UM_BENCH_START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$mode" = full ] && [ "$force" = false ] && awk -v l="$load1" -v c="$cores" 'BEGIN { exit !(l > c) }'; then
  fail "the machine is busy (load average $load1 > $cores cores): wait for a quiet machine, or pass --force (the report then carries a warning)"
fi

check_tools
for port in "$STOCK_HTTP_PORT" "$STOCK_MANAGEMENT_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is in use; set STOCK_HTTP_PORT/STOCK_MANAGEMENT_PORT"; fi
done

stamp=$(date -u +%Y%m%d-%H%M%S)
results=bench/results/$stamp
[ "$mode" = full ] || results=bench/results/$mode-$stamp
mkdir -p "$results" "$UM_RUN_DIR"
progress "$mode run; results in $results; load average $(cut -d' ' -f1-3 /proc/loadavg) on $cores cores"

progress "building providers, themes and the benchmark module"
mvn -B -q -pl providers,themes,bench -am package -DskipTests
classpath=bench/target/classes:$(cat bench/target/classpath.txt)
# bench/store (the store beside raw Redis, bench/lockout.sh) builds against our shaded jar: compile it too, so a
# change of the store's API breaks this command (and CI), not only that script
mvn -B -q -pl providers dependency:build-classpath -Dmdep.outputFile="$UM_RUN_DIR/store-classpath.txt"
javac -cp "providers/target/user-management-providers.jar:$(cat "$UM_RUN_DIR/store-classpath.txt")" \
  -d "$UM_RUN_DIR/bench-store-classes" bench/store/LockoutStoreBench.java

KC_VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml)
STOCK_HOME=$UM_RUN_DIR/keycloak-stock-$KC_VERSION
if [ ! -x "$STOCK_HOME/bin/kc.sh" ]; then
  progress "unpacking the stock Keycloak $KC_VERSION distribution (no providers) into $STOCK_HOME"
  mvn -B -q -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" -DoutputDirectory="$UM_RUN_DIR/stock-dist"
  rm -rf "$UM_RUN_DIR/stock-unpack" && mkdir -p "$UM_RUN_DIR/stock-unpack"
  tar -xzf "$UM_RUN_DIR/stock-dist/keycloak-quarkus-dist-$KC_VERSION.tar.gz" -C "$UM_RUN_DIR/stock-unpack"
  mv "$UM_RUN_DIR/stock-unpack/keycloak-$KC_VERSION" "$STOCK_HOME"
  rm -rf "$UM_RUN_DIR/stock-unpack" "$UM_RUN_DIR/stock-dist"
fi

stock_pid=
stop_stock() {
  if [ -n "$stock_pid" ] && kill -0 "$stock_pid" 2>/dev/null; then
    progress "stopping stock Keycloak pid $stock_pid"
    kill -TERM "$stock_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$stock_pid" 2>/dev/null || break; sleep 1; done
    for pid in $(descendants "$stock_pid"); do kill -KILL "$pid" 2>/dev/null || true; done
    kill -KILL "$stock_pid" 2>/dev/null || true
    wait "$stock_pid" 2>/dev/null || true
  fi
  stock_pid=
}
trap 'stop_stock; stop_all; exit 130' INT TERM
trap 'stop_stock; stop_all' EXIT

java_of() {
  local pid
  for pid in $(descendants "$1"); do
    case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in */java) echo "$pid"; return ;; esac
  done
}

# 1. The same distribution without our providers: memory only (skipped when --only leaves memory out).
if [ -z "$only" ] || [[ ",$only," == *",memory,"* ]]; then
progress "stock Keycloak (no providers) on database $STOCK_POSTGRES_DB, port $STOCK_HTTP_PORT"
POSTGRES_DB=$STOCK_POSTGRES_DB fresh_database
if [ "$(cat "$STOCK_HOME/.bench-build" 2>/dev/null)" != "postgres" ]; then
  progress "kc.sh build of the stock distribution (about 40 s)"
  "$STOCK_HOME/bin/kc.sh" build --db=postgres --health-enabled=true --metrics-enabled=true >"$UM_RUN_DIR/run-stock-build.log" 2>&1 \
    || fail "stock kc.sh build failed; see $UM_RUN_DIR/run-stock-build.log"
  echo postgres > "$STOCK_HOME/.bench-build"
fi
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin "$STOCK_HOME/bin/kc.sh" start --optimized --http-enabled=true \
  --http-port="$STOCK_HTTP_PORT" --http-management-port="$STOCK_MANAGEMENT_PORT" --hostname="http://localhost:$STOCK_HTTP_PORT" \
  --db-url="jdbc:postgresql://$POSTGRES_HOST:$POSTGRES_PORT/$STOCK_POSTGRES_DB" --db-username="$POSTGRES_USER" \
  --db-password="$POSTGRES_PASSWORD" >"$UM_RUN_DIR/run-stock-server.log" 2>&1 &
stock_pid=$!
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "http://localhost:$STOCK_MANAGEMENT_PORT/health/ready" && break
  kill -0 "$stock_pid" 2>/dev/null || fail "stock Keycloak exited during start-up; see $UM_RUN_DIR/run-stock-server.log"
  sleep 1
done
progress "stock Keycloak ready (java pid $(java_of "$stock_pid")); measuring its memory"
run_bench java -cp "$classpath" dev.multimodal.usermanagement.bench.Bench --mode "$mode" --base "http://localhost:$STOCK_HTTP_PORT" \
  --server-pid "$(java_of "$stock_pid")" --results "$results" --memory-out "$results/stock-memory.properties" "${args[@]}"
stop_stock
fi

# 2. Ours, through the run command.
fresh_database
start_redis
if [ "$jfr" = true ]; then
  export JAVA_OPTS_APPEND="${JAVA_OPTS_APPEND:-} -XX:StartFlightRecording=filename=$ROOT/$results/server.jfr,settings=profile,dumponexit=true"
  progress "JFR: $results/server.jfr"
fi
start_server
server_java=$(java_of "$server_pid")
progress "our server ready (java pid $server_java); the scenarios"
run_bench java -cp "$classpath" dev.multimodal.usermanagement.bench.Bench --mode "$mode" --base "http://localhost:$HTTP_PORT" \
  --server-pid "$server_java" --results "$results" --stock-memory "$results/stock-memory.properties" "${args[@]}"
stop_all
trap - EXIT INT TERM
progress "done: $results/report.md"
