#!/usr/bin/env bash
# Starts local Redis and PostgreSQL when they are installed but not running (CI and dev boxes).
set -uo pipefail
ok=0
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/jixiao-redis.log || ok=1
  else
    ok=1
  fi
fi
if ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || ok=1
  else
    ok=1
  fi
fi
for _ in $(seq 1 30); do
  redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -q 2>/dev/null && break
  sleep 1
done
exit $ok
