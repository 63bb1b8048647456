"""The web host for a production WSGI server: ``gunicorn --config gunicorn.conf.py wsgi:app``.

Every setting comes from the environment, so each worker process builds the same site:

* ``MICROGIGS_SECRET_KEY`` (required): signs the session cookies; the same in every worker
  and on every machine;
* ``MICROGIGS_DATABASE``: a SQLite file (one machine) or a PostgreSQL DSN (several);
  ``marketplace.sqlite3`` when unset;
* ``MICROGIGS_FILES``: where delivered files are kept (a folder every worker and machine
  reaches);
* ``MICROGIGS_HTTPS``: cookies only over HTTPS unless it is ``0`` (a site served over plain
  HTTP, an intranet without TLS);
* ``MICROGIGS_HOSTS``: the host names the site answers for (others get 400);
* ``MICROGIGS_BASE_URL``: the site's address, for mailed links;
* ``MICROGIGS_TIME_ZONE``: the time zone times are shown in (``Asia/Riyadh`` if unset);
* ``MICROGIGS_PROXIES``: how many proxies stand in front (their ``X-Forwarded-For``);
* ``MICROGIGS_SMTP_URL`` (required) and ``MICROGIGS_MAIL_FROM``: the mail server for
  verification and reset links (``mail.py``), or ``log`` to write them to the log, which
  this module sends to the server's error output (stderr) with the site's other records;
* ``MICROGIGS_GATEWAY`` (required): the payment gateway, ``module:factory``
  (``settings.payment_gateway``); a demo's is the fake one;
* ``MICROGIGS_DEMO``: ``1`` serves a demo the database holds (loaded first by ``main.py
  --demo``), its banner on every page; a site refuses a database the demo filled.

Each worker opens its own connections after the fork (no ``--preload``), so no connection
is shared between processes. ``tick`` runs beside it in ``worker.py``.
"""

from __future__ import annotations

import logging
import os

from app import bootstrap, create_app
from mail import outbox

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
try:  # a site is told where its mail goes: never a live reset link in a log by default
    mailer = outbox(default="")
except ValueError as error:  # an exception, as for the secret key: gunicorn then stops
    raise RuntimeError(str(error)) from None  # (a SystemExit would be retried for ever)
demo = os.environ.get("MICROGIGS_DEMO") == "1"
if not os.environ.get("MICROGIGS_SECRET_KEY"):  # a demo's too: each worker would draw its own
    unsigned = "MICROGIGS_SECRET_KEY is not set: every worker must sign with one key"
    raise RuntimeError(unsigned)
try:  # no gateway named: refused, as the mail server is
    host = bootstrap(demo=demo, fill=False)
except ValueError as error:
    raise RuntimeError(str(error)) from None
host.mail = mailer
app = create_app(host)
