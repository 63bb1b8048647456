"""microgigs: the domain of an Arabic-first micro-services marketplace, as a library.

What a user needs first is here: :func:`bootstrap` wires a :class:`Marketplace` from one
setting, :class:`Actor` says who asks, :class:`Money` is exact money, the presets are the
rules of real marketplaces, and :mod:`microgigs.errors` holds every error (all under
:class:`MicrogigsError`)::

    >>> from microgigs import Actor, Money, bootstrap
    >>> market = bootstrap(":memory:")
    >>> market.policy.currency
    'USD'
    >>> market.close()

The subpackages (``microgigs.marketplace``, ``microgigs.pricing``, ``microgigs.orders``,
``microgigs.ledger``, ``microgigs.ranking``, ``microgigs.storage``, ``microgigs.l10n``)
hold the rest; hosts never import a module whose name starts with ``_``.
"""

from microgigs import errors
from microgigs.actors import Actor
from microgigs.clock import Clock, ManualClock, SystemClock, utc
from microgigs.errors import MicrogigsError
from microgigs.ids import IdGenerator, UlidGenerator
from microgigs.marketplace import Marketplace, NewUpgrade, bootstrap
from microgigs.money import Money
from microgigs.policy import FIVERR_LIKE, KHAMSAT, MarketplacePolicy, SellerLevel

__version__ = "0.1.0"

__all__ = [
    "FIVERR_LIKE",
    "KHAMSAT",
    "Actor",
    "Clock",
    "IdGenerator",
    "ManualClock",
    "Marketplace",
    "MarketplacePolicy",
    "MicrogigsError",
    "Money",
    "NewUpgrade",
    "SellerLevel",
    "SystemClock",
    "UlidGenerator",
    "bootstrap",
    "errors",
    "utc",
]
