#!/bin/bash
# First start: initdb with the stack's generated password (from POSTGRES_PASSWORD or
# POSTGRES_PASSWORD_FILE, never a command line), the staging, registry and Airflow databases, scram
# logins from the network. Then PostgreSQL in the foreground, without the password in its environment.
set -euo pipefail
user="${POSTGRES_USER:-streamline}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then POSTGRES_PASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"; fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?postgres: set POSTGRES_PASSWORD (npm run images writes it to deploy/.env)}"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >/dev/null
  rm -f "$pwfile"
  for db in streamline registry airflow; do
    echo "CREATE DATABASE $db;" | postgres --single -D "$PGDATA" postgres >/dev/null
  done
  # Airflow's metadata under a login of its own (AIRFLOW_DB_PASSWORD, generated into deploy/.env):
  # it owns the airflow database and nothing else. The password goes through stdin (scram-hashed).
  if [ -n "${AIRFLOW_DB_PASSWORD:-}" ]; then
    [[ "$AIRFLOW_DB_PASSWORD" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "postgres: AIRFLOW_DB_PASSWORD must be URL-safe base64 (npm run images generates one)" >&2; exit 2; }
    printf "CREATE ROLE airflow LOGIN PASSWORD '%s';\nALTER DATABASE airflow OWNER TO airflow;\n" "$AIRFLOW_DB_PASSWORD" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  # Every network login with a password (scram); the unix socket stays inside the container.
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
fi
unset POSTGRES_PASSWORD POSTGRES_PASSWORD_FILE AIRFLOW_DB_PASSWORD
exec postgres -D "$PGDATA" \
  -c listen_addresses='*' \
  -c password_encryption=scram-sha-256 \
  -c wal_level=logical \
  -c max_replication_slots=8 \
  -c max_wal_senders=8 \
  -c max_connections=200 \
  -c shared_buffers=256MB
