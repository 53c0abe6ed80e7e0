#!/bin/bash
# First start: initialises PGDATA from the POSTGRES_* variables and runs
# /docker-entrypoint-initdb.d; then starts the server as the postgres user.
set -euo pipefail

say() { echo "[entrypoint] $*"; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

if [ "${1:0:1}" = "-" ]; then set -- postgres "$@"; fi
[ "$1" = postgres ] || exec "$@"
shift

user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    say "error: the database is not initialised and POSTGRES_PASSWORD is not set."
    say "Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust, for tests only)."
    exit 1
  fi
  say "initialising the database in $PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  chown postgres "$pwfile"
  as_postgres initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host="$auth" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  printf 'host all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  psql=(psql -v ON_ERROR_STOP=1 --username "$user" --no-password --no-psqlrc)
  if [ "$db" != postgres ]; then
    # Through stdin: psql interpolates :"db" (quoted as an identifier) there, not in -c.
    echo 'CREATE DATABASE :"db";' | as_postgres "${psql[@]}" --dbname postgres --set db="$db" >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case $f in
      *.sh) say "running $f"; . "$f" ;;
      *.sql) say "running $f"; as_postgres "${psql[@]}" --dbname "$db" -f "$f" >/dev/null ;;
      *.sql.gz) say "running $f"; gunzip -c "$f" | as_postgres "${psql[@]}" --dbname "$db" >/dev/null ;;
      *) say "ignoring $f" ;;
    esac
  done
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  say "initialisation done"
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -c listen_addresses='*' "$@"
