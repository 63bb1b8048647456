"""Shared fixtures: hypothesis profiles, the PostgreSQL DSN and the Chromium browser.

PostgreSQL and browser tests skip with a reason on a developer's machine that lacks the
server or the browser; when ``CI`` is set, the same absence fails the run instead, so a
green CI always means those tests ran.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from microgigs import errors
from microgigs.marketplace import Marketplace
from microgigs.marketplace.commands import Command

settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """The DSN of a reachable PostgreSQL server, from MICROGIGS_TEST_POSTGRES_DSN."""
    dsn = os.environ.get("MICROGIGS_TEST_POSTGRES_DSN")
    if not dsn:
        _missing("MICROGIGS_TEST_POSTGRES_DSN is not set: no PostgreSQL to test against")
    import psycopg  # noqa: PLC0415 (only the PostgreSQL tests need the driver)

    try:
        with psycopg.connect(dsn, connect_timeout=5) as connection:
            connection.execute("select 1")
    except psycopg.OperationalError as error:
        _missing(f"PostgreSQL at MICROGIGS_TEST_POSTGRES_DSN is unreachable: {error}")
    return str(dsn)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by playwright (never a downloaded browser)."""
    if not shutil.which(CHROMIUM):
        _missing(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (browser tests only)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first in each of xdist's workers' shares, the longest work soonest.

    ``--dist worksteal`` hands each worker a contiguous share of the collection (every
    worker collects alike, so the order is made from the worker count) and lets an idle
    worker steal from another's tail. Left in file order, R1's longest walks began last,
    one after the other (pytest 17 minutes, about 7 of them one test alone); at the head of
    each share, they run beside the rest.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    slow = [item for item in items if item.get_closest_marker("slow")]
    if workers < 2 or not slow:  # one worker has no shares to balance
        return
    rest = [item for item in items if not item.get_closest_marker("slow")]
    ordered: list[pytest.Item] = []
    for share in range(workers):
        ordered += slow[share::workers]
        take = max(0, (share + 1) * len(items) // workers - len(ordered))
        ordered, rest = ordered + rest[:take], rest[take:]
    items[:] = ordered + rest


# --- every command raises only what its docstring lists -----------------------------------

EVERY_COMMAND_MAY_RAISE = (
    errors.InvalidType,
    errors.InvalidText,
    errors.IdempotencyConflict,
    errors.MemberSuspended,
    errors.StaleWrite,
    errors.NotFound,
    errors.PermissionDenied,
    errors.StorageError,
)
"""What ``microgigs.marketplace.commands`` says every command may raise."""

_execute = Marketplace.execute


def _execute_as_listed(self: Marketplace, command: Command[Any]) -> Any:
    """``Marketplace.execute``, refusing an error its command's ``errors`` does not list.

    Every test that runs a command, through the library or a host, so checks the docs'
    table of commands and errors (docs/marketplace.md) against what the code raises: an
    outside review found four commands that raised ``EmailNotVerified`` unlisted.
    """
    try:
        return _execute(self, command)
    except errors.MicrogigsError as error:
        listed = EVERY_COMMAND_MAY_RAISE + type(command).errors
        if not isinstance(error, listed):
            # a BaseException: no ``pytest.raises`` nor a host's error page takes it
            pytest.fail(
                f"{type(command).__name__} raised {type(error).__name__}, which its"
                " docstring does not list"
            )
        raise


Marketplace.execute = _execute_as_listed  # type: ignore[method-assign]
