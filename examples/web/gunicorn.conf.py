"""gunicorn's settings for the web host (``gunicorn --config gunicorn.conf.py wsgi:app``).

Each can be overridden on the command line; the number of workers also by
``WEB_CONCURRENCY``, the address by ``MICROGIGS_BIND``.
"""

from __future__ import annotations

import os

bind = os.environ.get("MICROGIGS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"  # one request per process at a time: Argon2id and SQLite like it so
timeout = 30
graceful_timeout = 20
max_requests = 10_000  # a worker is replaced now and then, so nothing can grow for ever
max_requests_jitter = 1_000
limit_request_line = 8190
forwarded_allow_ips = "127.0.0.1"
