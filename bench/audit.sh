#!/usr/bin/env bash
# Audit benchmark (issue 6), on one server in one run, on Postgres and a Redis of its own (bench/AuditBench.java):
# 1,000,000 bulk rows in UM_AUDIT (SQL generate_series), then login (and refresh) throughput with the realm's `audit`
# listener on and off in alternating rounds with audit rows counted per round, then GET /audit p50/p95 per filter
# with EXPLAIN ANALYZE of each filter's query.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/audit.sh [options]

  bench/audit.sh                                       # full run: 1,000,000 rows, 4 rounds x 10 s per state, 200 queries per filter
  bench/audit.sh --rows 20000 --rounds 1 --seconds 3 --queries 20    # smoke run

Options (bench/AuditBench.java): --rows 1000000 --users 100 --threads 4 --rounds 4 --seconds 10 --warmup-seconds 5
  --queries 200 --filter-seconds 60 (per filter: whichever ends first) --tenant auditbench
Variables (defaults): HTTP_PORT (18480) MANAGEMENT_PORT (19400) REDIS_PORT (18481: a redis-server the script starts)
  POSTGRES_HOST (127.0.0.1) POSTGRES_PORT (5432) POSTGRES_DB (um_bench_audit, dropped and recreated)
  POSTGRES_USER (postgres) POSTGRES_PASSWORD (empty) UM_RUN_DIR (./.run)
Results: bench/results/audit-<time>.txt; Keycloak's log: $UM_RUN_DIR/audit-server.log.
EOF
}

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --psql) usage >&2; exit 2 ;;   # set from the POSTGRES_* variables below
    --*) [ $# -ge 2 ] || { usage >&2; exit 2; }; args+=("$1" "$2"); shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/server-lib.sh
. bench/server-lib.sh
bench_env audit 18480 19400 18481

check_tools
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT
fresh_database
build
start_redis
start_server

results=bench/results/audit-$(date +%Y%m%d-%H%M%S).txt
echo "==> bench.AuditBench (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
run_bench java -cp "$UM_RUN_DIR/bench-classes" bench.AuditBench --base "http://localhost:$HTTP_PORT" --results "$results" \
  --psql "psql -h $POSTGRES_HOST -p $POSTGRES_PORT -U $POSTGRES_USER -d $POSTGRES_DB" "${args[@]}"
echo "==> results: $results"
