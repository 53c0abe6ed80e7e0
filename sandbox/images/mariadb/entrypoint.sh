#!/bin/bash
# First start: creates the data directory from MYSQL_* (or MARIADB_*)
# variables and runs /docker-entrypoint-initdb.d; then starts the server.
set -euo pipefail

say() { echo "[entrypoint] $*"; }

# Options and commands meant for Oracle MySQL that MariaDB does not know.
args=()
for a in "$@"; do
  case $a in
    --default-authentication-plugin=*|--mysql-native-password=*)
      say "ignoring $a: this image is MariaDB, whose default plugin already suits clients" ;;
    *) args+=("$a") ;;
  esac
done
set -- "${args[@]}"
if [ "${1:-}" = "" ] || [ "${1:0:1}" = "-" ]; then set -- mariadbd "$@"; fi
case $1 in mysqld|mariadbd) ;; *) exec "$@" ;; esac
shift

env_of() { local v="MYSQL_$1" w="MARIADB_$1"; printf '%s' "${!v:-${!w:-}}"; }
root_password=$(env_of ROOT_PASSWORD)
allow_empty=$(env_of ALLOW_EMPTY_PASSWORD)
[ -z "$allow_empty" ] && allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}
random_root=$(env_of RANDOM_ROOT_PASSWORD)
[ -z "$random_root" ] && random_root=${MARIADB_RANDOM_ROOT_PASSWORD:-}
database=$(env_of DATABASE)
user=$(env_of USER)
password=$(env_of PASSWORD)

# SQL string literal: backslashes and quotes escaped.
sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
sql_name() { printf '`%s`' "${1//\`/\`\`}"; }

datadir=/var/lib/mysql
mkdir -p "$datadir" /run/mysqld
chown mysql:mysql "$datadir" /run/mysqld

if [ ! -d "$datadir/mysql" ]; then
  if [ -z "$root_password" ] && [ -z "$allow_empty" ] && [ -z "$random_root" ]; then
    say "error: the database is not initialised and no root password option is set."
    say "Set one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD."
    exit 1
  fi
  if [ -n "$random_root" ]; then
    root_password=$(tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 32)
    say "GENERATED ROOT PASSWORD: $root_password"
  fi
  say "initialising the database in $datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db --auth-root-authentication-method=normal >/dev/null
  mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  for _ in $(seq 1 300); do mariadb-admin --socket=/run/mysqld/init.sock ping >/dev/null 2>&1 && break; sleep 0.1; done
  client=(mariadb --protocol=socket --socket=/run/mysqld/init.sock -uroot)
  {
    echo "DELETE FROM mysql.user WHERE user = '';"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$root_password");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$database");"; fi
    if [ -n "$user" ] && [ -n "$password" ]; then
      echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
      if [ -n "$database" ]; then echo "GRANT ALL ON $(sql_name "$database").* TO $(sql_string "$user")@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | "${client[@]}"
  [ -n "$root_password" ] && client+=("-p$root_password")
  [ -n "$database" ] && db_arg=("$database") || db_arg=()
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case $f in
      *.sh) say "running $f"; . "$f" ;;
      *.sql) say "running $f"; "${client[@]}" "${db_arg[@]}" < "$f" ;;
      *.sql.gz) say "running $f"; gunzip -c "$f" | "${client[@]}" "${db_arg[@]}" ;;
      *) say "ignoring $f" ;;
    esac
  done
  mariadb-admin --socket=/run/mysqld/init.sock -uroot ${root_password:+"-p$root_password"} shutdown
  wait "$pid" || true
  say "initialisation done"
fi

exec mariadbd --user=mysql --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 "$@"
