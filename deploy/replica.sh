#!/usr/bin/env bash
# A streaming read replica of a local PostgreSQL server, for development and CI.
#
#   deploy/replica.sh start [DIR] [PORT]   copy the primary with pg_basebackup -R into
#                                          DIR, start it on PORT, wait until it streams
#   deploy/replica.sh stop [DIR]           stop it and remove DIR
#
# PRIMARY_URL names the primary (default postgres://postgres@127.0.0.1:5432/postgres).
# start is idempotent: a replica already streaming in DIR is kept; anything else in
# DIR (stopped, broken, another primary's copy) is replaced by a fresh copy, since a
# stopped copy may need WAL the primary has already recycled. The primary must accept
# replication connections from 127.0.0.1: if its pg_hba.conf has no such rule, start
# adds one (trust, like the machine's other local rules) and reloads the primary.
# PostgreSQL refuses to run as root, so as root the replica runs as `postgres`.
set -euo pipefail

PRIMARY_URL="${PRIMARY_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WAIT_SECONDS="${REPLICA_WAIT_SECONDS:-60}"
command_name="${1:-}"
DIR="${2:-${REPLICA_DIR:-/var/tmp/gbanews-replica-${REPLICA_PORT:-5433}}}"
PORT="${3:-${REPLICA_PORT:-5433}}"

pg_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  if [ -n "$found" ]; then echo "$found"; else dirname "$(command -v pg_ctl)"; fi
}
BIN="$(pg_bin)"

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

primary() { psql "$PRIMARY_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
replica() {
  psql "host=127.0.0.1 port=$PORT user=postgres dbname=postgres connect_timeout=3" \
    -XAtq -c "$1" 2>/dev/null
}

streaming() {
  [ "$(replica "SELECT pg_is_in_recovery() AND EXISTS (
      SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming')")" = t ]
}

allow_replication() {
  local rules
  rules="$(primary "SELECT count(*) FROM pg_hba_file_rules
    WHERE type = 'host' AND 'replication' = ANY(database)
      AND (address = '127.0.0.1' OR address = 'all')")"
  [ "$rules" != 0 ] && return
  local hba
  hba="$(primary "SHOW hba_file")"
  printf '\n# Streaming replicas on this machine (gbanews deploy/replica.sh).\n%s\n' \
    "host replication all 127.0.0.1/32 trust" >>"$hba"
  primary "SELECT pg_reload_conf()" >/dev/null
  echo "Allowed replication connections from 127.0.0.1 in $hba (reloaded)."
}

stop() {
  if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -f "$DIR/PG_VERSION" ]; then
    echo "$DIR is not a PostgreSQL data directory; not removing it." >&2
    exit 1
  fi
  if [ -f "$DIR/postmaster.pid" ]; then
    as_owner "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

start() {
  if [ -f "$DIR/standby.signal" ] && streaming; then
    echo "Replica on port $PORT is streaming ($DIR)."
    return
  fi
  stop
  allow_replication
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  # -R writes standby.signal and primary_conninfo; no slot, so a replica that is
  # dropped without stop never holds WAL on the primary.
  as_owner "$BIN/pg_basebackup" -d "$PRIMARY_URL" -D "$DIR" -R -X stream -c fast
  # Debian keeps the primary's configuration outside its data directory: the copy
  # gets its own.
  as_owner tee "$DIR/postgresql.conf" >/dev/null <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
hot_standby = on
hot_standby_feedback = on
max_connections = 100
shared_buffers = 32MB
logging_collector = off
CONF
  as_owner tee "$DIR/pg_hba.conf" >/dev/null <<HBA
host all all 127.0.0.1/32 trust
HBA
  as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/replica.log" -w -t "$WAIT_SECONDS" start \
    >/dev/null
  local deadline=$((SECONDS + WAIT_SECONDS))
  until streaming; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "Replica on port $PORT is not streaming after ${WAIT_SECONDS} s:" >&2
      tail -n 20 "$DIR/replica.log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  echo "Replica on port $PORT is streaming ($DIR)."
}

case "$command_name" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
