#!/usr/bin/env bash
# The cluster test: the portal deployed as deploy/ describes, on separate
# hosts simulated on this machine, under faults.
#
# Each host of scripts/cluster/hosts.txt is a network namespace ("pc-<name>")
# with one veth on a private bridge (10.0.0.0/24): a database host
# (PostgreSQL of its own, initdb'd here, plus PgBouncer), two Redis hosts
# with three Sentinels, two web hosts (gunicorn) behind an HAProxy host, two
# Celery worker hosts, one beat host and an SMTP sink; the test and its
# simulated users run on "client". scripts/cluster/run.py then starts the
# services with deploy/'s files and runs the scenarios, and prints a table
# of what held.
#
#   sudo ./scripts/cluster_test.sh        (root: namespaces, veths, a bridge)
#
# Needs iproute2, haproxy, pgbouncer, redis-server, redis-sentinel and
# PostgreSQL's server binaries (.ci/run installs them). Everything it makes
# (namespaces, veths, the bridge, a temporary directory, every process on
# those hosts) is removed on the way out, whatever happens. The logs of a
# run are kept in test-artifacts/cluster/ (the last run's).
# Exits non-zero if anything did not hold.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_common.sh
. scripts/_common.sh

[ "$(id -u)" -eq 0 ] || die "The cluster test makes network namespaces: run it as root."
ensure_debian_packages iproute2 haproxy pgbouncer redis-server redis-sentinel openssl
for tool in ip nsenter runuser openssl haproxy pgbouncer redis-server redis-sentinel; do
    command -v "$tool" >/dev/null 2>&1 || die "The cluster test needs $tool (apt-get install -y iproute2 haproxy pgbouncer redis-server redis-sentinel)."
done
PG_BIN="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
[ -x "$PG_BIN/initdb" ] || die "PostgreSQL's server binaries (initdb) are missing: apt-get install -y postgresql."
id postgres >/dev/null 2>&1 || die "The cluster's PostgreSQL runs as the postgres user, which is missing."
ensure_venv requirements-dev.txt

BRIDGE=pcbr0
HOSTS_FILE=scripts/cluster/hosts.txt
mapfile -t HOSTS < <(awk '!/^#/ && NF >= 2 { print $1 " " $2 }' "$HOSTS_FILE")

# One run at a time on a machine: the names below are fixed.
exec 9>/run/portal-cluster-test.lock
flock -n 9 || die "Another cluster test is running (/run/portal-cluster-test.lock)."

remove_network() {
    local entry name pids
    for entry in "${HOSTS[@]}"; do
        name="pc-${entry%% *}"
        [ -e "/run/netns/$name" ] || continue
        # Every process on the host: what we started there, and their children.
        pids="$(ip netns pids "$name" 2>/dev/null || true)"
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
        ip netns delete "$name" 2>/dev/null || true
    done
    for entry in "${HOSTS[@]}"; do
        ip link delete "pcv-${entry%% *}" 2>/dev/null || true
    done
    ip link delete "$BRIDGE" 2>/dev/null || true
}

WORK=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    remove_network
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        if [ -d "$WORK/logs" ]; then
            rm -rf test-artifacts/cluster
            mkdir -p test-artifacts
            cp -r "$WORK/logs" test-artifacts/cluster && log "Logs of this run kept in test-artifacts/cluster/"
        fi
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Left over from a run that was killed before it could clean up (we hold the lock).
remove_network

WORK="$(mktemp -d /tmp/portal-cluster.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$WORK/logs"

log "Building the network: ${#HOSTS[@]} hosts on bridge $BRIDGE"
ip link add "$BRIDGE" type bridge
ip link set "$BRIDGE" up
for entry in "${HOSTS[@]}"; do
    name="${entry%% *}" address="${entry##* }"
    ip netns add "pc-$name"
    ip link add "pcv-$name" type veth peer name eth0 netns "pc-$name"
    ip link set "pcv-$name" master "$BRIDGE" up
    ip -n "pc-$name" link set lo up
    ip -n "pc-$name" addr add "$address/24" dev eth0
    ip -n "pc-$name" link set eth0 up
done

# The test runs on the client host; it reaches the bridge's ports (a cable
# pulled) through this shell's network namespace.
started=$SECONDS
# In the background, waited for: a TERM or Ctrl-C reaches the traps at once.
ip netns exec pc-client env \
    CLUSTER_WORK="$WORK" CLUSTER_PG_BIN="$PG_BIN" CLUSTER_ROOT_NETNS="/proc/$$/ns/net" \
    .venv/bin/python scripts/cluster/run.py "$@" &
status=0
wait $! || status=$?
log "Cluster test finished in $((SECONDS - started)) s (exit $status)"
exit "$status"
