"""An admin suspends and reinstates a member from the members' table; the member is told.

A browser walk (2026-12-06): the library could suspend a member but no page could, and a
suspended member was offered "order now" on every service, to be refused with their own
account id.
"""

from __future__ import annotations

import re

from forms import csrf_of, log_in

from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.members import MemberStatus
from microgigs.ranking import ListingQuery


def _admin_post(admin, path, **form):
    page = admin.get("/admin").data
    return admin.post(path, data={"csrf": csrf_of(page), "key": form.pop("key"), **form})


def test_an_admin_suspends_a_member_who_is_told_and_offered_nothing_to_buy(app, host):
    admin, tariq = app.test_client(), app.test_client()
    log_in(admin, "admin@example.com")
    log_in(tariq, "tariq@example.com")
    member_id = host.accounts.check("tariq@example.com", "demo-password").member_id
    listing = host.market.search(ListingQuery(limit=1)).listings[0]
    service_page = f"/services/{listing.service_id}"
    assert f'action="{service_page}/cart"' in tariq.get(service_page).data.decode()
    path = f"/admin/members/{member_id}/suspension"
    assert f'action="{path}"' in admin.get("/admin").data.decode()
    _admin_post(admin, path, suspend="yes", reason="شكاوى متكررة", key="suspend-tariq")
    member = host.market.member(Actor.admin(MemberId("staff")), MemberId(member_id))
    assert (MemberStatus.SUSPENDED, "شكاوى متكررة") == (member.status, member.suspension_reason)
    table = admin.get("/admin").data.decode()
    assert "شكاوى متكررة" in table
    assert "ارفع الإيقاف" in table
    page = tariq.get(service_page).data.decode()
    assert 'id="suspended"' in page
    assert "حسابك موقوف" in page
    assert f'action="{service_page}/cart"' not in page
    banner = re.search(r'id="suspended"[^>]*>(.*?)</p>', page, re.DOTALL).group(1)
    assert not re.search(r"[0-9A-Z]{26}", banner)  # it names no account id
    assert "شكاوى متكررة" in banner  # and says why (a walk-through, 2026-12-07)
    _admin_post(admin, path, suspend="no", key="reinstate-tariq")
    again = tariq.get(service_page).data.decode()
    assert 'id="suspended"' not in again
    assert f'action="{service_page}/cart"' in again


def test_suspending_without_a_reason_is_refused_and_changes_nothing(app, host):
    admin = app.test_client()
    log_in(admin, "admin@example.com")
    member_id = host.accounts.check("layla@example.com", "demo-password").member_id
    _admin_post(admin, f"/admin/members/{member_id}/suspension", suspend="yes", reason="",
                key="suspend-layla")  # fmt: skip
    member = host.market.member(Actor.admin(MemberId("staff")), MemberId(member_id))
    assert MemberStatus.ACTIVE is member.status


def test_a_suspension_post_that_says_neither_changes_nothing(app, host):
    # a hostile review (2026-12-07): an empty form, or suspend=YES, lifted the suspension;
    # so did anything but grant=yes remove the professional level
    admin = app.test_client()
    log_in(admin, "admin@example.com")
    staff = Actor.admin(MemberId("staff"))
    member_id = host.accounts.check("omar_voice@example.com", "demo-password").member_id
    path = f"/admin/members/{member_id}/suspension"
    _admin_post(admin, path, suspend="yes", reason="مخالفة", key="neither-suspend")
    for said in ({}, {"suspend": "YES"}, {"suspend": ""}):
        _admin_post(admin, path, key=f"neither-{said}", **said)
        assert "لا يوجد خيار" in admin.get("/admin").get_data(as_text=True)  # said why
        member = host.market.member(staff, MemberId(member_id))
        assert MemberStatus.SUSPENDED is member.status
    _admin_post(admin, path, suspend="no", key="neither-reinstate")
    level = host.market.member(staff, MemberId(member_id)).level
    grant = f"/admin/members/{member_id}/professional"
    for said in ({}, {"grant": "maybe"}):
        _admin_post(admin, grant, key=f"neither-g-{said}", **said)
        assert "لا يوجد خيار" in admin.get("/admin").get_data(as_text=True)
        assert level == host.market.member(staff, MemberId(member_id)).level
