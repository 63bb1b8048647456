"""R7's attempts: raw SQL that would change the ledger behind the library's back."""

from __future__ import annotations

import json


def _entries(*parts: tuple[str, str, int]) -> str:
    return json.dumps([{"account": a, "currency": c, "minor": m} for a, c, m in parts])


INSERT = (
    "INSERT INTO ledger_transactions (id, key, kind, at, entries)"
    " VALUES ('T-evil', 'evil', 'top_up', '2026-01-01T00:00:00.000000Z', {entries})"
)

ATTEMPTS = {
    "update an entry's amount": "UPDATE ledger_entries SET minor = minor + 100",
    "move an entry to another account": "UPDATE ledger_entries SET account = 'wallet:thief'",
    "delete an entry": "DELETE FROM ledger_entries",
    "change a transaction": "UPDATE ledger_transactions SET kind = 'reversal'",
    "delete a transaction": "DELETE FROM ledger_transactions",
    "add an entry to a posted transaction": (
        "INSERT INTO ledger_entries (transaction_id, account, currency, minor, balance)"
        " SELECT id, 'wallet:thief', 'USD', 100, 100 FROM ledger_transactions LIMIT 1"
    ),
    "add an entry of no transaction": (
        "INSERT INTO ledger_entries (transaction_id, account, currency, minor, balance)"
        " VALUES ('T-none', 'wallet:thief', 'USD', 100, 100)"
    ),
    "insert a transaction off by one cent": INSERT.format(
        entries=repr(_entries(("gateway:card", "USD", -100), ("wallet:thief", "USD", 101)))
    ),
    "insert a one-sided transaction": INSERT.format(
        entries=repr(_entries(("wallet:thief", "USD", 100)))
    ),
    "insert a transaction balanced across currencies": INSERT.format(
        entries=repr(_entries(("gateway:card", "SAR", -100), ("wallet:thief", "USD", 100)))
    ),
    "overdraw a wallet with a balanced transaction": INSERT.format(
        entries=repr(
            _entries(("wallet:buyer", "USD", -1_000_000), ("wallet:thief", "USD", 1_000_000))
        )
    ),
}
