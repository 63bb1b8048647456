"""The domain events' use case: a host's notifier marks what it delivered."""

from __future__ import annotations

from typing import Final

from microgigs._checks import whole_number
from microgigs._text import _
from microgigs.errors import InvalidType
from microgigs.ids import EventId
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, handles
from microgigs.marketplace._members import require_host

ACKNOWLEDGED_MAX: Final = 1000
"""How many events one ``acknowledge_events`` marks delivered at the most."""


@handles(c.AcknowledgeEvents)
def acknowledge_events(command: c.AcknowledgeEvents, context: Context) -> None:
    require_host(command.actor, _("acknowledge events"))
    if not isinstance(command.event_ids, tuple):  # one id alone is no list of ids
        raise InvalidType(
            field=_("events"), expected=_("a list"), actual=type(command.event_ids).__name__
        )
    whole_number(_("events"), len(command.event_ids), 0, ACKNOWLEDGED_MAX)
    for event_id in command.event_ids:
        if not isinstance(event_id, str):
            raise InvalidType(
                field=_("event id"), expected=_("a str"), actual=type(event_id).__name__
            )
    context.uow.outbox.acknowledge([EventId(event_id) for event_id in command.event_ids])
