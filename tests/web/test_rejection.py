"""A seller reads why a service was rejected, on their dashboard (walk-through 8)."""

from __future__ import annotations

from forms import csrf_of, log_in

from microgigs.actors import Actor
from microgigs.catalog import ServiceStatus
from microgigs.ids import CategoryId, MemberId
from microgigs.money import Money

REASON = "الصور المرفقة ليست من عملك؛ أرفق نماذج من أعمالك أنت."


def rejected(app, host, title, key):
    """Yousef logged in, and a service of his the admin rejected with ``REASON``."""
    seller = app.test_client()
    log_in(seller, "yousef_studio@example.com")
    me = Actor.member(
        MemberId(host.accounts.check("yousef_studio@example.com", "demo-password").member_id)
    )
    service = host.market.publish_service(
        me, category_id=CategoryId("logo-design"), title=title,
        description="وصف كافٍ لخدمة ستُرفض بعد المراجعة، فيه تفاصيل تكفي الشروط.",
        instructions="أرسل التفاصيل.", base_price=Money.of("10", "USD"),
        delivery_days=3, key=key,
    )  # fmt: skip
    admin = Actor.admin(MemberId("staff"))
    host.market.moderate_service(admin, service.id, reason=REASON, key=f"{key}-rejected")
    return seller, me, service


def test_a_rejected_services_reason_is_on_its_sellers_dashboard(app, host):
    seller, _me, _service = rejected(app, host, "خدمة ستُرفض لسبب واضح جدًا", "to-reject")
    page = seller.get("/dashboard").data.decode()
    assert REASON in page
    assert "سبب الرفض" in page
    seller.get("/lang/en?next=/")
    assert "Why it was rejected" in seller.get("/dashboard").data.decode()
    assert csrf_of(seller.get("/dashboard").data)


def test_a_seller_fixes_a_rejected_service_and_sends_it_to_review_again(app, host):
    seller, me, service = rejected(app, host, "خدمة ستُرفض ثم تُصلح", "to-fix")
    assert f"/services/{service.id}/edit" in seller.get("/dashboard").data.decode()
    form = seller.get(f"/services/{service.id}/edit").data.decode()
    assert REASON in form
    assert "خدمة ستُرفض ثم تُصلح" in form  # the form holds what the service says now
    fixed = {
        "csrf": csrf_of(form.encode()),
        "key": "fix-1",
        "title": "شعار من أعمالي أنا",
        "description": "وصف كافٍ لخدمة ستُرفض بعد المراجعة، فيه تفاصيل تكفي الشروط.",
        "instructions": "أرسل التفاصيل.",
        "price": "15",
        "days": "4",
        "tags": "شعار, هوية",
    }
    assert 303 == seller.post(f"/services/{service.id}/edit", data=fixed).status_code
    edited = host.market.service(me, service.id)
    assert (ServiceStatus.PENDING_REVIEW, None, "شعار من أعمالي أنا", Money.of("15", "USD")) == (
        edited.status,
        edited.rejection_reason,
        edited.title,
        edited.base_price,
    )
    again = fixed | {"key": "fix-2", "days": "0"}
    refused = seller.post(f"/services/{service.id}/edit", data=again)
    assert 303 == refused.status_code
    assert 4 == host.market.service(me, service.id).delivery_days  # nothing changed
    other = app.test_client()
    log_in(other, "sara_designs@example.com")
    assert 404 == other.get(f"/services/{service.id}/edit").status_code  # not shown to others


def test_a_rejection_whose_reason_was_emptied_publishes_nothing(app, host):
    # a walk-through (2026-12-07): the reject form posted with its reason emptied (a browser
    # without form checks, a direct post) was read as an approval, and a description with a
    # phone number went live
    seller = Actor.member(
        MemberId(host.accounts.check("yousef_studio@example.com", "demo-password").member_id)
    )
    service = host.market.publish_service(
        seller, category_id=CategoryId("logo-design"), title="خدمة بانتظار قرار المراجعة",
        description="وصف كافٍ لخدمة تنتظر المراجعة، فيه تفاصيل تكفي شروط النشر كلها.",
        instructions="أرسل التفاصيل.", base_price=Money.of("10", "USD"),
        delivery_days=3, key="emptied-reason",
    )  # fmt: skip
    admin = app.test_client()
    admin.get("/lang/en?next=/")
    log_in(admin, "admin@example.com")
    token = csrf_of(admin.get("/admin").data)
    path = f"/admin/services/{service.id}"
    for form in ({"decision": "reject", "reason": ""}, {"reason": ""}, {"decision": "yes"}):
        answer = admin.post(path, data={"csrf": token, **form}, follow_redirects=True)
        assert 'class="flash error"' in answer.get_data(as_text=True), form
    assert ServiceStatus.PENDING_REVIEW is host.market.service(seller, service.id).status
    admin.post(path, data={"csrf": token, "decision": "approve"})
    assert ServiceStatus.ACTIVE is host.market.service(seller, service.id).status
