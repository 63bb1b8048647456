"""Start the web host: ``python examples/web/main.py [--db PATH-or-DSN] [--port 8000]``.

This is the development server (one process); ``docs/web.md`` says how to serve with
gunicorn and several workers. Outside a demo it needs ``MICROGIGS_SECRET_KEY``,
``MICROGIGS_SMTP_URL`` and ``MICROGIGS_GATEWAY`` (``docs/web.md``).

With ``--demo``, an empty marketplace gets the demo month first (six sellers, 24 services,
orders in every status) and every page says it is a demo; log in as
``sara_designs@example.com``, ``ahmad@example.com`` or ``admin@example.com`` with the
password ``demo-password``. Without it nothing is loaded and no account is published.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from app import bootstrap, create_app
from mail import log_mail, outbox
from settings import DATABASE_HELP
from werkzeug.serving import WSGIRequestHandler


class _Handler(WSGIRequestHandler):
    """Werkzeug's handler without its ``Server: Werkzeug/… Python/…`` banner."""

    server_version = "microgigs"
    sys_version = ""


def main(argv: list[str] | None = None) -> int:
    """Parse the options, bootstrap, serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help=DATABASE_HELP)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="load the demo month into an empty marketplace (its accounts are published)",
    )
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        host = bootstrap(options.db, demo=options.demo)
    except ValueError as error:  # a gateway or a mail server it cannot use (the environment)
        print(f"microgigs: {error}", file=sys.stderr, flush=True)
        return 2
    try:
        try:
            app = create_app(host)
            # a site is told where its mail goes (a demo shows its links on the page)
            host.mail = log_mail if options.demo else outbox(default="")
        except (RuntimeError, ValueError) as error:  # no secret key, or no mail server
            print(f"microgigs: {error}", file=sys.stderr, flush=True)
            return 2
        print(f"microgigs: http://{options.host}:{options.port}/  (Ctrl+C stops)", flush=True)
        app.run(host=options.host, port=options.port, request_handler=_Handler)
    finally:
        host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
