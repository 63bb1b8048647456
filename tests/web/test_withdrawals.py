"""A seller withdraws to the payout method they pick; an admin records the payout's outcome.

Before (2026-12-06): a withdrawal always went to the seller's first method, and no page let
an admin settle one: a seller's "being paid out" stayed there for good.
"""

from __future__ import annotations

import re

from forms import bearer, csrf_of, log_in

from microgigs import Money
from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.members import PayoutKind
from microgigs.withdrawals import WithdrawalStatus

ADMIN = Actor.admin(MemberId("staff"))
IBAN = "SA0380000000608010167519"


def _demo_member(host, email):
    """The demo member of that e-mail address, as an actor."""
    return Actor.member(MemberId(host.accounts.check(email, "demo-password").member_id))


def _post(client, page, path, **form):
    return client.post(path, data={"csrf": csrf_of(client.get(page).data), **form})


def test_an_admin_pays_out_a_waiting_withdrawal_and_its_seller_reads_so(app, host):
    admin, omar = app.test_client(), app.test_client()
    log_in(admin, "admin@example.com")
    log_in(omar, "omar_voice@example.com")
    (waiting,) = host.market.payout_queue(ADMIN)  # the demo leaves one awaiting its payout
    queue = admin.get("/admin").data.decode()
    assert "سحوبات بانتظار التحويل" in queue
    assert f'action="/admin/withdrawals/{waiting.id}"' in queue
    assert waiting.method.account in queue
    # each answer is final: asked first, saying so (a walk-through, 2026-12-07: one click)
    for kind, words in (("paid", "يُسجَّل المبلغ مدفوعًا"), ("failed", "يعود المبلغ إلى أرباح")):
        confirm = re.search(
            rf'<details class="confirm inline" id="{kind}-{waiting.id}">(.*?)</details>',
            queue,
            re.DOTALL,
        )
        assert confirm is not None, kind
        assert words in confirm.group(1)
        assert "لا يمكن التراجع" in confirm.group(1)
    assert "بانتظار التحويل" in omar.get("/dashboard").data.decode()
    _post(admin, "/admin", f"/admin/withdrawals/{waiting.id}", paid="yes", key="pay-omar")
    assert [] == host.market.payout_queue(ADMIN)
    assert "لا سحوبات بانتظار التحويل." in admin.get("/admin").data.decode()
    mine = host.market.withdrawals(ADMIN, waiting.seller_id)
    assert {WithdrawalStatus.PAID} == {w.status for w in mine}
    assert "تم التحويل" in omar.get("/dashboard").data.decode()
    # answered twice (a second tab): refused, and nothing moves
    again = _post(admin, "/admin", f"/admin/withdrawals/{waiting.id}", paid="no", key="fail")
    assert 303 == again.status_code
    assert {WithdrawalStatus.PAID} == {
        w.status for w in host.market.withdrawals(ADMIN, waiting.seller_id)
    }


def test_a_seller_with_two_methods_picks_where_the_money_goes(app, host):
    khaled = app.test_client()
    log_in(khaled, "khaled_dev@example.com")
    for kind, account in (("paypal", "khaled@paypal.com"), ("bank_transfer", IBAN)):
        _post(
            khaled, "/dashboard", "/payout-methods",
            kind=kind, account=account, key=account, current="demo-password",
        )  # fmt: skip
    page = khaled.get("/dashboard").data.decode()
    assert '<select name="payout_method">' in page
    bank = f"bank_transfer:{IBAN}"  # a method is named, not numbered by its place
    assert f'<option value="{bank}">' in page
    _post(khaled, "/dashboard", "/withdraw", amount="10", payout_method=bank, key="w-khaled")
    member_id = host.accounts.check("khaled_dev@example.com", "demo-password").member_id
    (withdrawal,) = host.market.withdrawals(ADMIN, MemberId(member_id))
    assert (PayoutKind.BANK_TRANSFER, IBAN) == (withdrawal.method.kind, withdrawal.method.account)
    assert IBAN in khaled.get("/dashboard").data.decode()
    # a method no longer on the account (removed in another tab) is refused, nothing moves;
    # by its place in the list it went to the next method (a hostile review, 2026-12-06)
    stale = "paypal:khaled@paypal.com"
    _post(khaled, "/dashboard", "/payout-methods/remove", payout_method=stale, key="rm-paypal")
    answer = _post(khaled, "/dashboard", "/withdraw", amount="10", payout_method=stale, key="w2")
    assert 303 == answer.status_code
    assert 1 == len(host.market.withdrawals(ADMIN, MemberId(member_id)))


def test_an_answer_that_is_neither_paid_nor_failed_records_nothing(app, host):
    # a hostile review (2026-12-06): a post without "paid" was recorded as failed
    admin = app.test_client()
    log_in(admin, "admin@example.com")
    khaled = _demo_member(host, "khaled_dev@example.com")
    waiting = host.market.request_withdrawal(khaled, Money.of(10, "USD"), key="w-answer")
    _post(admin, "/admin", f"/admin/withdrawals/{waiting}", key="no-answer")
    assert WithdrawalStatus.REQUESTED is host.market.withdrawals(khaled)[0].status
    queue = admin.get("/admin").data.decode()
    assert f'href="/members/{khaled.member_id}"' in queue  # the seller, unambiguously


def test_a_seller_cancels_a_waiting_withdrawal_from_their_dashboard(app, host):
    reem = app.test_client()
    log_in(reem, "reem_marketing@example.com")
    me = _demo_member(host, "reem_marketing@example.com")
    waiting = host.market.request_withdrawal(me, Money.of(10, "USD"), key="w-reem")
    page = reem.get("/dashboard").data.decode()
    assert f'action="/withdrawals/{waiting}/cancel"' in page
    _post(reem, "/dashboard", f"/withdrawals/{waiting}/cancel", key="cancel-reem")
    assert WithdrawalStatus.CANCELLED is host.market.withdrawals(me)[0].status
    assert f'action="/withdrawals/{waiting}/cancel"' not in reem.get("/dashboard").data.decode()
    # another member's is refused and stays as it was
    other = host.market.request_withdrawal(me, Money.of(10, "USD"), key="w-reem-2")
    khaled = app.test_client()
    log_in(khaled, "khaled_dev@example.com")
    _post(khaled, "/dashboard", f"/withdrawals/{other}/cancel", key="cancel-other")
    assert WithdrawalStatus.REQUESTED is host.market.withdrawals(me)[0].status


def test_the_api_lists_the_callers_withdrawals_and_an_admins_queue(app, host):
    omar, admin = app.test_client(), app.test_client()
    headers = {"Authorization": f"Bearer {bearer(omar, 'omar_voice@example.com')}"}
    mine = omar.get("/api/v1/withdrawals", headers=headers).json["withdrawals"]
    assert mine
    assert {"id", "amount", "method", "status", "requested_at", "settled_at"} <= set(mine[0])
    as_admin = {"Authorization": f"Bearer {bearer(admin, 'admin@example.com')}"}
    queue = admin.get("/api/v1/withdrawals", headers=as_admin).json["withdrawals"]
    assert {w["id"] for w in queue} == {w.id for w in host.market.payout_queue(ADMIN)}
    assert 401 == app.test_client().get("/api/v1/withdrawals").status_code


def test_a_stale_tab_removes_no_other_payout_method(app, host):
    # a new user's probe (2026-12-06): the same dashboard's remove form (index 0) posted
    # twice, from two tabs, removed PayPal and then the bank account below it
    noura = app.test_client()
    log_in(noura, "noura_writes@example.com")
    for kind, account in (("paypal", "noura@paypal.com"), ("bank_transfer", IBAN)):
        _post(
            noura, "/dashboard", "/payout-methods",
            kind=kind, account=account, key=account, current="demo-password",
        )  # fmt: skip
    page = noura.get("/dashboard").data.decode()
    paypal = "paypal:noura@paypal.com"
    assert f'name="payout_method" value="{paypal}"' in page  # named, not numbered
    member_id = _demo_member(host, "noura_writes@example.com").member_id
    before = host.market.member(ADMIN, member_id).payout_methods
    for tab in ("tab-a", "tab-b"):
        token = csrf_of(page.encode())
        answer = noura.post(
            "/payout-methods/remove", data={"csrf": token, "key": tab, "payout_method": paypal}
        )
        assert 303 == answer.status_code
    kept = host.market.member(ADMIN, member_id).payout_methods
    assert [m for m in before if m.account != "noura@paypal.com"] == list(kept)
    assert (PayoutKind.BANK_TRANSFER, IBAN) == (kept[-1].kind, kept[-1].account)
    assert "طريقة السحب هذه محذوفة من قبل" in noura.get("/dashboard").data.decode()


def _a_waiting_withdrawal(host):
    """A demo seller with earnings asks for $10: (their e-mail, the withdrawal's id)."""
    ten = Money.of(10, "USD")
    (member, *_) = [
        m
        for m in host.market.members(ADMIN, limit=100)
        if m.payout_methods and host.market.balances(ADMIN, m.id).available >= ten
    ]
    return member.email, host.market.request_withdrawal(Actor.member(member.id), ten)


def test_me_says_what_is_being_paid_out_and_the_currency_of_its_amounts(app, host):
    # a new user's probe (2026-12-06): omar_voice's $56 awaiting payout was nowhere in /me
    email, _withdrawal = _a_waiting_withdrawal(host)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, email)}"}
    me = client.get("/api/v1/me", headers=headers).json
    waiting = client.get("/api/v1/withdrawals", headers=headers).json["withdrawals"]
    requested = sum(
        (Money.of(w["amount"], "USD") for w in waiting if w["status"] == "requested"),
        Money.zero("USD"),
    )
    assert requested.is_positive()
    assert ("USD", str(requested.amount)) == (me["currency"], me["balances"]["withdrawing"])


def test_a_second_answer_to_a_withdrawal_is_a_409_conflict(app, host):
    # a new user's probe (2026-12-06): it was a 422, while docs/web.md says state conflicts
    # are 409
    _email, waiting = _a_waiting_withdrawal(host)
    admin = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(admin, 'admin@example.com')}"}
    for expected in (200, 409):
        answer = admin.post(
            "/api/v1/commands/settle_withdrawal",
            json={"withdrawal_id": waiting, "paid": False},
            headers=headers,
        )
        assert expected == answer.status_code, answer.json
    assert "ledger.withdrawal_settled" == answer.json["code"]


def test_a_refused_withdrawal_comes_back_to_its_form_with_the_amount_typed(app):
    # a walk-through: 5 (below the least) was refused at the page's top, the form emptied
    noura = app.test_client()
    log_in(noura, "noura_writes@example.com")
    _post(noura, "/dashboard", "/payout-methods", kind="paypal", account="noura@paypal.com",
          key="pm-noura", current="demo-password")  # fmt: skip
    answer = _post(noura, "/dashboard", "/withdraw", amount="٥", key="w-noura-5",
                   payout_method="paypal:noura@paypal.com", next="/dashboard#withdraw")  # fmt: skip
    assert (303, "/dashboard#withdraw") == (answer.status_code, answer.headers["Location"])
    page = noura.get("/dashboard").data.decode()
    form = re.search(r'<form method="post" action="/withdraw"[^>]*id="withdraw".*?</form>', page,
                     re.DOTALL)  # fmt: skip
    assert form is not None
    assert 'class="refused" role="alert"' in form.group(0)
    assert 'name="amount" inputmode="decimal" required value="٥"' in form.group(0)


def test_asking_for_more_than_is_available_says_when_pending_earnings_can_be_withdrawn(app, host):
    # a walk-through: «في الأرباح القابلة للسحب 0.00 US$، ولا يكفي…» said nothing of when
    sara = app.test_client()
    log_in(sara, "sara_designs@example.com")
    me = _demo_member(host, "sara_designs@example.com")
    dashboard = host.market.dashboard(me)
    assert dashboard.pending  # the demo leaves her an order's earnings to clear
    methods = host.market.member(me).payout_methods
    if not methods:
        _post(sara, "/dashboard", "/payout-methods", kind="paypal", account="sara@paypal.com",
              key="pm-sara", current="demo-password")  # fmt: skip
        methods = host.market.member(me).payout_methods
    much = dashboard.balances.available + Money.of(1000, "USD")
    _post(sara, "/dashboard", "/withdraw", amount=str(much.amount), key="w-sara-much",
          payout_method=f"{methods[0].kind.value}:{methods[0].account}")  # fmt: skip
    page = sara.get("/dashboard").data.decode()
    assert "تصبح أقرب أرباحك المعلقة" in page  # said with the refusal, not only listed
