#!/usr/bin/env bash
# deploy/nginx.conf in the foreground on 127.0.0.1:PORT in front of UPSTREAM (gunicorn's host:port,
# or several separated by commas: the application hosts nginx balances):
#   bench/nginx.sh 8768 127.0.0.1:8766
#   bench/nginx.sh 8768 127.0.0.1:8781,127.0.0.1:8782
# Static files and media from NEWSROOM_VAR_DIR (default: the project's var/); nginx's pid, logs and
# temporary files in a directory of their own (NGINX_RUN_DIR, kept; else a new one, removed when
# nginx stops).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
  echo "usage: bench/nginx.sh PORT UPSTREAM   (e.g. bench/nginx.sh 8768 127.0.0.1:8766)" >&2
  exit 2
fi
command -v nginx >/dev/null || { echo "nginx is required: apt-get install nginx" >&2; exit 1; }
port=$1
servers=""
IFS=, read -ra upstreams <<< "$2"
for address in "${upstreams[@]}"; do servers="$servers server $address;"; done
var=$(realpath "${NEWSROOM_VAR_DIR:-var}")
if [ -n "${NGINX_RUN_DIR:-}" ]; then
  run=$(realpath "$NGINX_RUN_DIR")
  remove=""
else
  run=$(mktemp -d -t newsroom-nginx-XXXXXX)
  remove="$run"
fi
trap 'rm -rf $remove' EXIT
mkdir -p "$var/nginx-cache"
sed -e "s|@LISTEN@|127.0.0.1:$port|" -e "s|@UPSTREAM_SERVERS@|$servers|" \
    -e "s|@VAR_DIR@|$var|g" -e "s|@RUN_DIR@|$run|g" deploy/nginx.conf > "$run/nginx.conf"
# As root, nginx's workers would run as nobody, who may not read a private var directory.
directives="daemon off;"
[ "$(id -u)" = 0 ] && directives="daemon off; user root;"
nginx -c "$run/nginx.conf" -g "$directives" -t -q
nginx -c "$run/nginx.conf" -g "$directives" &
pid=$!
trap 'kill -QUIT $pid 2>/dev/null; wait $pid; rm -rf $remove' EXIT INT TERM
wait $pid
