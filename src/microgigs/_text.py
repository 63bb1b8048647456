"""The marker that tells babel's extractor which strings are messages to translate."""

from __future__ import annotations


def _(message: str) -> str:
    """Return ``message`` unchanged; ``pybabel extract`` collects its argument.

    Translation happens later, per locale, in :mod:`microgigs.l10n`: the library itself
    never holds a locale.
    """
    return message


def n_(singular: str, plural: str) -> tuple[str, str]:
    """Return a counted message's two English forms; ``pybabel extract`` collects both.

    A language's catalog holds as many forms as its grammar counts: Arabic has six (none,
    one, two, a few, many, other), written by :func:`microgigs.l10n.format_count`.
    """
    return singular, plural


class Verbatim(str):
    """A value said as it is in every language: what a caller sends (``"release"``).

    A message's value is translated when it is a message of the catalog; a caller's value
    that happens to spell one ("refund", "split") must not be, or the reader would send
    back a word the field does not take.
    """

    __slots__ = ()


class FieldPath(str):
    """A field inside another, said part by part: ``hire_bid.milestones: minor units``.

    Each part is translated on its own (the parts are msgids, or names as sent), where the
    whole would be no message of the catalog. Made by :meth:`of`.
    """

    __slots__ = ()
    SEPARATOR = ": "

    @classmethod
    def of(cls, *parts: str) -> FieldPath:
        """The path through ``parts``, outermost first."""
        return cls(cls.SEPARATOR.join(parts))

    @property
    def parts(self) -> tuple[str, ...]:
        """Its parts, outermost first."""
        return tuple(self.split(self.SEPARATOR))
