/**
 * The schema init container: what the official MySQL / MariaDB / PostgreSQL images do with
 * `/docker-entrypoint-initdb.d` on a new data directory, done once against the Amazon RDS database
 * that replaces the compose service. The container runs the database service's own image (it has the
 * engine's client, and the files its Dockerfile copied) with this script, which waits for the
 * database, takes a lock, applies the `.sql` files in the entrypoint's order and records each one in
 * the table `beanstack_schema_init` so a redeploy — or a second instance — does not apply it again.
 */
import type { DatabaseEngine } from '../types';

/** Where the script is mounted in the init container. */
export const SCHEMA_INIT_SCRIPT = '/beanstack/schema-init.sh';
/** Path of the script inside the bundle. */
export const SCHEMA_INIT_BUNDLE_PATH = 'beanstack/schema-init.sh';
/** Table that records applied files (in the app's database). */
export const SCHEMA_INIT_TABLE = 'beanstack_schema_init';

/** Variables the init container reads (the stack sets them from the RDS instance and its secret). */
export const SCHEMA_INIT_VARIABLES = {
  host: 'BEANSTACK_DB_HOST',
  port: 'BEANSTACK_DB_PORT',
  user: 'BEANSTACK_DB_USER',
  password: 'BEANSTACK_DB_PASSWORD',
  database: 'BEANSTACK_DB_NAME',
} as const;

const COMMON = String.raw`set -eu
export LC_ALL=C
dir=${'$'}{BEANSTACK_INIT_DIR:-/docker-entrypoint-initdb.d}
host=${'$'}{BEANSTACK_DB_HOST:?BEANSTACK_DB_HOST is not set: the stack sets it to the RDS endpoint}
user=${'$'}{BEANSTACK_DB_USER:?BEANSTACK_DB_USER is not set}
password=${'$'}{BEANSTACK_DB_PASSWORD:?BEANSTACK_DB_PASSWORD is not set}
db=${'$'}{BEANSTACK_DB_NAME:?BEANSTACK_DB_NAME is not set}
wait_seconds=${'$'}{BEANSTACK_INIT_WAIT_SECONDS:-600}
log() { echo "schema-init: $*"; }
fail() { echo "schema-init: $*" >&2; exit 1; }
# a SQL string literal: quotes doubled, backslashes escaped
lit() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
unpack() {
  case "$1" in
    *.sql) cat "$1" ;;
    *.sql.gz) gzip -dc "$1" ;;
    *.sql.xz) xz -dc "$1" ;;
    *.sql.zst) zstd -dc "$1" ;;
    *.sql.bz2) bzip2 -dc "$1" ;;
  esac
}
`;

const LOOP = String.raw`waited=0
until probe >/tmp/schema-init.err 2>&1; do
  [ "$waited" -lt "$wait_seconds" ] || fail "the database at $host:$port does not answer after $wait_seconds s: $(tail -n 1 /tmp/schema-init.err)"
  sleep 3
  waited=$((waited + 3))
done
setup
lock_taken=0
release() { if [ "$lock_taken" = 1 ]; then unlock || true; fi; }
trap release EXIT
waited=0
until lock 2>/dev/null; do
  [ "$waited" -lt 1800 ] || fail "another instance holds the schema init lock for 30 minutes; remove the row of ${SCHEMA_INIT_TABLE}_lock if it is stale"
  log "waiting for another instance to finish the schema init"
  sleep 5
  waited=$((waited + 5))
done
lock_taken=1
applied=0
skipped=0
for f in "$dir"/*; do
  [ -f "$f" ] || continue
  name=${'$'}{f##*/}
  case "$name" in
    *.sql|*.sql.gz|*.sql.xz|*.sql.zst|*.sql.bz2) ;;
    *.sh) log "skipped $name: shell scripts run inside the database container and do not run against Amazon RDS (convert it to SQL)"; continue ;;
    *) continue ;;
  esac
  sum=$(sha256sum "$f" | cut -d ' ' -f 1)
  done_sum=$(recorded "$name")
  if [ -n "$done_sum" ]; then
    if [ "$done_sum" != "$sum" ]; then log "$name changed since it was applied; it is not applied again (init files run once, as on an existing data directory)"; fi
    skipped=$((skipped + 1))
    continue
  fi
  log "applying $name"
  unpack "$f" >/tmp/schema-init.sql || fail "cannot read $name (is its decompressor in the image?)"
  run_file </tmp/schema-init.sql || fail "$name failed; nothing after it was applied (fix the file and redeploy: applied files are skipped)"
  record "$name" "$sum"
  applied=$((applied + 1))
done
log "done: $applied applied, $skipped already applied"
`;

const MYSQL = String.raw`port=${'$'}{BEANSTACK_DB_PORT:-3306}
MYSQL_PWD=$password
export MYSQL_PWD
client=$(command -v mysql || command -v mariadb || true)
[ -n "$client" ] || fail "this image has no mysql or mariadb client"
# TLS when the server offers it (RDS with require_secure_transport refuses plain connections): the
# first of these client options that connects is used for every statement
tls=''
sql() { "$client" --protocol=TCP --host="$host" --port="$port" --user="$user" --batch --skip-column-names $tls "$@"; }
probe() {
  for candidate in '--ssl-mode=REQUIRED' '--ssl --skip-ssl-verify-server-cert' '--ssl' ''; do
    tls=$candidate
    if sql -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
  done
  tls=''
  sql -e 'SELECT 1'
}
setup() {
  sql --database="$db" -e "CREATE TABLE IF NOT EXISTS ${SCHEMA_INIT_TABLE} (file VARCHAR(255) PRIMARY KEY, sha256 CHAR(64) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP); CREATE TABLE IF NOT EXISTS ${SCHEMA_INIT_TABLE}_lock (id INT PRIMARY KEY, holder VARCHAR(255) NOT NULL, taken_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
}
lock() {
  sql --database="$db" -e "DELETE FROM ${SCHEMA_INIT_TABLE}_lock WHERE taken_at < NOW() - INTERVAL 30 MINUTE; INSERT INTO ${SCHEMA_INIT_TABLE}_lock (id, holder) VALUES (1, $(lit "$(hostname 2>/dev/null || echo init)"))"
}
unlock() { sql --database="$db" -e "DELETE FROM ${SCHEMA_INIT_TABLE}_lock WHERE id = 1"; }
recorded() { sql --database="$db" -e "SELECT sha256 FROM ${SCHEMA_INIT_TABLE} WHERE file = $(lit "$1")"; }
record() { sql --database="$db" -e "INSERT INTO ${SCHEMA_INIT_TABLE} (file, sha256) VALUES ($(lit "$1"), $(lit "$2"))"; }
run_file() { sql --database="$db"; }
`;

const POSTGRES = String.raw`port=${'$'}{BEANSTACK_DB_PORT:-5432}
PGPASSWORD=$password
export PGPASSWORD
PGSSLMODE=${'$'}{PGSSLMODE:-prefer}
export PGSSLMODE
command -v psql >/dev/null || fail "this image has no psql client"
sql() { psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --tuples-only --no-align --host="$host" --port="$port" --username="$user" --dbname="$db" "$@"; }
probe() { sql -c 'SELECT 1'; }
setup() {
  sql -c "CREATE TABLE IF NOT EXISTS ${SCHEMA_INIT_TABLE} (file VARCHAR(255) PRIMARY KEY, sha256 CHAR(64) NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())" -c "CREATE TABLE IF NOT EXISTS ${SCHEMA_INIT_TABLE}_lock (id INT PRIMARY KEY, holder VARCHAR(255) NOT NULL, taken_at TIMESTAMPTZ NOT NULL DEFAULT now())"
}
lock() {
  sql -c "DELETE FROM ${SCHEMA_INIT_TABLE}_lock WHERE taken_at < now() - interval '30 minutes'" -c "INSERT INTO ${SCHEMA_INIT_TABLE}_lock (id, holder) VALUES (1, $(lit "$(hostname 2>/dev/null || echo init)"))"
}
unlock() { sql -c "DELETE FROM ${SCHEMA_INIT_TABLE}_lock WHERE id = 1"; }
recorded() { sql -c "SELECT sha256 FROM ${SCHEMA_INIT_TABLE} WHERE file = $(lit "$1")"; }
record() { sql -c "INSERT INTO ${SCHEMA_INIT_TABLE} (file, sha256) VALUES ($(lit "$1"), $(lit "$2"))"; }
run_file() { sql -f -; }
`;

/** The init script for an engine (POSIX sh; runs in the official images and their derivatives). */
export function schemaInitScript(engine: DatabaseEngine): string {
  const header = [
    '#!/bin/sh',
    '# Generated by beanstack. Applies the schema init files of /docker-entrypoint-initdb.d once to the',
    '# Amazon RDS database that replaces the compose database service, as the image\'s entrypoint does on',
    `# a new data directory. Applied files are recorded in the table ${SCHEMA_INIT_TABLE} and skipped on`,
    '# later deployments. Do not edit: regenerate the bundle.',
    '',
  ].join('\n');
  return `${header}${COMMON}${engine === 'postgres' ? POSTGRES : MYSQL}${LOOP}`;
}
