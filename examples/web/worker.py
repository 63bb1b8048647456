"""The periodic worker: ``python examples/web/worker.py [--db PATH-or-DSN] [--every 60]``.

It runs the marketplace's ``tick`` in its own process, beside the web host: deliveries left
unanswered are accepted, unanswered cancellation requests taken, earnings cleared after
their clearance period, requests expired, sellers' levels evaluated; then it mails each
order's people what moved (``notices.py``: the domain events, told once) and deletes the
web host's expired sessions, tokens, links and rate-limit windows. ``tick`` is safe to run
twice or from several workers at once: each step happens once. ``--once`` ticks one time
and exits (for cron or a test); SIGTERM or Ctrl+C stop it between two ticks.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from types import FrameType

from accounts import open_accounts
from mail import outbox
from notices import notify
from settings import DATABASE_HELP, POLICY_OF_THE_SITE, database

import microgigs

log = logging.getLogger("microgigs.worker")
NO_NOTICES = "mail no notices (where several workers run, all but one: each would mail them)"


def main(argv: list[str] | None = None) -> int:
    """Parse the options and tick until stopped (or once)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help=DATABASE_HELP)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between two ticks")
    parser.add_argument("--once", action="store_true", help="tick once and exit")
    parser.add_argument("--no-notices", action="store_true", help=NO_NOTICES)
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    stop = threading.Event()

    def stopping(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    db = database(options.db)
    market = microgigs.bootstrap(db, policy=POLICY_OF_THE_SITE)
    accounts = open_accounts(db)
    mail = outbox()  # where the site's mail goes (the log, unless MICROGIGS_SMTP_URL says)
    base_url = os.environ.get("MICROGIGS_BASE_URL", "").rstrip("/")
    try:
        while not stop.is_set():
            report = market.tick()
            log.info(
                "tick: %d transitions, %d cleared, %d expired, %d evaluated, %d trending;"
                " projects: %d expired, %d contract steps, %d credits refilled",
                report.transitions, report.cleared, report.expired, report.evaluated,
                report.trending, report.projects_expired, report.contract_steps,
                report.refilled,
            )  # fmt: skip
            if not options.no_notices:
                told = notify(market, mail, base_url)
                log.info("mailed %d notices of orders that moved", told)
            log.info("purged %d expired sessions, tokens, links and limits", accounts.purge())
            if options.once:
                break
            stop.wait(options.every)
    finally:
        market.close()
        accounts.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
