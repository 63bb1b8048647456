from __future__ import annotations

import pytest

from microgigs.actors import Actor
from microgigs.errors import PermissionDenied
from microgigs.ids import MemberId


def test_a_member_acting_for_themselves_is_named_by_their_id():
    assert Actor.member(MemberId("01SELLER")).acting_member("make an offer") == "01SELLER"


@pytest.mark.parametrize("actor", [Actor.admin(MemberId("01STAFF")), Actor.system()])
def test_anyone_but_a_member_is_refused_the_member_s_action(actor):
    with pytest.raises(PermissionDenied) as refused:
        actor.acting_member("make an offer")
    assert (refused.value.actor, refused.value.action) == (actor.role.label, "make an offer")
