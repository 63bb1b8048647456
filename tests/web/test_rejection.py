"""A seller reads why a service was rejected, on their dashboard (walk-through 8)."""

from __future__ import annotations

from forms import csrf_of, log_in

from microgigs.actors import Actor
from microgigs.ids import CategoryId, MemberId
from microgigs.money import Money

REASON = "الصور المرفقة ليست من عملك؛ أرفق نماذج من أعمالك أنت."


def test_a_rejected_services_reason_is_on_its_sellers_dashboard(app, host):
    seller = app.test_client()
    log_in(seller, "yousef_studio@example.com")
    me = Actor.member(
        MemberId(host.accounts.check("yousef_studio@example.com", "demo-password").member_id)
    )
    service = host.market.publish_service(
        me, category_id=CategoryId("logo-design"), title="خدمة ستُرفض لسبب واضح جدًا",
        description="وصف كافٍ لخدمة ستُرفض بعد المراجعة، فيه تفاصيل تكفي الشروط.",
        instructions="أرسل التفاصيل.", base_price=Money.of("10", "USD"),
        delivery_days=3, key="to-reject",
    )  # fmt: skip
    host.market.moderate_service(Actor.admin(MemberId("staff")), service.id, reason=REASON, key="r")
    page = seller.get("/dashboard").data.decode()
    assert REASON in page
    assert "سبب الرفض" in page
    seller.get("/lang/en?next=/")
    assert "Why it was rejected" in seller.get("/dashboard").data.decode()
    assert csrf_of(seller.get("/dashboard").data)
