"""Inquiries: a buyer's questions to a seller about a service, before buying.

They are the source of two level criteria: the successful conversation rate (inquiries
that became orders) and the response time (from the question to the seller's first
answer). Messages may not carry contact details, as on orders.

>>> from datetime import UTC, datetime
>>> from microgigs.actors import Actor, Role
>>> from microgigs.ids import InquiryId, MemberId, ServiceId
>>> now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
>>> inquiry = Inquiry.open(InquiryId("I1"), service_id=ServiceId("S1"), seller_id=MemberId("sara"),
...                        buyer=Actor.member(MemberId("ahmad")), body="هل تسلم بصيغة PSD؟", at=now)
>>> inquiry.write(Actor.member(MemberId("sara")), "نعم، مع تطوير بخمسة دولارات", now)
>>> inquiry.response_time
datetime.timedelta(0)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

import attrs

from microgigs._contact import message_text
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.errors import OutOfRange, OwnService, PermissionDenied
from microgigs.ids import InquiryId, MemberId, OrderId, ServiceId

__all__ = ["INQUIRY_MESSAGES_MAX", "MESSAGES_IN_A_ROW_MAX", "Inquiry", "InquiryMessage"]

_BODY_LENGTH: Final = (1, 2000)
MESSAGES_IN_A_ROW_MAX: Final = 5
"""Messages one side writes in a row before the other answers: no question flood."""
INQUIRY_MESSAGES_MAX: Final = 200
"""Messages in one inquiry: a conversation before buying, not a channel to keep open."""


@attrs.frozen
class InquiryMessage:
    """One message of an inquiry."""

    author_id: MemberId
    body: str
    sent_at: datetime


@attrs.define(slots=True)
class Inquiry:
    """A pre-purchase conversation about one service between one buyer and its seller."""

    id: InquiryId
    service_id: ServiceId
    buyer_id: MemberId
    seller_id: MemberId
    opened_at: datetime
    messages: list[InquiryMessage] = attrs.Factory(list)
    answered_at: datetime | None = None
    order_id: OrderId | None = None
    version: int = 0

    @classmethod
    def open(
        cls,
        inquiry_id: InquiryId,
        *,
        service_id: ServiceId,
        seller_id: MemberId,
        buyer: Actor,
        body: str,
        at: datetime,
    ) -> Inquiry:
        """A buyer's first question about a service (never about their own)."""
        buyer_id = buyer.acting_member(_("ask about a service"))
        if buyer_id == seller_id:
            raise OwnService(service_id=service_id, action=_("ask about your own service"))
        when = utc(at)
        text = message_text(_("message"), body, _BODY_LENGTH)
        inquiry = cls(inquiry_id, service_id, buyer_id, seller_id, when)
        inquiry.messages.append(InquiryMessage(buyer_id, text, when))
        return inquiry

    def write(self, actor: Actor, body: str, at: datetime) -> None:
        """A further message from the buyer or the seller; the seller's first is the answer."""
        if not (actor.is_member(self.buyer_id) or actor.is_member(self.seller_id)):
            raise PermissionDenied(actor=actor.role.label, action=_("write in this inquiry"))
        when = utc(at)
        text = message_text(_("message"), body, _BODY_LENGTH)
        author = self.seller_id if actor.is_member(self.seller_id) else self.buyer_id
        self._require_room(author)
        self.messages.append(InquiryMessage(author, text, when))
        if author == self.seller_id and self.answered_at is None:
            self.answered_at = when
        self.version += 1

    def _require_room(self, author: MemberId) -> None:
        """At most :data:`MESSAGES_IN_A_ROW_MAX` in a row, :data:`INQUIRY_MESSAGES_MAX` in all."""
        in_a_row = 0
        for message in reversed(self.messages):
            if message.author_id != author:
                break
            in_a_row += 1
        for count, most, field in (
            (in_a_row, MESSAGES_IN_A_ROW_MAX, _("messages in a row without an answer")),
            (len(self.messages), INQUIRY_MESSAGES_MAX, _("messages in one inquiry")),
        ):
            if count >= most:
                raise OutOfRange(field=field, value=count + 1, minimum=1, maximum=most)

    @property
    def last_at(self) -> datetime:
        """When it last moved: its latest message (a seller reads the liveliest first)."""
        return self.messages[-1].sent_at if self.messages else self.opened_at

    @property
    def awaits_answer(self) -> bool:
        """The buyer wrote last: the seller has a question to answer.

        ``answered_at`` is only the first answer's time, which the response time measures.
        """
        return bool(self.messages) and self.messages[-1].author_id == self.buyer_id

    def convert(self, order_id: OrderId) -> None:
        """The buyer ordered the service: the conversation succeeded."""
        if self.order_id is None:
            self.order_id = order_id
            self.version += 1

    @property
    def response_time(self) -> timedelta | None:
        """From the question to the seller's first answer (``None`` while unanswered)."""
        return None if self.answered_at is None else self.answered_at - self.opened_at
