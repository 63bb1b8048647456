"""The application layer: use cases as commands, the path that runs them, the read side.

* :mod:`microgigs.marketplace.commands`: one frozen value per use case, and
  :func:`~microgigs.marketplace.commands.structure_command` to build one from text;
* :class:`Marketplace`: :meth:`~Marketplace.execute` runs any command (actor check,
  idempotency scoped by actor, unit of work, outbox, commit, voided charges on failure); its
  typed methods are made from the commands (:func:`use_case`), with their fields;
* :func:`bootstrap`: a marketplace wired from one setting (a file, a DSN, ``":memory:"``).

Handlers live in one private module per area (``_members``, ``_catalog``, ``_buying``,
``_orders``, ``_requests``, ``_reviews``, ``_payouts``, ``_levels``, ``_projects``,
``_contracts``, ``_tick``, ``_events``);
``docs/architecture.md`` says where a new use case goes.

>>> from microgigs import Actor, Money
>>> market = bootstrap(":memory:")
>>> ahmad = Actor.member(market.register_member(
...     username="ahmad", email="ahmad@example.com", first_name="أحمد", family_name="علي"))
>>> market.top_up(ahmad, Money.of(20, "USD"), Gateway.PAYPAL, key="first-top-up")
>>> str(market.balances(ahmad).wallet)
'20.00 USD'
>>> market.close()
"""

from __future__ import annotations

from microgigs._text import _
from microgigs.catalog import CategoryTree, default_categories
from microgigs.clock import Clock, SystemClock
from microgigs.errors import InvalidType
from microgigs.ids import IdGenerator, UlidGenerator
from microgigs.ledger import Gateway
from microgigs.marketplace import commands
from microgigs.marketplace._context import Context, handles
from microgigs.marketplace._marketplace import (
    KEY_LENGTH,
    Marketplace,
    TickReport,
    replays,
    use_case,
)
from microgigs.marketplace._reading import MESSAGES_PAGE
from microgigs.marketplace.commands import NewUpgrade
from microgigs.marketplace.queries import DASHBOARD_INQUIRIES
from microgigs.payments import FakeGateway, PaymentGateway
from microgigs.policy import KHAMSAT, MarketplacePolicy
from microgigs.storage import Storage, open_storage

__all__ = [
    "DASHBOARD_INQUIRIES",
    "KEY_LENGTH",
    "MESSAGES_PAGE",
    "Context",
    "Gateway",
    "Marketplace",
    "NewUpgrade",
    "TickReport",
    "bootstrap",
    "commands",
    "handles",
    "replays",
    "use_case",
]


def _wired(part: str, value: object, expected: str, *, fits: bool) -> None:
    """A part handed to :func:`bootstrap` that is not what it wires: ``InvalidType``.

    Now, not an ``AttributeError`` at the first call.
    """
    if not fits:
        raise InvalidType(field=part, expected=expected, actual=type(value).__name__)


def _can(part: object, *methods: str) -> bool:
    return all(callable(getattr(part, method, None)) for method in methods)


def bootstrap(  # the one place a host wires a marketplace; every part has a default
    target: str | Storage,
    *,
    policy: MarketplacePolicy = KHAMSAT,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    gateway: PaymentGateway | None = None,
    categories: CategoryTree | None = None,
) -> Marketplace:
    """A marketplace on ``target``, wired with a default for every part.

    ``target`` is a SQLite file, a PostgreSQL DSN, ``":memory:"``, or a storage already
    open (the memory adapter, a third-party one).

    The currency is the policy's. Defaults: the Khamsat preset, the system clock, ULIDs,
    the fake payment gateway (replace it with yours before taking real money), the
    default category tree. :meth:`Marketplace.close` closes the storage it opened.
    """
    _wired("policy", policy, _("a MarketplacePolicy"), fits=isinstance(policy, MarketplacePolicy))
    storage_like = isinstance(target, str) or _can(target, "unit_of_work")
    _wired("target", target, _("a file, a DSN, ':memory:' or a Storage"), fits=storage_like)
    _wired("clock", clock, _("a Clock"), fits=clock is None or _can(clock, "now"))
    _wired("ids", ids, _("an IdGenerator"), fits=ids is None or _can(ids, "new"))
    payer = gateway is None or _can(gateway, "charge", "void")
    _wired("gateway", gateway, _("a PaymentGateway"), fits=payer)
    tree = categories is None or isinstance(categories, CategoryTree)
    _wired("categories", categories, _("a CategoryTree"), fits=tree)
    storage = open_storage(target, currency=policy.currency) if isinstance(target, str) else target
    clock = SystemClock() if clock is None else clock
    return Marketplace(
        storage,
        clock,
        UlidGenerator(clock) if ids is None else ids,
        policy,
        FakeGateway() if gateway is None else gateway,
        default_categories() if categories is None else categories,
    )
