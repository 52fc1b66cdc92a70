#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's packages:
#   scripts/pg.sh start DIR   starts one in DIR on a free loopback port and
#                             prints its URL (postgres://postgres@127.0.0.1:PORT)
#   scripts/pg.sh stop DIR    stops it (DIR can then be deleted)
# initdb refuses to run as root, so as root the server runs as the postgres
# user. Durability is switched off (fsync): it holds test data only.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi

case $cmd in
start)
  mkdir -p "$dir"
  [ ${#as_pg[@]} -eq 0 ] || chown postgres "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
    "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
    start >/dev/null
  echo "postgres://postgres@127.0.0.1:$port"
  ;;
stop)
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
