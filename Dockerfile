# syntax=docker/dockerfile:1
# Keycloak with the user-management jars and realm config, built the Keycloak way ("Creating a customized and
# optimized container image"): build the jars, augment Keycloak once (kc.sh build), start it --optimized.
#   docker build -t user-management-keycloak .        (docker compose up --build does this for you)
# KEYCLOAK_VERSION is the pom's keycloak.version (a test keeps them equal).
ARG KEYCLOAK_VERSION=26.7.3

# 1. the jars, as on a developer's machine: providers (lettuce shaded in) and theme
FROM maven:3.9-eclipse-temurin-17 AS jars
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -pl providers,themes -am package -DskipTests

# 2. Keycloak augmented with our jars and the build options of ./run.sh on Postgres
FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION} AS builder
COPY --from=jars /src/providers/target/*.jar /src/themes/target/*.jar /opt/keycloak/providers/
RUN /opt/keycloak/bin/kc.sh build --db=postgres --health-enabled=true --metrics-enabled=true

# 3. the image: the augmented server and the realms imported at start
FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}
COPY --from=builder /opt/keycloak/ /opt/keycloak/
COPY realm-config/import/ /opt/keycloak/data/import/
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized", "--import-realm"]
