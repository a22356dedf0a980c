#!/usr/bin/env bash
# Starts a Docker engine suited to this sandbox (vfs storage, no iptables, no default bridge) on
# unix:///run/beanstack-ci/docker.sock, unless one already answers there. Used by .ci/run and by
# developers running the end-to-end suite locally.
set -euo pipefail
dir=/run/beanstack-ci
sock="$dir/docker.sock"
mkdir -p "$dir"
if DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then
  echo "docker engine already running at $sock"
  exit 0
fi
nohup dockerd --storage-driver=vfs --iptables=false --bridge=none \
  --data-root /var/lib/beanstack-docker --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
  -H "unix://$sock" >"$dir/dockerd.log" 2>&1 &
for _ in $(seq 1 60); do
  if DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then
    echo "docker engine started at $sock"
    exit 0
  fi
  sleep 1
done
echo "docker engine did not start; last log lines:" >&2
tail -n 30 "$dir/dockerd.log" >&2
exit 1
