#!/bin/sh
# Entry point of the mariadb stand-in image: the data directory was initialised when the image was
# made; on every start this creates the root password, database and user named by the same
# variables as the official image (MARIADB_* or MYSQL_*), then runs the server in the foreground.
set -eu
# `mysqld` too: images built FROM mysql:5.7 (the same stand-in under that name) keep that CMD
case "${1:-}" in
  mariadbd|mysqld) ;;
  *) exec "$@" ;;
esac
shift
root_password="${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}"
database="${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}"
user="${MARIADB_USER:-${MYSQL_USER:-}}"
password="${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}"
# SQL string literal / identifier quoting
lit() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"; }
ident() { printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"; }
init=/run/mysqld/init.sql
: >"$init"
# like the official image: no anonymous accounts (they would shadow user@'%' for local connections)
echo "DELETE FROM mysql.global_priv WHERE User='';" >>"$init"
echo "FLUSH PRIVILEGES;" >>"$init"
if [ -n "$root_password" ]; then
  echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(lit "$root_password");" >>"$init"
  echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $(lit "$root_password");" >>"$init"
  echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;" >>"$init"
fi
[ -n "$database" ] && echo "CREATE DATABASE IF NOT EXISTS $(ident "$database") CHARACTER SET utf8mb4;" >>"$init"
if [ -n "$user" ]; then
  echo "CREATE USER IF NOT EXISTS $(lit "$user")@'%' IDENTIFIED BY $(lit "$password");" >>"$init"
  echo "ALTER USER $(lit "$user")@'%' IDENTIFIED BY $(lit "$password");" >>"$init"
  [ -n "$database" ] && echo "GRANT ALL ON $(ident "$database").* TO $(lit "$user")@'%';" >>"$init"
fi
chown mysql:mysql "$init"
chmod 600 "$init"
exec mariadbd --user=mysql --datadir=/var/lib/mysql --bind-address=0.0.0.0 --port=3306 --skip-name-resolve \
  --character-set-server=utf8mb4 --innodb-log-file-size=8M --init-file="$init" "$@"
