# Shared by bench/lockout.sh and bench/audit.sh (sourced, not run): a fresh database, the build, a Redis of the
# benchmark's own (redis-server on its own port, no persistence) and ./run.sh in the background, all stopped by PID.
# Expects ROOT; bench_env sets the name, ports, database and Redis of one benchmark (each overridable).

# One benchmark's name, ports and database (each overridable from the environment); Redis is the benchmark's own.
bench_env() {
  NAME=$1
  export HTTP_PORT=${HTTP_PORT:-$2}
  export MANAGEMENT_PORT=${MANAGEMENT_PORT:-$3}
  export REDIS_PORT=${REDIS_PORT:-$4}
  export POSTGRES_HOST=${POSTGRES_HOST:-127.0.0.1}
  export POSTGRES_PORT=${POSTGRES_PORT:-5432}
  export POSTGRES_DB=${POSTGRES_DB:-um_bench_$1}
  export POSTGRES_USER=${POSTGRES_USER:-postgres}
  export POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}
  export UM_RUN_DIR=${UM_RUN_DIR:-$ROOT/.run}
  export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
  unset REDIS_HOST
}

fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

check_tools() {
  local tool
  for tool in psql java javac curl redis-server redis-cli mvn "$@"; do
    command -v "$tool" >/dev/null || fail "$tool is required (apt-get install postgresql-client openjdk-17-jdk-headless curl redis-server maven)"
  done
  case "$POSTGRES_HOST" in 127.0.0.1|localhost|::1) ;; *) fail "the benchmark only talks to localhost; POSTGRES_HOST=$POSTGRES_HOST" ;; esac
  local port
  for port in "$HTTP_PORT" "$MANAGEMENT_PORT" "$REDIS_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is in use; set HTTP_PORT/MANAGEMENT_PORT/REDIS_PORT"; fi
  done
}

fresh_database() {
  echo "==> fresh database $POSTGRES_DB on $POSTGRES_HOST:$POSTGRES_PORT"
  export PGPASSWORD=$POSTGRES_PASSWORD
  psql -q -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"$POSTGRES_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$POSTGRES_DB\""
}

build() {
  echo "==> building the jars (run.sh builds again, incrementally)"
  mvn -B -q -pl providers,themes -am package -DskipTests
  echo "==> compiling the benchmark"
  mkdir -p "$UM_RUN_DIR" bench/results
  javac -d "$UM_RUN_DIR/bench-classes" bench/*.java
}

redis_pid=
server_pid=
bench_pid=

start_redis() {
  echo "==> redis-server on 127.0.0.1:$REDIS_PORT (the benchmark's own, no persistence)"
  mkdir -p "$UM_RUN_DIR/$NAME-redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$UM_RUN_DIR/$NAME-redis" \
    --logfile "$UM_RUN_DIR/$NAME-redis/redis.log" &
  redis_pid=$!
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  fail "redis-server did not answer on port $REDIS_PORT; see $UM_RUN_DIR/$NAME-redis/redis.log"
}

descendants() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done; }

start_server() {
  local log=$UM_RUN_DIR/$NAME-server.log
  echo "==> ./run.sh (Postgres $POSTGRES_DB, Redis $REDIS_URL; log $log)"
  ./run.sh >>"$log" 2>&1 &
  server_pid=$!
  echo "==> waiting for http://localhost:$MANAGEMENT_PORT/health/ready"
  for _ in $(seq 1 900); do
    curl -fs -o /dev/null "http://localhost:$MANAGEMENT_PORT/health/ready" && break
    kill -0 "$server_pid" 2>/dev/null || fail "run.sh exited during start-up; see $log"
    sleep 1
  done
  curl -fs -o /dev/null "http://localhost:$MANAGEMENT_PORT/health/ready" || fail "not ready after 900 s; see $log"
  echo "==> Keycloak ready"
}

stop_all() {
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then kill -TERM "$bench_pid" 2>/dev/null || true; wait "$bench_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
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
  if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
    echo "==> stopping redis-server pid $redis_pid"
    kill -TERM "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
}

# Runs a command in the background as the benchmark (so Ctrl-C stops it before the server) and waits for it.
run_bench() {
  "$@" &
  bench_pid=$!
  wait "$bench_pid"
  bench_pid=
}
