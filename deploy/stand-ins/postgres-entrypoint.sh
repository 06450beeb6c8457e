#!/bin/sh
# What compose.yaml uses of the official postgres image's entrypoint: on the
# first start, a cluster in $PGDATA whose superuser is $POSTGRES_USER with
# $POSTGRES_PASSWORD, a database $POSTGRES_DB, password logins over the
# network, and the server listening on every address of the container.
set -eu
: "${POSTGRES_USER:=postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    password=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$password"
    initdb --username="$POSTGRES_USER" --pwfile="$password" --auth-local=trust \
        --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
    rm "$password"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    if [ "${POSTGRES_DB:=$POSTGRES_USER}" != postgres ]; then
        pg_ctl --wait --options="-c listen_addresses=''" start >/dev/null
        createdb --username="$POSTGRES_USER" "$POSTGRES_DB"
        pg_ctl --wait --mode=fast stop >/dev/null
    fi
fi
exec "$@"
