#!/usr/bin/env bash
# Make sure the services the tests need are up: PostgreSQL always; Redis and RabbitMQ with --brokers.
# Starts a local server that is installed but stopped; says clearly what is missing otherwise.
set -uo pipefail

want_brokers=0
[ "${1:-}" = "--brokers" ] && want_brokers=1

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 0.5; done
  echo "error: $name did not come up on 127.0.0.1:$port" >&2
  return 1
}

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql >/dev/null 2>&1; then
    echo "PostgreSQL is stopped; starting it"
    version=$(ls /etc/postgresql | sort -V | tail -n1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_port 5432 PostgreSQL || exit 1
  else
    echo "error: no PostgreSQL on 127.0.0.1:5432 and none installed here." >&2
    echo "Install it (apt-get install postgresql) or set TEST_DATABASE_URL to a reachable server." >&2
    exit 1
  fi
fi

if [ "$want_brokers" = 1 ]; then
  if ! port_open 6379; then
    command -v redis-server >/dev/null || { echo "error: redis-server is not installed" >&2; exit 1; }
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_port 6379 Redis || exit 1
  fi
  if ! port_open 5672; then
    command -v rabbitmq-server >/dev/null || { echo "error: rabbitmq-server is not installed" >&2; exit 1; }
    rabbitmq-server -detached
    wait_port 5672 RabbitMQ || exit 1
  fi
fi
exit 0
