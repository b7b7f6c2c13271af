#!/usr/bin/env bash
# Many tenants (issue 12): start-up, idle memory, tenant creation and listing at 0, 1,000 and 2,000 tenants, on one
# database, for the same Keycloak 26.7.3 distribution with our providers and without (stock Keycloak creating realms
# through its admin API). Long: filling 2,000 tenants and ten starts take about 1.5 h on 2 idle cores (docs/benchmarks.md).
#
#   bench/scale.sh                          # sizes 0,1000,2000
#   bench/scale.sh --sizes 0,50,100         # a smoke run (about 15 min); any ScaleBench.java option goes through
#
# It drops and recreates $POSTGRES_DB (default um_bench_scale), builds the jars, unpacks the distribution twice into
# $UM_RUN_DIR/scale (keycloak-ours with our jars, keycloak-stock without; both kc.sh build --db=postgres
# --health-enabled=true --metrics-enabled=true), starts its own redis-server and runs bench/ScaleBench.java, which starts
# and stops Keycloak by PID. Variables as bench/server-lib.sh (HTTP_PORT 18280, MANAGEMENT_PORT 19200, REDIS_PORT 16390).
# Logs: $UM_RUN_DIR/scale/; results: bench/results/scale-<time>.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source bench/server-lib.sh
bench_env scale 18280 19200 16390
check_tools jcmd
trap stop_all EXIT
trap 'exit 130' INT TERM

fresh_database
build

KC_VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml)
SCALE_DIR=$UM_RUN_DIR/scale
mkdir -p "$SCALE_DIR"
tarball=$SCALE_DIR/keycloak-quarkus-dist-$KC_VERSION.tar.gz
[ -f "$tarball" ] || mvn -B -q -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" -DoutputDirectory="$SCALE_DIR"
for side in ours stock; do
  home=$SCALE_DIR/keycloak-$side
  rm -rf "$home" && mkdir -p "$home"
  tar -xzf "$tarball" -C "$home" --strip-components=1
  if [ "$side" = ours ]; then
    install -m 644 providers/target/user-management-providers.jar themes/target/user-management-themes.jar "$home/providers/"
  fi
  echo "==> kc.sh build ($side)"
  "$home/bin/kc.sh" build --db=postgres --health-enabled=true --metrics-enabled=true > "$SCALE_DIR/build-$side.log" 2>&1 \
    || fail "kc.sh build ($side) failed; see $SCALE_DIR/build-$side.log"
done

start_redis
stamp=$(date +%Y%m%d-%H%M%S)
run_bench java -cp "$UM_RUN_DIR/bench-classes" bench.ScaleBench --ours "$SCALE_DIR/keycloak-ours" --stock "$SCALE_DIR/keycloak-stock" \
  --db-url "jdbc:postgresql://$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DB" --db-user "$POSTGRES_USER" --db-password "$POSTGRES_PASSWORD" \
  --redis-url "$REDIS_URL" --http-port "$HTTP_PORT" --management-port "$MANAGEMENT_PORT" --log "$SCALE_DIR" \
  --results "bench/results/scale-$stamp.md" "$@"
echo "==> results: bench/results/scale-$stamp.md"
