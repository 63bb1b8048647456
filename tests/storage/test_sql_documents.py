"""The SQL adapters' documents already decoded: found again while their text holds.

A document read alone by its key is kept by that key with its text; a read of the key that
gives another text (someone wrote since) decodes it anew. Documents read in lists are kept
by their text. Texts are copied before each read, as a database hands out new ones.
"""

from __future__ import annotations

import attrs

from microgigs.members import Member
from microgigs.orders import Order
from microgigs.storage._sql import Documents
from microgigs.storage.codec import encode, encode_apart
from microgigs.testing.examples import make_member, place_order

TERMS = ("service", "quote")


def fresh(text: str) -> str:
    """The same text in a new object, as a database hands it out."""
    return "".join(list(text))


def test_a_document_read_by_its_key_is_decoded_once_while_its_text_holds() -> None:
    documents, member = Documents(), make_member()
    text = encode(member)

    first = documents.decode(fresh(text), Member, member.id)
    again = documents.decode(fresh(text), Member, member.id)
    changed = attrs.evolve(member, username="ahmad2", version=member.version + 1)
    after = documents.decode(encode(changed), Member, member.id)

    assert (member, True) == (first, first is again)
    assert (changed, False) == (after, after is first)


def test_a_value_written_with_its_key_is_what_the_next_read_of_the_key_finds() -> None:
    documents, member = Documents(), make_member()

    text = documents.encode(member, member.id)

    assert documents.decode(fresh(text), Member, member.id) is member


def test_a_value_written_without_a_key_is_found_by_its_text() -> None:
    documents, member = Documents(), make_member()

    text = documents.encode(member)

    assert documents.decode(fresh(text), Member) is member


def test_an_order_read_by_its_id_is_decoded_anew_when_either_text_changed() -> None:
    documents, order = Documents(), place_order()
    rest, terms = encode_apart(order, TERMS)
    other = attrs.evolve(order, quote=attrs.evolve(order.quote, total=order.quote.total * 2))
    _, other_terms = encode_apart(other, TERMS)

    first = documents.decode_apart(fresh(rest), fresh(terms), Order, order.id)
    again = documents.decode_apart(fresh(rest), fresh(terms), Order, order.id)
    after = documents.decode_apart(fresh(rest), fresh(other_terms), Order, order.id)

    assert (order, True) == (first, first is again)
    assert (other, False) == (after, after is first)


def test_an_order_changed_after_it_was_placed_is_what_the_next_read_finds() -> None:
    documents, order = Documents(), place_order()
    rest, terms = documents.encode_apart(order, TERMS)
    assert documents.decode_apart(fresh(rest), fresh(terms), Order, order.id) is order
    changed = attrs.evolve(order, version=order.version + 1)

    changed_rest = documents.encode_rest(changed, TERMS)

    assert changed_rest != rest
    assert documents.decode_apart(fresh(changed_rest), fresh(terms), Order, order.id) is changed


def test_orders_read_in_a_list_are_kept_by_their_texts() -> None:
    documents, order = Documents(), place_order()
    rest, terms = encode_apart(order, TERMS)

    first = documents.decode_apart(fresh(rest), fresh(terms), Order)

    assert documents.decode_apart(fresh(rest), fresh(terms), Order) is first


def test_the_oldest_key_goes_first_and_a_key_written_again_is_the_newest() -> None:
    documents = Documents(capacity=2)
    members = [make_member(member_id=f"m{n}") for n in range(3)]
    for member in members[:2]:
        documents.encode(member, member.id)
    documents.encode(members[0], members[0].id)  # written again: now the newest

    documents.encode(members[2], members[2].id)  # the oldest, m1, goes

    kept = [
        documents.decode(fresh(encode(m)), Member, m.id) is m for m in members
    ]  # a kept one is found as it was; the one gone is decoded anew
    assert [True, False, True] == kept
