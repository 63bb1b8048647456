"""Load on the web host under gunicorn: clients × seconds of the order flow through the API.

Bounded and on the loopback only: the server binds 127.0.0.1 on a free port, the clients
are threads of this process, and everything stops after ``--seconds``. For each database
(``--db sqlite`` and/or ``--db postgres``):

1. a fresh marketplace with the demo month and one verified buyer per client;
2. gunicorn with ``--workers`` processes (``examples/web/gunicorn.conf.py``);
3. after 3 s of warming up (not counted), ``--clients`` clients, each its own buyer, for
   ``--seconds``: top up the price, put a
   service in the cart, check out, send the instructions, the seller delivers, the buyer
   accepts, read the order; every answer's status is counted and every operation timed;
4. the figures: requests, 5xx (must be 0), storage errors (``storage.*`` codes, must be
   0), the workers' open files before and after (must be flat), p50 and p99 per
   operation, then the ledger audit (0 issues);
5. a crash: the same load for ``--crash-seconds``, the server (master and workers) killed
   with SIGKILL halfway and started again; every order whose checkout was acknowledged
   (201) must then be readable: none lost.

PostgreSQL needs ``--dsn`` (or ``MICROGIGS_TEST_POSTGRES_DSN``): its schemas ``microgigs``
and ``microgigs_web`` are dropped first, so give it a database of its own.

Run::

    .venv/bin/python bench/web_load.py --db sqlite --db postgres --seconds 60 \\
        --dsn postgresql://postgres@127.0.0.1:5432/wt18
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "examples" / "web"
sys.path.insert(0, str(WEB))

from app import bootstrap  # noqa: E402 (the host's own wiring: the tables the server uses)

import microgigs  # noqa: E402
from microgigs.actors import Actor  # noqa: E402
from microgigs.ids import MemberId  # noqa: E402
from microgigs.testing.demo import ADMIN_ID, SELLERS  # noqa: E402

PASSWORD = "load-test-password"  # noqa: S105 (the bench's own throwaway accounts)
SECRET = "web-load-bench-key-of-at-least-32-chars"  # noqa: S105 (the bench's own)
OPERATIONS = (
    "top_up", "add_to_cart", "checkout", "instructions", "deliver", "accept", "read_order",
)  # fmt: skip


class Stats:
    """Statuses, latencies and acknowledged orders, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.storage_errors = 0
        self.connection_errors = 0
        self.refusals: Counter[str] = Counter()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.acknowledged: list[tuple[str, str]] = []  # (order id, buyer's token)

    def record(self, operation: str, status: int, seconds: float, body: Any) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies[operation].append(seconds * 1000)
            code = body.get("code", "") if isinstance(body, dict) else ""
            if code.startswith("storage"):
                self.storage_errors += 1
            if status >= 400:
                self.refusals[f"{operation} {status} {code}"] += 1


class Client:
    """One keep-alive connection to the server; reconnects after a crash."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats = port, stats
        self.connection: http.client.HTTPConnection | None = None

    def call(
        self, operation: str, method: str, path: str, body: object = None, token: str = ""
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if method == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        data = None if body is None else json.dumps(body)
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=data, headers=headers)
            answer = self.connection.getresponse()
            raw = answer.read()
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            with self.stats.lock:
                self.stats.connection_errors += 1
            return 0, None
        elapsed = time.perf_counter() - started
        parsed = json.loads(raw) if raw else None
        if operation:
            self.stats.record(operation, answer.status, elapsed, parsed)
        return answer.status, parsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(db: str, clients: int) -> None:
    """The demo month and one verified buyer per client, with a password."""
    host = bootstrap(db, demo=True)
    try:
        for n in range(clients):
            email = f"load{n}@example.com"
            member = host.market.register_member(
                username=f"load{n}", email=email, first_name="حمل", family_name="تجربة"
            )
            host.market.verify_email(member)
            host.accounts.add(member, email, PASSWORD)
    finally:
        host.close()


def start(db: str, port: int, workers: int, files: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "MICROGIGS_DATABASE": db,
        "MICROGIGS_SECRET_KEY": SECRET,
        "MICROGIGS_FILES": files,
        "MICROGIGS_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "MICROGIGS_SMTP_URL": "log",  # no mail server: the links (none here) to the log
        "MICROGIGS_DEMO": "1",  # the demo's database, served as the demo it is
        # each client is one member writing as fast as it can: the site's per-member limit
        # (60 a minute) would measure the limiter, not the site
        "MICROGIGS_WRITE_LIMIT": "1000000 per minute",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=WEB, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,  # its own process group: SIGKILL reaches master and workers
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
        except OSError:
            time.sleep(0.2)
            continue
        if len(workers_of(server.pid)) == workers:
            return server
        time.sleep(0.2)
    server.kill()
    message = "gunicorn did not start"
    raise RuntimeError(message)


def workers_of(master: int) -> list[int]:
    """The worker processes of a gunicorn master (its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def open_files(pids: list[int]) -> dict[int, int]:
    counts = {}
    for pid in pids:
        try:
            counts[pid] = len(list(Path(f"/proc/{pid}/fd").iterdir()))
        except OSError:
            counts[pid] = -1
    return counts


def tokens(port: int, stats: Stats, clients: int) -> tuple[list[str], dict[str, str]]:
    """A token per buyer, and per seller (by member id)."""
    client = Client(port, stats)
    buyers = []
    for n in range(clients):
        status, body = client.call(
            "", "POST", "/api/v1/tokens", {"email": f"load{n}@example.com", "password": PASSWORD}
        )
        assert status == 201, body
        buyers.append(body["token"])
    sellers = {}
    for username, *_rest in SELLERS:
        status, body = client.call(
            "",
            "POST",
            "/api/v1/tokens",
            {"email": f"{username}@example.com", "password": "demo-password"},
        )
        assert status == 201, body
        sellers[body["member_id"]] = body["token"]
    return buyers, sellers


def flow(
    port: int,
    stats: Stats,
    buyer: str,
    *,
    sellers: dict[str, str],
    services: list[Any],
    until: float,
) -> None:
    """One client: the order flow again and again until ``until``."""
    client, n = Client(port, stats), 0
    while time.monotonic() < until:
        service = services[n % len(services)]
        n += 1
        seller = sellers[service["seller_id"]]
        steps: list[tuple[str, str, str, object, str]] = [
            ("top_up", "POST", "/api/v1/wallet/top-ups",
             {"amount": service["price"], "method": "card"}, buyer),
            ("add_to_cart", "POST", "/api/v1/cart/items", {"service_id": service["id"]}, buyer),
            ("checkout", "POST", "/api/v1/checkout", {"method": "balance"}, buyer),
        ]  # fmt: skip
        order = None
        for operation, method, path, body, token in steps:
            status, answer = client.call(operation, method, path, body, token)
            if status not in {200, 201}:
                break
            if operation == "checkout":
                order = answer["orders"][0]
                with stats.lock:
                    stats.acknowledged.append((order, buyer))
        if order is None:
            time.sleep(0.05)
            continue
        events = f"/api/v1/orders/{order}/events"
        for operation, body, token in (
            ("instructions", {"event": "send_message", "body": "الاسم: متجر الحمل"}, buyer),
            ("deliver", {"event": "deliver", "body": "إليك التسليم"}, seller),
            ("accept", {"event": "accept"}, buyer),
        ):
            status, _answer = client.call(operation, "POST", events, body, token)
            if status != 200:
                break
        client.call("read_order", "GET", f"/api/v1/orders/{order}", None, buyer)


def load(
    port: int,
    stats: Stats,
    buyers: list[str],
    *,
    sellers: dict[str, str],
    services: list[Any],
    seconds: float,
) -> list[threading.Thread]:
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=flow,
            args=(port, stats, b),
            kwargs={"sellers": sellers, "services": services, "until": until},
        )
        for b in buyers
    ]
    for thread in threads:
        thread.start()
    return threads


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def reset_postgres(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute('DROP SCHEMA IF EXISTS "microgigs" CASCADE')
        db.execute('DROP SCHEMA IF EXISTS "microgigs_web" CASCADE')


def run(kind: str, target: str, options: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """One database: the steady load, the audit, then the crash."""
    if kind == "postgres":
        reset_postgres(target)
    prepare(target, options.clients)
    port, files = free_port(), str(folder / f"{kind}-files")
    server = start(target, port, options.workers, files)
    stats = Stats()
    buyers, sellers = tokens(port, stats, options.clients)
    _status, listed = Client(port, stats).call("", "GET", "/api/v1/services?limit=50")
    services = [s for s in listed["services"] if float(s["price"]) <= 50]
    for thread in load(
        port, Stats(), buyers, sellers=sellers, services=services, seconds=3
    ):  # warm every worker up
        thread.join()
    pids = workers_of(server.pid)
    before = open_files(pids)
    started = time.monotonic()
    threads = load(port, stats, buyers, sellers=sellers, services=services, seconds=options.seconds)
    during = []  # the workers' open files every 10 s: in-flight sockets come and go
    while any(thread.is_alive() for thread in threads):
        sample_at = time.monotonic() + 10
        for thread in threads:
            thread.join(timeout=max(0.0, sample_at - time.monotonic()))
        during.append(sum(open_files(pids).values()))
    elapsed = time.monotonic() - started
    time.sleep(1)  # the last answers' sockets closed
    after = open_files(pids)
    steady = {
        "requests": sum(stats.statuses.values()),
        "per_second": sum(stats.statuses.values()) / elapsed,
        "statuses": dict(sorted(stats.statuses.items())),
        "server_errors": sum(c for s, c in stats.statuses.items() if s >= 500),
        "storage_errors": stats.storage_errors,
        "connection_errors": stats.connection_errors,
        "refusals": dict(stats.refusals.most_common(8)),
        "completed_flows": len(stats.latencies["read_order"]),
        "open_files_before": before,
        "open_files_after": after,
        "open_files_during": during,
        "same_workers": pids == workers_of(server.pid),
        "latency_ms": {
            op: (statistics.median(stats.latencies[op]), percentile(stats.latencies[op], 0.99))
            for op in OPERATIONS
            if stats.latencies[op]
        },
    }
    # the crash: the same load, SIGKILL to the whole server halfway, a restart
    crash = Stats()
    threads = load(
        port, crash, buyers, sellers=sellers, services=services, seconds=options.crash_seconds
    )
    time.sleep(options.crash_seconds / 2)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    killed_at = len(crash.acknowledged)
    server = start(target, port, options.workers, files)
    for thread in threads:
        thread.join()
    checker, lost = Client(port, crash), []
    for order, buyer in crash.acknowledged + stats.acknowledged:
        status, _body = checker.call("", "GET", f"/api/v1/orders/{order}", None, buyer)
        if status != 200:
            lost.append((order, status))
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    market = microgigs.bootstrap(target)
    try:
        issues = market.audit(Actor.admin(MemberId(ADMIN_ID)))
    finally:
        market.close()
    return {
        **steady,
        "audit_issues": len(issues),
        "crash": {
            "acknowledged_before_kill": killed_at,
            "acknowledged": len(crash.acknowledged),
            "server_errors_around_kill": sum(c for s, c in crash.statuses.items() if s >= 500),
            "connection_errors": crash.connection_errors,
            "orders_checked": len(crash.acknowledged) + len(stats.acknowledged),
            "lost": lost,
        },
    }


def report(kind: str, figures: dict[str, Any], options: argparse.Namespace) -> None:
    print(
        f"\n## {kind}: {options.clients} clients × {options.seconds:g} s, "
        f"gunicorn {options.workers} workers"
    )
    print(
        f"requests {figures['requests']} ({figures['per_second']:.0f}/s), "
        f"flows completed {figures['completed_flows']}, statuses {figures['statuses']}"
    )
    print(
        f"5xx {figures['server_errors']}, storage errors {figures['storage_errors']}, "
        f"connection errors {figures['connection_errors']}"
    )
    if figures["refusals"]:
        print(f"refusals: {figures['refusals']}")
    print(
        f"open files per worker before {sorted(figures['open_files_before'].values())}, "
        f"after {sorted(figures['open_files_after'].values())}, "
        f"all workers every 10 s {figures['open_files_during']}, "
        f"same workers {figures['same_workers']}"
    )
    print("| operation | p50 ms | p99 ms |\n|---|---:|---:|")
    for operation, (p50, p99) in figures["latency_ms"].items():
        print(f"| {operation} | {p50:.1f} | {p99:.1f} |")
    print(f"ledger audit: {figures['audit_issues']} issues")
    crash = figures["crash"]
    print(
        f"crash: SIGKILL after {crash['acknowledged_before_kill']} acknowledged orders, "
        f"{crash['acknowledged']} in all; {crash['orders_checked']} acknowledged orders "
        f"read back after the restart, lost {len(crash['lost'])} {crash['lost'][:5]}; "
        f"5xx around the kill {crash['server_errors_around_kill']}, "
        f"connection errors {crash['connection_errors']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--dsn", default=os.environ.get("MICROGIGS_TEST_POSTGRES_DSN"))
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--crash-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    options = parser.parse_args(argv)
    kinds = options.db or ["sqlite"]
    if options.seconds > 600 or options.clients > 64:
        parser.error("bounded: at most 600 seconds and 64 clients")
    results, failed = {}, False
    with tempfile.TemporaryDirectory(prefix="web-load-") as folder:
        for kind in kinds:
            if kind == "postgres" and not options.dsn:
                parser.error("--db postgres needs --dsn (its database is emptied)")
            target = options.dsn if kind == "postgres" else str(Path(folder) / "market.sqlite3")
            figures = run(kind, target, options, Path(folder))
            report(kind, figures, options)
            results[kind] = figures
            failed |= bool(
                figures["server_errors"] or figures["storage_errors"] or figures["audit_issues"]
                or figures["crash"]["lost"]
            )  # fmt: skip
    if options.json:
        options.json.write_text(json.dumps(results, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
