"""docs/projects.md's worked example runs on SQLite as it does in memory.

pytest runs the Markdown itself on the memory adapter.
"""

from __future__ import annotations

import doctest
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "projects.md"
HEADING = "## A worked example"


def test_the_worked_example_runs_on_sqlite_and_pays_everyone_to_the_cent(tmp_path):
    text = DOCS.read_text()
    example = text[text.index(HEADING) :]
    assert "['105.50 USD', '880.00 USD', '280.50 USD']" in example
    on_file = example.replace('":memory:"', repr(str(tmp_path / "projects.sqlite3")))
    test = doctest.DocTestParser().get_doctest(on_file, {}, "projects.md", str(DOCS), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    assert (0, len(test.examples)) == (runner.failures, runner.tries)
    assert (tmp_path / "projects.sqlite3").exists()
