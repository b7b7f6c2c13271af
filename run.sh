#!/usr/bin/env bash
# Builds the providers and theme, installs them with the realm config into Keycloak 26.7.3
# (downloaded from Maven Central on first run) and starts it on http://localhost:${HTTP_PORT:-8080}.
#
# Embedded by default: Keycloak's file database in ./data and the in-memory lockout store.
# Set POSTGRES_HOST (and POSTGRES_PORT/DB/USER/PASSWORD) for Postgres, REDIS_URL or REDIS_HOST for Redis,
# SMTP_HOST (and SMTP_PORT/FROM/USER/PASSWORD/STARTTLS/SSL) for mail; without it mails go to ./data/mail.
# Every variable is in docs/configuration.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"

KC_VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml)
RUN_DIR=${UM_RUN_DIR:-$ROOT/.run}
KC_HOME=$RUN_DIR/keycloak-$KC_VERSION
HTTP_PORT=${HTTP_PORT:-8080}
# The public URL of every link Keycloak and our e-mails make (Keycloak's own variable: bash sets HOSTNAME itself)
KC_HOSTNAME=${KC_HOSTNAME:-http://localhost:$HTTP_PORT}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-9000}
export KC_BOOTSTRAP_ADMIN_USERNAME=${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}
export KC_BOOTSTRAP_ADMIN_PASSWORD=${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null || fail "Java 17 or newer is required (apt-get install openjdk-17-jdk-headless)."
command -v mvn >/dev/null || fail "Maven 3.8 or newer is required (apt-get install maven)."
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
[ "${java_major:-0}" -ge 17 ] || fail "Java 17 or newer is required; 'java' is version $java_major. Set JAVA_HOME or PATH."

step "[1/4] Building the providers and theme (Maven; the first run downloads dependencies)"
mvn -B -pl providers,themes -am package -DskipTests \
  || fail "the Maven build failed (see above); 'mvn -v' must show Java 17+ and Maven Central must be reachable."

step "[2/4] Keycloak $KC_VERSION"
if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  mkdir -p "$RUN_DIR"
  echo "Fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz from Maven Central (about 200 MB)..."
  mvn -B -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" -DoutputDirectory="$RUN_DIR" \
    || fail "could not fetch the Keycloak distribution; check access to Maven Central."
  echo "Unpacking into $KC_HOME"
  tar -xzf "$RUN_DIR/keycloak-quarkus-dist-$KC_VERSION.tar.gz" -C "$RUN_DIR"
  rm -f "$RUN_DIR/keycloak-quarkus-dist-$KC_VERSION.tar.gz"
else
  echo "Using $KC_HOME"
fi

step "[3/4] Installing providers, theme and realm config"
# copy only what changed: Keycloak refuses to start optimized when a provider jar is newer than its build
# providers/target and themes/target hold deployable jars only (what an operator copies into any Keycloak)
for jar in providers/target/*.jar themes/target/*.jar; do
  cmp -s "$jar" "$KC_HOME/providers/$(basename "$jar")" || install -m 644 "$jar" "$KC_HOME/providers/"
done
rm -rf "$KC_HOME/data/import" && mkdir -p "$KC_HOME/data/import"
install -m 644 realm-config/import/*.json "$KC_HOME/data/import/"

# Build-time options: a change of these or of the jars needs a new augmentation (kc.sh build, ~40 s).
build_options=(--health-enabled=true --metrics-enabled=true)
runtime_options=(--http-enabled=true --http-port="$HTTP_PORT" --http-management-port="$MANAGEMENT_PORT"
                 --hostname="$KC_HOSTNAME" --import-realm)
if [ -n "${POSTGRES_HOST:-}" ]; then
  build_options+=(--db=postgres)
  runtime_options+=(--db-url="jdbc:postgresql://$POSTGRES_HOST:${POSTGRES_PORT:-5432}/${POSTGRES_DB:-keycloak}"
                    --db-username="${POSTGRES_USER:-postgres}" --db-password="${POSTGRES_PASSWORD:-postgres}")
  database="Postgres at $POSTGRES_HOST:${POSTGRES_PORT:-5432}/${POSTGRES_DB:-keycloak}"
else
  build_options+=(--db=dev-file --cache=local)   # embedded means one node
  mkdir -p "$ROOT/data"
  # Keycloak keeps its file database in <kc.db-url-path>/data/h2 (default: its own home)
  export JAVA_OPTS_APPEND="${JAVA_OPTS_APPEND:-} -Dkc.db-url-path=$ROOT"
  # the key that signs audit checkpoints lives beside the database (generated on the first start, with a warning)
  runtime_options+=(--spi-events-listener--audit--checkpoint-key="$ROOT/data/audit-checkpoint-key.pem")
  database="Keycloak's file database in $ROOT/data"
fi
if [ -z "${REDIS_URL:-}" ] && [ -n "${REDIS_HOST:-}" ]; then
  REDIS_URL="redis://$REDIS_HOST:${REDIS_PORT:-6379}/${REDIS_DB:-0}"
fi
if [ -n "${REDIS_PASSWORD:-}" ]; then
  export KC_SPI_REDIS__DEFAULT__PASSWORD="$REDIS_PASSWORD"   # not on the command line, where ps would show it
fi
if [ -n "${REDIS_URL:-}" ]; then
  runtime_options+=(--spi-redis--default--url="$REDIS_URL")
  if [ "${REDIS_CLUSTER:-false}" = "true" ]; then
    runtime_options+=(--spi-redis--default--cluster=true)
  fi
  cache="Redis at $(printf '%s' "$REDIS_URL" | sed -E 's#//[^/@]*@#//#')"
else
  cache="the embedded in-memory store"
fi
# Mail: the server's SMTP for every realm without its own (docs/operations.md#mail); without SMTP_HOST the
# development mailbox writes each mail to data/mail and logs its links (development only: links are secrets)
if [ -n "${SMTP_HOST:-}" ]; then
  runtime_options+=(--spi-email-sender--platform--host="$SMTP_HOST" --spi-email-sender--platform--port="${SMTP_PORT:-25}"
                    --spi-email-sender--platform--from="${SMTP_FROM:-noreply@localhost}"
                    --spi-email-sender--platform--starttls="${SMTP_STARTTLS:-false}" --spi-email-sender--platform--ssl="${SMTP_SSL:-false}")
  [ -z "${SMTP_USER:-}" ] || runtime_options+=(--spi-email-sender--platform--user="$SMTP_USER")
  [ -z "${SMTP_PASSWORD:-}" ] || export KC_SPI_EMAIL_SENDER__PLATFORM__PASSWORD="$SMTP_PASSWORD"   # not on the command line
  mail="SMTP at $SMTP_HOST:${SMTP_PORT:-25}"
else
  mkdir -p "$ROOT/data/mail"
  runtime_options+=(--spi-email-sender--platform--dev-mail-dir="$ROOT/data/mail")
  mail="none: development mailbox $ROOT/data/mail"
fi
if [ "${DEBUG:-false}" = "true" ]; then
  runtime_options+=(--log-level="INFO,dev.multimodal.usermanagement:debug")
fi
# The old service's token lifetimes, applied to the demo realm when it is first imported
[ -z "${JWT_ACCESS_TOKEN_EXPIRE_MINUTES:-}" ] || export UM_ACCESS_TOKEN_LIFESPAN_SECONDS=$((JWT_ACCESS_TOKEN_EXPIRE_MINUTES * 60))
[ -z "${JWT_REFRESH_TOKEN_EXPIRE_DAYS:-}" ] || export UM_REFRESH_TOKEN_LIFESPAN_SECONDS=$((JWT_REFRESH_TOKEN_EXPIRE_DAYS * 86400))

# the jars' content and times: Keycloak also refuses a jar that is newer than its build
fingerprint=$( { printf '%s\n' "${build_options[@]}"; cat "$KC_HOME"/providers/*.jar; stat -c %Y "$KC_HOME"/providers/*.jar; } \
  | sha256sum | cut -d' ' -f1)
if [ -f "$KC_HOME/lib/quarkus/build-system.properties" ] && [ "$(cat "$KC_HOME/.um-build" 2>/dev/null)" = "$fingerprint" ]; then
  echo "Providers and build options unchanged: reusing the last Keycloak build"
else
  echo "Building Keycloak with our providers (kc.sh build, about 40 s)..."
  "$KC_HOME/bin/kc.sh" build "${build_options[@]}" || fail "kc.sh build failed; see the lines above."
  echo "$fingerprint" > "$KC_HOME/.um-build"
fi

step "[4/4] Starting Keycloak on http://localhost:$HTTP_PORT (public URL: $KC_HOSTNAME; database: $database; lockout store: $cache; mail: $mail)"
"$KC_HOME/bin/kc.sh" start --optimized "${runtime_options[@]}" &
kc_pid=$!
trap 'kill -TERM $kc_pid 2>/dev/null; wait $kc_pid; exit 0' INT TERM

until curl -fs -o /dev/null "http://localhost:$MANAGEMENT_PORT/health/ready"; do
  kill -0 $kc_pid 2>/dev/null || fail "Keycloak stopped during start-up; see its log above."
  sleep 1
done
cat <<INFO

  user-management is up.
    Admin console   http://localhost:$HTTP_PORT/admin/   (bootstrap admin: $KC_BOOTSTRAP_ADMIN_USERNAME / $KC_BOOTSTRAP_ADMIN_PASSWORD, first start only)
    API             http://localhost:$HTTP_PORT/realms/demo/api/v1/   (health: .../api/v1/health)
    Demo tenant     http://localhost:$HTTP_PORT/realms/demo/account/   (demo-admin / DemoAdmin123!, demo-user / DemoUser123!)
  Ctrl-C stops it; data stays for the next run.

INFO
wait $kc_pid
