#!/usr/bin/env bash
# Lockout benchmark (issue 5), on one server in one run, on Postgres and a Redis of its own:
#  1. logins through the token endpoint (grant_type=password) with the lockout-rate-limit step and without it
#     (two clients of one tenant whose direct-grant flows differ only by the step): added latency p50/p99 with one
#     caller, throughput ratio with --threads callers, in alternating rounds (bench/LockoutBench.java);
#  2. the store's decisions per second (RedisLockoutStore.check from Java, N callers) beside redis-benchmark running
#     EVALSHA of the same Lua scripts on the same Redis, alternating (bench/store/LockoutStoreBench.java).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/lockout.sh [options]

  bench/lockout.sh                                   # full run: 4 rounds of 20 s latency + 10 s per client; store 4 x 10 s per side
  bench/lockout.sh --rounds 1 --seconds 3 --latency-seconds 3 --store-rounds 1 --store-seconds 2   # smoke run

Login options (bench/LockoutBench.java): --users 100 --threads 4 --rounds 4 --seconds 10 --latency-seconds 20
  --warmup-seconds 5 --tenant lockbench
Store options (bench/store/LockoutStoreBench.java, prefixed with --store-): --store-callers 16 --store-keys 10000
  --store-rounds 4 --store-seconds 10
Variables (defaults): HTTP_PORT (18380) MANAGEMENT_PORT (19300) REDIS_PORT (18381: a redis-server the script starts)
  POSTGRES_HOST (127.0.0.1) POSTGRES_PORT (5432) POSTGRES_DB (um_bench_lockout, dropped and recreated)
  POSTGRES_USER (postgres) POSTGRES_PASSWORD (empty) UM_RUN_DIR (./.run)
Results: bench/results/lockout-<time>.txt; Keycloak's log: $UM_RUN_DIR/lockout-server.log.
EOF
}

login_args=()
store_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --store-*) [ $# -ge 2 ] || { usage >&2; exit 2; }; store_args+=("--${1#--store-}" "$2"); shift 2 ;;
    --*) [ $# -ge 2 ] || { usage >&2; exit 2; }; login_args+=("$1" "$2"); shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/server-lib.sh
. bench/server-lib.sh
bench_env lockout 18380 19300 18381

check_tools redis-benchmark
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT
fresh_database
build
start_redis
start_server

results=bench/results/lockout-$(date +%Y%m%d-%H%M%S).txt
echo "==> 1/2 logins with and without the step: bench.LockoutBench (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
run_bench java -cp "$UM_RUN_DIR/bench-classes" bench.LockoutBench --base "http://localhost:$HTTP_PORT" --results "$results" "${login_args[@]}"

# The store runs in its own JVM from our providers jar (lettuce shaded inside) plus the three libraries Keycloak provides to it.
lib=$UM_RUN_DIR/keycloak-$(sed -n "s:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p" pom.xml)/lib
cp=providers/target/user-management-providers.jar
for pattern in 'org.jboss.logging.jboss-logging-[0-9]*.jar' 'org.reactivestreams.reactive-streams-[0-9]*.jar' 'org.slf4j.slf4j-api-[0-9]*.jar'; do
  jar=$(find "$lib" -name "$pattern" | head -1)
  [ -n "$jar" ] || fail "no $pattern in $lib"
  cp=$cp:$jar
done
javac -cp "$cp" -d "$UM_RUN_DIR/bench-store-classes" bench/store/LockoutStoreBench.java
echo "==> 2/2 store decisions/s beside redis-benchmark: bench.store.LockoutStoreBench (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
run_bench java -Dslf4j.internal.verbosity=WARN -cp "$cp:$UM_RUN_DIR/bench-store-classes" bench.store.LockoutStoreBench \
  --redis "$REDIS_URL" --results "$results" "${store_args[@]}"
echo "==> results: $results"
