#!/usr/bin/env bash
# Start deploy/compose.yaml in its order with any compose tool: PostgreSQL and
# Redis; once PostgreSQL answers, the migrations; then the app, the relay and
# nginx. docker compose, and podman-compose on podman 4.6 or later, can do
# the same from compose.yaml's depends_on alone (`up -d`); older podman
# cannot wait for a container to be healthy, or for one to finish.
#
#   deploy/compose-up.sh [-p project]        COMPOSE="docker compose" to choose the tool
set -euo pipefail
here=$(dirname "$0")
if [ -n "${COMPOSE:-}" ]; then
    read -ra compose <<< "$COMPOSE"
elif command -v podman-compose >/dev/null; then
    compose=(podman-compose)
else
    compose=(docker compose)
fi
compose+=(-f "$here/compose.yaml" "$@")

"${compose[@]}" up -d postgres redis
for _ in $(seq 60); do
    if "${compose[@]}" exec -T postgres pg_isready --host=127.0.0.1 --username=accounts --dbname=accounts >/dev/null 2>&1; then
        break
    fi
    sleep 1
done
"${compose[@]}" run --rm --no-deps migrate
"${compose[@]}" up -d --no-deps app relay nginx
