#!/usr/bin/env bash
# Makes the base images the end-to-end suite needs, without pulling anything: root filesystems are
# assembled from this machine's binaries (with the shared libraries `ldd` reports) plus Debian's
# busybox-static for /bin/sh and the usual tools, then loaded with `docker import`.
#
#   node:20-bookworm-slim   /usr/bin/node                      (the example's api and dev images)
#   nginx:1.27-bookworm     Debian's nginx(-light) binary      (the example's frontend and proxy)
#   mariadb:10.11           Debian's mariadbd and client,      (the RDS stand-in; MYSQL_*/MARIADB_* env
#   (also as mysql:5.7)     data directory initialised at      like the official image; also the base
#                           import time                         of the course-app's database image)
#   busybox:stable          busybox-static                     (small test containers)
#
# The tags are the Docker Hub names the example's Dockerfiles use; the images behave like the
# official ones for what the example needs (CMD, users, config layout), they are not copies of them.
# An image is skipped when its tag exists with the same recipe label, so reruns are cheap.
#
# Usage: bash scripts/e2e/base-images.sh [name...]      (DOCKER_HOST selects the engine)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
recipe="$(cat "$0" "$here"/nginx/* "$here"/mariadb/* | sha256sum | cut -c1-16)"
work="$(mktemp -d "${TMPDIR:-/tmp}/beanstack-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT

need() { command -v "$1" >/dev/null 2>&1 || { echo "base-images: $1 is missing ($2)" >&2; exit 1; }; }
need docker 'install docker.io'
BUSYBOX="${BUSYBOX:-/bin/busybox}"
[ -x "$BUSYBOX" ] || { echo "base-images: $BUSYBOX is missing (apt-get install busybox-static)" >&2; exit 1; }

exists() {
  [ "$(docker image inspect -f '{{index .Config.Labels "org.beanstack.e2e-recipe"}}' "$1" 2>/dev/null || true)" = "$recipe" ]
}

# rootfs_base DIR: busybox with an applet symlink for every command, /etc files, /tmp.
rootfs_base() {
  local root="$1"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,run,var/tmp,root,home,proc,sys,dev}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  local applet
  for applet in $("$BUSYBOX" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\npasswd: files\ngroup: files\n' >"$root/etc/nsswitch.conf"
}

add_user() { # root name uid home
  echo "$2:x:$3:$3:$2:$4:/bin/sh" >>"$1/etc/passwd"
  echo "$2:x:$3:" >>"$1/etc/group"
  mkdir -p "$1$4"
  chown "$3:$3" "$1$4"
}

# add_binary ROOT PATH: the binary and every shared library it loads, at the same paths.
add_binary() {
  local root="$1" bin="$2" lib
  mkdir -p "$root$(dirname "$bin")"
  cp -L "$bin" "$root$bin"
  for lib in $(ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

import() { # root tag change...
  local root="$1" tag="$2"
  shift 2
  local args=(--change "LABEL org.beanstack.e2e-recipe=$recipe")
  local c
  for c in "$@"; do args+=(--change "$c"); done
  tar -C "$root" --numeric-owner -c . | docker import "${args[@]}" - "$tag" >/dev/null
  echo "base-images: made $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

make_busybox() {
  local tag=busybox:stable root="$work/busybox"
  exists "$tag" && { echo "base-images: $tag is up to date"; return; }
  rootfs_base "$root"
  import "$root" "$tag" 'CMD ["sh"]'
}

make_node() {
  local tag=node:20-bookworm-slim root="$work/node"
  exists "$tag" && { echo "base-images: $tag is up to date"; return; }
  need node 'Node.js 20 on the host'
  rootfs_base "$root"
  add_binary "$root" "$(readlink -f "$(command -v node)")"
  [ -e "$root/usr/local/bin/node" ] || ln -s "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
  add_user "$root" node 1000 /home/node
  import "$root" "$tag" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV NODE_VERSION=20' \
    'CMD ["node"]'
}

make_nginx() {
  local tag=nginx:1.27-bookworm root="$work/nginx"
  exists "$tag" && { echo "base-images: $tag is up to date"; return; }
  need nginx 'apt-get install nginx-light'
  rootfs_base "$root"
  add_binary "$root" "$(command -v nginx)"
  add_user "$root" nginx 101 /nonexistent
  mkdir -p "$root"/etc/nginx/conf.d "$root"/usr/share/nginx/html "$root"/var/log/nginx "$root"/var/cache/nginx \
    "$root"/var/lib/nginx/{body,proxy,fastcgi,uwsgi,scgi}
  cp /etc/nginx/mime.types "$root/etc/nginx/mime.types"
  ln -s /dev/stdout "$root/var/log/nginx/access.log"
  ln -s /dev/stderr "$root/var/log/nginx/error.log"
  cp "$here/nginx/nginx.conf" "$root/etc/nginx/nginx.conf"
  cp "$here/nginx/default.conf" "$root/etc/nginx/conf.d/default.conf"
  cp "$here/nginx/index.html" "$root/usr/share/nginx/html/index.html"
  import "$root" "$tag" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'EXPOSE 80' \
    'CMD ["nginx", "-g", "daemon off;"]'
}

make_mariadb() {
  local tag=mariadb:10.11 root="$work/mariadb"
  if exists "$tag" && exists mysql:5.7; then echo "base-images: $tag and mysql:5.7 are up to date"; return; fi
  need mariadbd 'apt-get install mariadb-server'
  need mariadb-install-db 'apt-get install mariadb-server'
  need mariadb 'apt-get install mariadb-client'
  rootfs_base "$root"
  add_binary "$root" "$(command -v mariadbd)"
  # the client, as the official images have it (schema init containers run it against the stand-in)
  add_binary "$root" "$(command -v mariadb)"
  ln -sf mariadb "$root$(dirname "$(command -v mariadb)")/mysql"
  add_user "$root" mysql 999 /var/lib/mysql
  mkdir -p "$root/usr/share/mysql" "$root/run/mysqld" "$root/usr/lib/mysql/plugin"
  cp -r /usr/share/mysql/charsets /usr/share/mysql/english "$root/usr/share/mysql/"
  mariadb-install-db --no-defaults --datadir="$root/var/lib/mysql" --user="$(id -un)" \
    --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve --innodb-log-file-size=8M \
    >"$work/install-db.log" 2>&1 || { cat "$work/install-db.log" >&2; exit 1; }
  chown -R 999:999 "$root/var/lib/mysql" "$root/run/mysqld"
  install -m 0755 "$here/mariadb/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  import "$root" "$tag" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'EXPOSE 3306' \
    'ENTRYPOINT ["docker-entrypoint.sh"]' \
    'CMD ["mariadbd"]'
  # the course-app example builds its database FROM mysql:5.7: the same stand-in under that name
  docker tag "$tag" mysql:5.7
  echo "base-images: tagged $tag as mysql:5.7"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(busybox node nginx mariadb)
for n in "${names[@]}"; do
  case "$n" in
    busybox) make_busybox ;;
    node) make_node ;;
    nginx) make_nginx ;;
    mariadb) make_mariadb ;;
    *) echo "base-images: unknown image $n (busybox, node, nginx, mariadb)" >&2; exit 2 ;;
  esac
done
