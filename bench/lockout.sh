#!/usr/bin/env bash
# The lockout store beside raw Redis (issue 5): RedisLockoutStore.check from Java (N callers, one lettuce connection)
# beside redis-benchmark running EVALSHA of the same Lua scripts on the same Redis, alternating
# (bench/store/LockoutStoreBench.java). No Keycloak: the store runs from our providers jar. The lockout step's cost on
# a login is a scenario of bench/run.sh.
#
#   bench/lockout.sh                                   # 16 callers, 10,000 keys, 4 rounds x 10 s per side
#   bench/lockout.sh --rounds 1 --seconds 2            # smoke run; any LockoutStoreBench option goes through
#
# Variables (defaults): REDIS_PORT (18381: a redis-server the script starts) UM_RUN_DIR (./.run).
# Results: bench/results/lockout-store-<time>.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/server-lib.sh
. bench/server-lib.sh
bench_env lockout 18380 19300 18381
command -v redis-benchmark >/dev/null || fail "redis-benchmark is required (apt-get install redis-tools)"
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT

echo "==> building the providers jar and taking Keycloak's jars the store compiles and runs against"
mvn -B -q -pl providers -am package -DskipTests
# our shaded jar first, then everything the providers module builds against (Keycloak's SPIs, jboss-logging, reactor)
mkdir -p "$UM_RUN_DIR"
mvn -B -q -pl providers dependency:build-classpath -Dmdep.outputFile="$UM_RUN_DIR/store-classpath.txt"
cp=providers/target/user-management-providers.jar:$(cat "$UM_RUN_DIR/store-classpath.txt")
mkdir -p "$UM_RUN_DIR/bench-store-classes" bench/results
javac -cp "$cp" -d "$UM_RUN_DIR/bench-store-classes" bench/store/LockoutStoreBench.java
start_redis

results=bench/results/lockout-store-$(date +%Y%m%d-%H%M%S).txt
echo "==> store decisions/s beside redis-benchmark (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
run_bench java -Dslf4j.internal.verbosity=WARN -cp "$cp:$UM_RUN_DIR/bench-store-classes" bench.store.LockoutStoreBench \
  --redis "$REDIS_URL" --results "$results" "$@"
echo "==> results: $results"
