"""The marker that tells babel's extractor which strings are messages to translate."""


def _(message: str) -> str:
    """Return ``message`` unchanged; ``pybabel extract`` collects its argument.

    Translation happens later, per locale, in :mod:`microgigs.l10n`: the library itself
    never holds a locale.
    """
    return message
