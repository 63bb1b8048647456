"""Maintain the gettext catalogs with babel's tooling: extract, update, compile.

``python -m microgigs.l10n.catalogs`` (or ``python3 dev.py l10n``) extracts every message
marked with ``_()`` in the package into ``microgigs.pot``, merges it into the ``ar`` and
``en`` ``.po`` files (new messages appear untranslated, gone ones become obsolete) and
compiles each ``.po`` into its ``.mo``. Translators edit only the ``.po`` files;
``tests/l10n`` fails while any message lacks its Arabic translation.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from microgigs.l10n._translate import DOMAIN, LOCALE_DIR, SUPPORTED_LANGUAGES

__all__ = ["compile_catalog", "extract_messages", "main", "po_path", "update_catalogs"]

PACKAGE_DIR: Final = Path(__file__).resolve().parent.parent
TEMPLATE: Final = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE_LANGUAGE: Final = "en"
# Fixed dates keep regenerated catalogs byte-identical, so a diff shows only real changes.
_STAMP: Final = datetime(2026, 1, 1, tzinfo=UTC)
_HEADER: Final = {
    "project": "microgigs",
    "domain": DOMAIN,
    "copyright_holder": "The microgigs developers",
    "msgid_bugs_address": "",
    "creation_date": _STAMP,
    "revision_date": _STAMP,
    "last_translator": "The microgigs developers",
    "language_team": "The microgigs developers",
}


def po_path(language: str) -> Path:
    """Where the ``.po`` file of ``language`` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract_messages() -> Catalog:
    """Every ``_()`` message in the package's Python sources, as a template catalog."""
    template = Catalog(**_HEADER)  # type: ignore[arg-type]
    found = extract_from_dir(
        str(PACKAGE_DIR),
        method_map=[("**.py", "python")],
        keywords={"_": None, "n_": (1, 2)},
        comment_tags=("Translators:",),
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            locations=[(f"microgigs/{filename}", lineno)],
            auto_comments=comments,
            context=context,
            flags=("python-brace-format",) if "{" in str(message) else (),
        )
    return template


def _read(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, **_HEADER)  # type: ignore[arg-type]
    with path.open("rb") as file:
        catalog = read_po(file, locale=language, domain=DOMAIN)
    catalog.revision_date = _STAMP
    return catalog


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as file:
        write_po(
            file,
            catalog,
            sort_output=True,
            width=100,
            ignore_obsolete=True,
            include_lineno=False,
        )


def _forms(string: str | Sequence[str] | None) -> tuple[str, ...]:
    """A message's translations: one, or one per plural form of a counted message."""
    if string is None:
        return ()
    return (string,) if isinstance(string, str) else tuple(string)


def compile_catalog(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of a catalog, fuzzy entries left out."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update_catalogs() -> list[Path]:
    """Write the template, merge it into every language's ``.po`` and compile the ``.mo``."""
    template = extract_messages()
    written = [TEMPLATE]
    _write(TEMPLATE, template)
    for language in SUPPORTED_LANGUAGES:
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = _read(path, language)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.fuzzy = False
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not any(_forms(message.string)):
                    message.string = message.id
        _write(path, catalog)
        mo = path.with_suffix(".mo")
        mo.write_bytes(compile_catalog(catalog))
        written += [path, mo]
    return written


def main() -> None:
    """Update every catalog and say which files changed."""
    for path in update_catalogs():
        print(f"wrote {path.relative_to(PACKAGE_DIR.parent)}")  # noqa: T201 (a command-line tool)


if __name__ == "__main__":
    main()
