"""microgigs: the domain of an Arabic-first micro-services marketplace, as a library.

Hosts import the names below (and those of the subpackages ``microgigs.pricing``,
``microgigs.orders``, ``microgigs.ledger``, ``microgigs.ranking``, ``microgigs.storage``,
``microgigs.l10n``), never a module whose name starts with ``_``.
"""

from microgigs.clock import Clock, ManualClock, SystemClock, utc
from microgigs.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidPolicy,
    InvalidRatios,
    InvalidType,
    MicrogigsError,
    MoneyError,
    NaiveDatetime,
    NotFound,
    OutOfRange,
    PermissionDenied,
    UnknownCurrency,
    UnknownLocale,
    ValidationError,
)
from microgigs.ids import IdGenerator, UlidGenerator
from microgigs.money import Money
from microgigs.policy import FIVERR_LIKE, KHAMSAT, MarketplacePolicy, SellerLevel

__version__ = "0.1.0"

__all__ = [
    "FIVERR_LIKE",
    "KHAMSAT",
    "Clock",
    "CurrencyMismatch",
    "IdGenerator",
    "InvalidAmount",
    "InvalidPolicy",
    "InvalidRatios",
    "InvalidType",
    "ManualClock",
    "MarketplacePolicy",
    "MicrogigsError",
    "Money",
    "MoneyError",
    "NaiveDatetime",
    "NotFound",
    "OutOfRange",
    "PermissionDenied",
    "SellerLevel",
    "SystemClock",
    "UlidGenerator",
    "UnknownCurrency",
    "UnknownLocale",
    "ValidationError",
    "utc",
]
