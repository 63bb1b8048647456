"""The contract page says the money: a freelancer offered a contract sees the commission
and what they earn (RULES.md §11), per milestone and in total; a client funding a milestone
is told the amount to pay (with the client's fee, if the policy has one) and their balance.
Each test failed on the host before its fix.

On the demo month: ahmad posts a project the admin approves, then offers khaled a contract
of $150 and $300 from khaled's profile (Mostaql's 20% commission).
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import attrs
import pytest
from forms import flashed
from test_projects import DESCRIPTION, client_of, member_id, post

from microgigs import Money
from microgigs.actors import Actor
from microgigs.ids import ContractId, MemberId
from microgigs.policy import ChargeRule


def _text(html: bytes, element_id: str) -> str:
    """The text of the element ``element_id`` (tags dropped, spaces folded)."""
    found = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', html.decode(), re.DOTALL)
    assert found is not None, f"no #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).replace("\xa0", " ").split())


def _offer(app, host, name):
    """ahmad's contract offer to khaled of $150 and $300, on a project posted for it."""
    ahmad = client_of(app, "ahmad@example.com")
    made = post(
        ahmad, "/projects", title="تطبيق لحجز ملاعب كرة القدم", category="mobile-apps",
        description=DESCRIPTION, bracket="3", duration="30", visibility="public", hires="1",
        key=f"{name}-post",
    )  # fmt: skip
    project_id = made.headers["Location"].rsplit("/", 1)[-1]
    post(client_of(app, "admin@example.com"), f"/admin/projects/{project_id}", "/admin",
         key=f"{name}-approve", decision="approve")  # fmt: skip
    profile = f"/members/{member_id(host, 'khaled_dev')}"
    answer = post(
        ahmad, f"{profile}/offer", profile, project=project_id, amount="450", days="20",
        milestone_title_0="الواجهات", milestone_amount_0="150",
        milestone_title_1="البرمجة", milestone_amount_1="300", key=f"{name}-offer",
    )  # fmt: skip
    assert 303 == answer.status_code
    return {"path": answer.headers["Location"], "ahmad": ahmad}


def _accepted(app, host, name):
    """ahmad's offer to khaled (:func:`_offer`), accepted: ahmad's and khaled's clients, and
    the contract's page."""
    made = _offer(app, host, name)
    khaled = client_of(app, "khaled_dev@example.com")
    path = made["path"]
    post(khaled, f"{path}/answer_offer", path, agree="yes", key=f"{name}-accept")
    return made["ahmad"], khaled, path


@pytest.fixture(scope="module")
def offered(app, host):
    return _offer(app, host, "money")


def test_the_freelancer_of_an_offer_sees_the_commission_and_what_they_earn(app, offered):
    khaled = client_of(app, "khaled_dev@example.com")
    page = khaled.get(offered["path"]).data
    assert "answer_offer" in page.decode()  # the offer waits for his answer
    # 20% of each milestone, computed by the library's split, and the rest his
    assert "150.00 US$ 30.00 US$ 120.00 US$" in _text(page, "earning-1")
    assert "300.00 US$ 60.00 US$ 240.00 US$" in _text(page, "earning-2")
    assert "450.00 US$ 90.00 US$ 360.00 US$" in _text(page, "earning-total")
    assert "بعد العمولة" in _text(page, "earnings")
    khaled.get("/lang/en")
    english = khaled.get(offered["path"]).data
    assert "What you earn after the commission" in _text(english, "earnings")
    # the client is shown no such table: it is what the freelancer earns
    assert 'id="earnings"' not in offered["ahmad"].get(offered["path"]).data.decode()


def test_funding_a_milestone_names_the_amount_the_fee_and_the_balance(app, host, offered):
    khaled = client_of(app, "khaled_dev@example.com")
    path = offered["path"]
    post(khaled, f"{path}/answer_offer", path, agree="yes", key="money-accept")
    ahmad = offered["ahmad"]
    page = ahmad.get(path).data
    wallet = host.market.balances(Actor.member(member_id(host, "ahmad"))).wallet
    said = _text(page, "fund-amount-1")
    assert "150.00 US$" in said
    assert f"{wallet.amount:,.2f} US$" in _text(page, "fund-balance-1")
    assert "رصيدك" in _text(page, "fund-balance-1")
    assert "رسوم" not in said  # the site's policy charges the client no fee
    # where a refund goes, whatever paid (a walk-through: a card's refund reached the site's
    # balance, and nothing had said so)
    assert "يعود إلى رصيدك في الموقع، أيًّا كانت طريقة الدفع" in page.decode()
    # a policy with a client's fee: the fee and the total to pay are said
    policy = host.market.policy
    fee = ChargeRule(rate=Decimal("0.05"), fixed=Money.of(2, "USD"))
    host.market.policy = attrs.evolve(
        policy, projects=attrs.evolve(policy.projects, client_fees=(fee,))
    )
    try:
        ahmad.get("/lang/en")
        english = ahmad.get(path).data
    finally:
        host.market.policy = policy
    said = html.unescape(_text(english, "fund-amount-2"))
    assert "$300.00 + the platform's service fee of $17.00 = $317.00" in said, said
    # what the fee is for and when it comes back, not a bare "+ fee"
    assert "The fee is the platform's; it comes back if this milestone is refunded" in said
    assert "Your balance:" in _text(english, "fund-balance-2")


def test_the_freelancer_keeps_seeing_what_they_earn_after_accepting(app, host):
    # a walk-through (2026-12-07): the table left with the offer; the finished contract said
    # "released $170.00" and $136.00 reached the freelancer, with nothing to say why
    ahmad, khaled, path = _accepted(app, host, "earned")
    accepted = khaled.get(path).data
    assert "450.00 US$ 90.00 US$ 360.00 US$" in _text(accepted, "earning-total")
    post(ahmad, f"{path}/fund", path, number="1", method="card", key="earned-fund")
    post(khaled, f"{path}/submit", path, number="1", body="الواجهات جاهزة", key="earned-sub")
    post(ahmad, f"{path}/approve", path, number="1", key="earned-ok")
    khaled.get("/lang/en")
    released = khaled.get(path).data
    assert "$150.00 $30.00 $120.00" in _text(released, "earning-1")
    assert "released to you" in _text(released, "earning-1")
    assert "$450.00 $90.00 $360.00" in _text(released, "earning-total")


def test_the_earnings_table_says_what_each_milestone_came_to(app, host):
    # a hostile review (2026-12-07): a refunded milestone read "released to you, and refunded
    # to the client", each released one "and refunded to the client $0.00" (with an Arabic
    # comma on the English page), and a milestone never funded of an ended contract counted
    ahmad, khaled, path = _accepted(app, host, "came-to")
    admin = client_of(app, "admin@example.com")
    post(ahmad, f"{path}/fund", path, number="1", method="balance", key="came-fund-1")
    post(ahmad, f"{path}/dispute", path, number="1", body="لم يصلني شيء", key="came-d")
    post(admin, f"{path}/resolve", path, number="1", resolution="refund", key="came-r")
    post(ahmad, f"{path}/end", path, body="تغيرت خطتنا", key="came-end")
    khaled.get("/lang/en")
    page = khaled.get(path).data
    first, second = _text(page, "earning-1"), _text(page, "earning-2")
    assert "refunded to the client" in first
    assert "released to you" not in first
    # each row adds up: what was released, less the commission, is what was earned (a
    # walk-through: the row said $150.00 of a milestone refunded whole, the total $450.00)
    assert "$150.00" in first
    assert "$0.00 $0.00 $0.00" in first
    assert "never funded" in second
    assert "$0.00 $0.00 $0.00" in second
    assert "$0.00 $0.00 $0.00" in _text(page, "earning-total")
    assert "،" not in _text(page, "earnings")
    assert "What you earned after the commission" in _text(page, "earnings")  # it is over


def test_a_split_milestone_counts_what_was_released_of_it(app, host):
    # a walk-through: a $150 milestone split $50 back and $100 released read "$150.00 $20.00
    # $80.00", and the total's columns did not add up
    ahmad, khaled, path = _accepted(app, host, "split")
    admin = client_of(app, "admin@example.com")
    post(ahmad, f"{path}/fund", path, number="1", method="card", key="split-fund-1")
    post(ahmad, f"{path}/dispute", path, number="1", body="نصف العمل فقط", key="split-d")
    post(admin, f"{path}/resolve", path, number="1", resolution="split", client_refund="50",
         key="split-r")  # fmt: skip
    khaled.get("/lang/en")
    page = khaled.get(path).data
    row = _text(page, "earning-1")
    assert "$100.00 $20.00 $80.00" in row, row
    assert "refunded to the client: $50.00" in row
    assert "$400.00 $80.00 $320.00" in _text(page, "earning-total")  # $100 + the $300 to come
    assert "What you earn after the commission" in _text(page, "earnings")  # still going on


def test_an_answer_that_says_neither_yes_nor_no_changes_nothing(app, host):
    # a hostile review (2026-12-07): a post without "agree" disputed an early end (freezing
    # the money) or declined an offer: anything but "yes" was read as "no"
    made = _offer(app, host, "neither")
    ahmad, path = made["ahmad"], made["path"]
    khaled = client_of(app, "khaled_dev@example.com")
    him, contract = Actor.member(member_id(host, "khaled_dev")), ContractId(path.rsplit("/")[-1])
    post(khaled, f"{path}/answer_offer", path, key="neither-offer")  # no "agree"
    assert "answer_offer" in host.market.contract_page(him, contract).next_commands
    post(khaled, f"{path}/answer_offer", path, agree="yes", key="neither-accept")
    post(ahmad, f"{path}/fund", path, number="1", method="balance", key="neither-fund")
    post(ahmad, f"{path}/end", path, body="تغيرت خطتنا", key="neither-end")
    post(khaled, f"{path}/answer_end", path, body="لا أوافق", key="neither-answer")
    page = host.market.contract_page(him, contract)
    assert "answer_end" in page.next_commands  # still his to answer: nothing disputed
    assert "لا يوجد خيار" in khaled.get(path).data.decode()


def test_a_cancellation_request_tells_the_side_who_answers_that_it_waits_for_them(app, host):
    # a walk-through (2026-12-07): the client, holding the answer buttons, read that the
    # request was "waiting for the other side"
    ahmad, khaled, path = _accepted(app, host, "asked")
    post(khaled, f"{path}/ask_cancel", path, key="asked-ask")
    assert "ينتظر ردك" in _text(ahmad.get(path).data, "cancellation")
    assert "ينتظر رد الطرف الآخر" in _text(khaled.get(path).data, "cancellation")


def test_a_disputed_milestone_reads_in_the_feminine_and_its_note_says_who_opened_it(app, host):
    # a walk-through (2026-12-07): «الدفعة … متنازع عليه» (an order's masculine), and the
    # dispute's note read «أحمد خالد متنازع عليه» where «فتح نزاعًا» was meant
    ahmad, _khaled, path = _accepted(app, host, "feminine")
    post(ahmad, f"{path}/fund", path, number="1", method="card", key="feminine-fund")
    post(ahmad, f"{path}/dispute", path, number="1", body="لم يصلني شيء", key="feminine-d")
    page = ahmad.get(path).data
    assert "متنازع عليها" in page.decode()
    assert "فتح نزاع" in _text(page, "note-1-1")  # a noun: the author may be a woman
    ahmad.get("/lang/en")
    assert "opened a dispute" in _text(ahmad.get(path).data, "note-1-1")
    # the team's decision joins the history, named as the team, with when
    admin = client_of(app, "admin@example.com")
    post(admin, f"{path}/resolve", path, number="1", resolution="release", key="feminine-r")
    ahmad.get("/lang/ar")
    decided = _text(ahmad.get(path).data, "note-1-2")
    assert "فريق الموقع" in decided
    assert "حُرِّرت الدفعة للمستقل" in decided


def test_a_milestone_never_funded_of_a_contract_ended_early_says_so(app, host):
    # a walk-through (2026-12-07): it stayed «مخططة» ("planned") on a finished contract
    ahmad, khaled, path = _accepted(app, host, "ended")
    post(ahmad, f"{path}/fund", path, number="1", method="balance", key="ended-fund")  # back
    post(ahmad, f"{path}/end", path, body="تغيرت خطتنا", key="ended-end")
    post(khaled, f"{path}/answer_end", path, agree="yes", key="ended-agree")
    page = ahmad.get(path).data.decode()
    assert "لم تُموَّل، وانتهى العقد" in page
    ahmad.get("/lang/en")
    assert "never funded: the contract is over" in ahmad.get(path).data.decode()


def _card_chosen(page: bytes, number: int) -> bool:
    found = re.search(rf'id="confirm-fund-{number}".*?</details>', page.decode(), re.DOTALL)
    assert found is not None
    return '<option value="card" selected>' in found.group(0)


def test_funding_more_than_the_balance_offers_the_card_first(app, host):
    # "From my balance" stayed chosen under "not enough to pay from the balance"
    made = _offer(app, host, "card-first")
    ahmad, path = made["ahmad"], made["path"]
    post(client_of(app, "khaled_dev@example.com"), f"{path}/answer_offer", path, agree="yes",
         key="card-first-accept")  # fmt: skip
    wallet = host.market.balances(Actor.member(member_id(host, "ahmad"))).wallet
    assert not _card_chosen(ahmad.get(path).data, 1) or wallet < Money.of(150, "USD")
    policy = host.market.policy
    fee = ChargeRule(rate=Decimal(0), fixed=wallet)  # the fee alone spends the balance
    host.market.policy = attrs.evolve(
        policy, projects=attrs.evolve(policy.projects, client_fees=(fee,))
    )
    try:
        page = ahmad.get(path).data
    finally:
        host.market.policy = policy
    assert _card_chosen(page, 1)
    assert _card_chosen(page, 2)


def _khaled_on_a_phone(browser, site, lang):
    """A 390-pixel page in ``lang``, logged in as khaled (the offers' freelancer)."""
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{site}/lang/{lang}?next=/")
    page.goto(f"{site}/login")
    page.fill("input[name=email]", "khaled_dev@example.com")
    page.fill("input[name=password]", "demo-password")
    page.click("form.box button.primary")
    return page


@pytest.mark.browser
def test_the_earnings_headers_keep_their_words_whole_on_an_english_phone(browser, site, app, host):
    # "Amoun t" and "Commiss ion": a header broke mid-word on a 390-pixel screen
    page = _khaled_on_a_phone(browser, site, "en")
    page.goto(site + _offer(app, host, "phone")["path"])
    lines = page.evaluate(
        """() => [...document.querySelectorAll('#earnings thead th')].map(th => {
            const range = document.createRange();
            range.selectNodeContents(th);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return [th.textContent.trim(), tops.size];
        })"""
    )
    assert [("Milestone", 1), ("Amount", 1), ("Commission", 1)] == [
        (text, n) for text, n in lines if " " not in text
    ]
    page.context.close()


_BROKEN_WORDS = """() => {
    // each word of our own text (not a member's, which is in a <bdi>) on one line
    const broken = [];
    for (const cell of document.querySelectorAll('main td, main th, main .status')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement.closest('bdi')) continue;
            const text = node.textContent;
            for (const m of text.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_phone_tables_keep_words_dates_and_amounts_whole(browser, site, app, host, lang):
    # "202/12/05", "مفتو/ح", "off/ere/d", and the freelancer's net total clipped to "4.00"
    offer = _offer(app, host, f"phone-{lang}")
    page = _khaled_on_a_phone(browser, site, lang)
    for path in (offer["path"], "/projects/mine", "/orders"):
        page.goto(site + path)
        assert [] == page.evaluate(_BROKEN_WORDS), (lang, path)
        assert 390 >= page.evaluate("document.documentElement.scrollWidth"), (lang, path)
        clipped = page.evaluate(
            """() => [...document.querySelectorAll('main table')].filter(
                t => t.getBoundingClientRect().left < 0 || t.getBoundingClientRect().right > 390
            ).length"""
        )
        assert 0 == clipped, (lang, path)  # a table fits the screen, none of it hidden
    page.context.close()


def test_ending_a_contract_with_nothing_held_says_it_ended(app, host):
    # a hostile review: with nothing funded the contract ends at once, and the message said
    # the request went to the freelancer and the money held would come back
    ahmad, _khaled, path = _accepted(app, host, "ended-now")
    post(ahmad, f"{path}/end", path, body="تغيرت خطتنا", key="now-end")
    said = flashed(ahmad.get(path).data)
    assert any("أُنهي العقد: لم يكن فيه مبلغ محجوز" in m for m in said), said


def _form_with(page: str, action: str, number: int, resolution: str = "") -> str:
    """The form of the contract page sent to ``action`` for milestone ``number``."""
    for found in re.finditer(r"<details[^>]*>.*?</details>|<form.*?</form>", page, re.DOTALL):
        form = found.group(0)
        if (
            f'/{action}"' in form
            and f'name="number" value="{number}"' in form
            and (not resolution or f'name="resolution" value="{resolution}"' in form)
        ):
            return form
    missing = f"no {action} form for milestone {number}"
    raise AssertionError(missing)


def test_a_refused_contract_form_keeps_what_was_typed_in_it(app, host):
    # a walk-through: a submission refused for a phone number in it came back empty, and an
    # admin's split refused for its amount lost the reason written for both sides
    ahmad, khaled, path = _accepted(app, host, "kept")
    admin = client_of(app, "admin@example.com")
    post(ahmad, f"{path}/fund", path, number="1", method="card", key="kept-fund-1")
    words = "أنجزت الواجهات كلها، وللتفاصيل كلمني على 0501234567"
    post(khaled, f"{path}/submit", path, number="1", body=words, key="kept-submit")
    page = khaled.get(path).data.decode()
    assert flashed(page.encode())
    assert words in _form_with(page, "submit", 1)
    post(ahmad, f"{path}/dispute", path, number="1", body="لم يصلني شيء", key="kept-d")
    why = "سُلِّم نصف الواجهات فقط"
    post(admin, f"{path}/resolve", path, number="1", resolution="split", client_refund="900",
         body=why, key="kept-split")  # fmt: skip
    page = admin.get(path).data.decode()
    split = _form_with(page, "resolve", 1, "split")
    assert split.startswith("<details")
    assert " open" in split.split(">", 1)[0]
    assert why in split
    assert 'value="900"' in split
    # the other decisions on that milestone are not filled with the split's words
    assert why not in _form_with(page, "resolve", 1, "refund")
    # nothing moved: the milestone is still disputed
    contract_id = ContractId(path.rsplit("/", 1)[-1])
    contract = host.market.contract_page(Actor.admin(MemberId("staff")), contract_id).contract
    assert "disputed" == contract.milestones[0].status.value


def test_while_a_contract_ends_early_the_freelancers_table_says_what_goes_back(app, host):
    # a walk-through: while the client's early end waited for his answer, the freelancer's
    # "what you will earn" still read its whole total, unsaid that the held money goes back
    ahmad, khaled, path = _accepted(app, host, "ending-table")
    post(ahmad, f"{path}/fund", path, number="1", method="card", key="ending-fund")
    post(ahmad, f"{path}/end", path, body="تغيرت خطتنا", key="ending-end")
    said = _text(khaled.get(path).data, "earnings")
    assert "يعود إليه إن وافقت أو انقضت مدة الرد" in said
