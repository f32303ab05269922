"""The cluster test's driver, run by scripts/cluster_test.sh on the client
host once the network is up: starts the services (cluster.services), runs
the scenarios (cluster.scenarios) under a load of simulated users
(cluster.load), prints the table of what held and exits 1 if anything did
not. Stops every process it started on the way out (the shell script then
removes the hosts themselves)."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[2])]

from cluster.hosts import ClusterError, Hosts  # noqa: E402 (after the path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only-up", action="store_true", help="start the cluster, check one page, stop")
    args = parser.parse_args()
    began = time.monotonic()
    hosts = Hosts()
    try:
        from cluster import services

        procs = services.start_cluster(hosts)
        if args.only_up:
            from cluster.browser import Browser
            from cluster.hosts import ADDRESS

            reply = Browser(ADDRESS["lb"]).get("/accounts/login/")
            print(f"login page through HAProxy: {reply.status} {reply.error}")
            print(f"HAProxy sees: {services.haproxy_servers()}")
            print(f"Sentinels' primary: {services.sentinel_primary()}")
            services.require_alive(procs)
            return 0 if reply.status == 200 else 1
        from cluster import scenarios

        return scenarios.run_all(hosts, procs)
    except ClusterError as exc:
        print(f"\nThe cluster could not be built or driven: {exc}", flush=True)
        return 2
    except Exception:
        traceback.print_exc()
        return 2
    finally:
        hosts.stop_all()
        print(f"  ({time.monotonic() - began:.0f} s in all; logs in {os.environ.get('CLUSTER_WORK', '')}/logs)")


if __name__ == "__main__":
    sys.exit(main())
