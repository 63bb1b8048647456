"""docs/orders.md shows the diagram and table rendered from the transition table."""

from __future__ import annotations

import re
from pathlib import Path

from microgigs.orders import render_mermaid, render_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "orders.md"


def generated(name: str) -> str:
    match = re.search(
        rf"<!-- generated: {name} -->\n(.*?)<!-- end: {name} -->", DOC.read_text(), re.DOTALL
    )
    assert match is not None, f"docs/orders.md lost its {name} markers"
    return match.group(1)


def test_the_diagram_in_the_docs_is_the_table():
    assert f"```mermaid\n{render_mermaid()}\n```\n" == generated("mermaid")


def test_the_table_in_the_docs_is_the_table():
    assert f"{render_table()}\n" == generated("table")
