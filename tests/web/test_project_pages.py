"""A browser walk-through of project mode (2026-12-05): names isolated in the other
direction, notes that break lines between words, a dispute of an early end that asks first."""

from __future__ import annotations

import re
from pathlib import Path

from app import member_name
from flask import g
from forms import bearer, csrf_of, log_in
from test_projects import member_id

from microgigs.orders import OrderStatus
from microgigs.projects import CHANGE_REQUESTS_MAX, CLIENT_ASPECTS

DESCRIPTION = "تطبيق أندرويد وآيفون لحجز المواعيد مع تذكير بالرسائل ولوحة للطبيب والاستقبال."
STYLE = Path(__file__).resolve().parents[2] / "examples" / "web" / "static" / "style.css"


def _client(app, email):
    client = app.test_client()
    log_in(client, email)
    return client


def _post(client, path, page, **data):
    token = csrf_of(client.get(page).data)
    return client.post(
        path, data={"csrf": token, **data}, headers={"Referer": f"http://localhost{page}"}
    )


def _project_with_bid(app, n):
    """ahmad's approved project with one bid by sara."""
    ahmad = _client(app, "ahmad@example.com")
    made = _post(ahmad, "/projects", "/projects", title=f"تطبيق جوال لحجز المواعيد رقم {n}",
                 category="mobile-apps", description=DESCRIPTION, bracket="3", duration="30",
                 skills="فلاتر", questions="ما أعمالك السابقة في التطبيقات؟",
                 visibility="public", hires="1", key=f"pp-post-{n}")  # fmt: skip
    path = made.headers["Location"]
    project_id = path.rsplit("/", 1)[-1]
    _post(_client(app, "admin@example.com"), f"/admin/projects/{project_id}", "/admin",
          key=f"pp-approve-{n}", decision="approve")  # fmt: skip
    sara = _client(app, "sara_designs@example.com")
    _post(sara, f"/projects/{project_id}/bids", path, amount="400", days="20",
          text="أبني التطبيق بفلاتر مع لوحة تحكم ويب، وسبق أن نفذت تطبيقين.",
          answer="نفذت تطبيقين لعيادات أسنان وتطبيقًا لصالون.", key=f"pp-bid-{n}")  # fmt: skip
    return ahmad, sara, project_id, path


def _hired(app, n):
    """:func:`_project_with_bid` with its bid hired: ahmad, sara, the project, the contract."""
    ahmad, sara, project_id, path = _project_with_bid(app, n)
    bid = re.search(r"/bids/([^/]+)/hire", ahmad.get(path).data.decode())
    assert bid is not None
    hire = f"/projects/{project_id}/bids/{bid.group(1)}/hire"
    contract = _post(ahmad, hire, path, key=f"pp-hire-{n}").headers["Location"]
    return ahmad, sara, path, contract


def test_a_bidders_name_and_a_question_are_isolated_in_the_english_ranking(app):
    # "1. 20 · $400.00 — سارة الأحمد days" was how an Arabic name read in an English heading
    ahmad, _sara, _project_id, path = _project_with_bid(app, 1)
    ahmad.get(f"/lang/en?next={path}")
    page = ahmad.get(path).data.decode()
    heading = re.search(r'<article class="box bid"[^>]*>\s*<h3>(.*?)</h3>', page, re.DOTALL)
    assert heading is not None
    assert re.search(r'<a href="/members/[^"]+"><bdi>[^<]+</bdi></a>', heading.group(1))
    assert "<strong><bdi>ما أعمالك السابقة في التطبيقات؟</bdi></strong>" in page
    # the answer's own text decides the paragraph's direction (dir="auto" skips a <bdi>): an
    # Arabic answer aligns right in English, and in Arabic (a walk-through, 2026-12-07: all
    # of it inside <bdi>, it aligned left on Arabic pages)
    assert re.search(
        r'<p class="answer" dir="auto"><strong><bdi>[^<]+</bdi></strong> [^<]+</p>', page
    )


def test_notes_break_lines_between_words():
    # word-break: break-all cut English words on a phone ("an swer"); long words still wrap
    rule = re.search(r"\.note \{[^}]*\}", STYLE.read_text())
    assert rule is not None
    assert "break-all" not in rule.group(0)


def test_disputing_an_early_end_asks_first(app):
    ahmad, sara, _path, contract = _hired(app, 2)
    _post(sara, f"{contract}/answer_offer", contract, agree="yes", key="pp-accept")
    _post(ahmad, f"{contract}/fund", contract, number="1", method="card", key="pp-fund")
    # the client is told what comes back, when, and that the freelancer may dispute it
    end = re.search(r'id="confirm-end">.*?</details>', ahmad.get(contract).data.decode(), re.DOTALL)
    assert end is not None
    said = re.sub(r"<[^>]+>", "", end.group(0)).replace("\xa0", " ")
    assert "يعود إليك المبلغ المحجوز (400.00 US$)" in said
    assert "بعد 7 أيام دون رد منه" in said
    assert "يعترض" in said
    _post(ahmad, f"{contract}/end", contract, body="تغيرت خطتنا", key="pp-end")
    page = sara.get(contract).data.decode()
    dispute = re.search(
        r'<details class="confirm" id="confirm-answer_end-no">(?:(?!</details>).)*'
        r'name="agree" value="no"',
        page,
        re.DOTALL,
    )
    assert dispute is not None, "the early end's dispute went by one click"
    assert "يُجمَّد المبلغ المحجوز حتى يحسم المشرف النزاع" in dispute.group(0)
    assert 'name="body"' in dispute.group(0)  # and asks why, for the admin
    _post(sara, f"{contract}/answer_end", contract, agree="no", body="سلمت نصف العمل",
          key="pp-dispute-end")  # fmt: skip
    assert "سلمت نصف العمل" in _client(app, "admin@example.com").get(contract).data.decode()
    # both sides read that an admin now decides: the note said only "ending early"
    for reader in (ahmad, sara):
        ending = re.search(r'id="ending">(.*?)</p>', reader.get(contract).data.decode(), re.DOTALL)
        assert ending is not None
        assert "اعترض المستقل وفُتح نزاع" in ending.group(1)


def test_isolated_names_are_markup_in_every_list_of_names(app, host):
    # names(…) joined them as text: "Client: <bdi>أحمد خالد</bdi>" was shown, tags and all
    ahmad, _sara, _path, contract = _hired(app, 3)
    with host.market.storage.unit_of_work() as uow:
        order = uow.orders.in_status(OrderStatus.COMPLETED, limit=1)[0]
        buyer = uow.members.get(order.buyer_id)
    for reader, page in ((ahmad, contract), (_client(app, buyer.email), f"/orders/{order.id}")):
        html = reader.get(page).data.decode()
        assert "&lt;bdi&gt;" not in html, page
        assert re.search(r"<bdi>[^<]+</bdi>", html), page


def test_a_milestone_keeps_every_note_with_who_wrote_it(app):
    # the submission's message was overwritten by the client's request for changes, and the
    # admin deciding a dispute read only the client's side
    ahmad, sara, _path, contract = _hired(app, 4)
    _post(sara, f"{contract}/answer_offer", contract, agree="yes", key="pp-accept-4")
    _post(ahmad, f"{contract}/fund", contract, number="1", method="card", key="pp-fund-4")
    _post(sara, f"{contract}/submit", contract, number="1", body="سلمت التصميم المبدئي",
          key="pp-submit-4")  # fmt: skip
    _post(ahmad, f"{contract}/changes", contract, number="1", body="غيّر الألوان إلى الأزرق",
          key="pp-changes-4")  # fmt: skip
    page = _client(app, "admin@example.com").get(contract).data.decode()
    first = page.index("سلمت التصميم المبدئي")
    assert first < page.index("غيّر الألوان إلى الأزرق")
    assert 'id="note-1-1"' in page
    assert 'id="note-1-2"' in page


def test_after_ten_requests_for_changes_the_client_approves_or_disputes(app):
    # a hostile review: rounds of submissions and requests for changes had no end, and the
    # contract's history grew with each
    ahmad, sara, _path, contract = _hired(app, 30)
    _post(sara, f"{contract}/answer_offer", contract, agree="yes", key="pp-accept-30")
    _post(ahmad, f"{contract}/fund", contract, number="1", method="card", key="pp-fund-30")
    for round_ in range(CHANGE_REQUESTS_MAX + 1):
        _post(sara, f"{contract}/submit", contract, number="1", body=f"التسليم رقم {round_}",
              key=f"pp-submit-30-{round_}")  # fmt: skip
        assert f'action="{contract}/changes"' in ahmad.get(contract).data.decode() or (
            round_ == CHANGE_REQUESTS_MAX
        )
        if round_ < CHANGE_REQUESTS_MAX:
            _post(ahmad, f"{contract}/changes", contract, number="1", body="عدّل الألوان",
                  key=f"pp-changes-30-{round_}")  # fmt: skip
    page = ahmad.get(contract).data.decode()
    assert f'action="{contract}/changes"' not in page
    assert "طلبت تعديلات على هذه الدفعة 10 مرات، وهو الحد" in page
    assert f'action="{contract}/approve"' in page
    assert f'action="{contract}/dispute"' in page


def test_a_freelancers_contracts_are_named_by_their_project(app):
    # "Contract $400.00" twice could not be told apart
    ahmad, sara, _path, contract = _hired(app, 5)
    mine = sara.get("/projects/mine").data.decode()
    row = re.search(rf'<a href="{contract}">(.*?)</a>', mine)
    assert row is not None
    assert "<bdi>تطبيق جوال لحجز المواعيد رقم 5</bdi>" in row.group(1)
    assert "عرض عقد ينتظر ردك" in sara.get(contract).data.decode()  # to the freelancer
    assert "بانتظار رد المستقل" in ahmad.get(contract).data.decode()  # to the client


def test_my_contracts_name_the_other_party_by_their_role(app):
    # sara, the freelancer, read "freelancer: أحمد خالد": ahmad is the client
    ahmad, sara, _path, contract = _hired(app, 6)

    def party(client):
        mine = client.get("/projects/mine").data.decode()
        row = re.search(rf'<tr><td><a href="{contract}">.*?</tr>', mine, re.DOTALL)
        assert row is not None
        return " ".join(re.sub(r"<[^>]+>", " ", row.group(0)).split())

    assert "العميل: أحمد خالد" in party(sara)
    assert "المستقل: سارة الأحمد" in party(ahmad)


def test_a_freelancer_reads_their_own_answers_with_their_bid(app):
    # the client saw sara's answer to the project's question; sara did not
    _ahmad, sara, _project_id, path = _project_with_bid(app, 7)
    page = sara.get(path).data.decode()
    mine = page[page.index('id="my-bid"') :]
    assert "<bdi>ما أعمالك السابقة في التطبيقات؟</bdi>" in mine
    assert "</strong> نفذت تطبيقين لعيادات أسنان وتطبيقًا لصالون.</p>" in mine


def test_a_status_badge_has_the_tone_of_what_it_says(app):
    # every status was the same green: "disputed" and "cancelled" looked like "completed"
    ahmad, sara, path, contract = _hired(app, 8)
    assert '<span class="status waiting" id="status">' in sara.get(contract).data.decode()
    _post(sara, f"{contract}/answer_offer", contract, agree="no", key="pp-decline-8")
    assert '<span class="status over" id="status">' in sara.get(contract).data.decode()
    assert '<span class="status" id="status">' in ahmad.get(path).data.decode()  # in progress


def test_a_project_without_bids_says_why_instead_of_explaining_a_ranking(app):
    # a project waiting for review showed "Bids, ranked (0)" and how bids are scored
    ahmad = _client(app, "ahmad@example.com")
    made = _post(ahmad, "/projects", "/projects", title="تطبيق جوال لحجز المواعيد رقم 9",
                 category="mobile-apps", description=DESCRIPTION, bracket="3", duration="30",
                 visibility="public", hires="1", key="pp-post-9")  # fmt: skip
    page = ahmad.get(made.headers["Location"]).data.decode()
    assert "يتلقى المشروع العروض بعد أن توافق عليه الإدارة" in page
    assert "لكل عرض نقاط من 0 إلى 100" not in page


def test_every_page_names_an_icon_the_site_serves(app):
    # browsers asked for /favicon.ico on every page and got a 404
    client = app.test_client()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', client.get("/").data.decode())
    assert icon is not None
    answer = client.get(icon.group(1))
    assert (200, "image/svg+xml") == (answer.status_code, answer.mimetype)
    answer.close()


def test_ending_a_contract_with_nothing_funded_says_no_money_is_held(app):
    # it said "the money held (0.00 US$) comes back to you"
    ahmad, sara, _path, contract = _hired(app, 10)
    _post(sara, f"{contract}/answer_offer", contract, agree="yes", key="pp-accept-10")
    end = re.search(r'id="confirm-end">.*?</details>', ahmad.get(contract).data.decode(), re.DOTALL)
    assert end is not None
    assert "ولا مبلغ محجوزًا فيه" in end.group(0)
    assert "0.00" not in end.group(0)


def test_a_client_withdraws_an_offer_the_freelancer_has_not_answered(app):
    # a client who hired the wrong bid had to wait 30 days for the offer to lapse
    ahmad, sara, path, contract = _hired(app, 11)
    page = ahmad.get(contract).data.decode()
    assert f'action="{contract}/withdraw_offer"' in page
    assert "يعود العرض المختار إلى قائمة العروض" in page  # the confirmation says what happens
    assert "withdraw_offer" not in sara.get(contract).data.decode()
    done = _post(ahmad, f"{contract}/withdraw_offer", contract, key="pp-withdraw-11")
    assert 303 == done.status_code
    page = ahmad.get(contract).data.decode()
    assert "سحبت عرض العقد" in page
    assert "withdraw_offer" not in page
    assert "سحب العميل عرض العقد" in sara.get(contract).data.decode()
    assert re.search(r"/bids/[^/]+/hire", ahmad.get(path).data.decode())  # hire it, or another


def test_an_offer_that_ended_unanswered_says_who_ended_it_when_and_where_to_go(app):
    # after a withdrawal the freelancer saw only a grey badge, a "planned" milestone and four
    # escrow boxes of 0.00, as if the contract were live
    ahmad, sara, path, contract = _hired(app, 12)
    _post(ahmad, f"{contract}/withdraw_offer", contract, key="pp-withdraw-12")
    hers = sara.get(contract).data.decode()
    note = re.search(r'<p class="note" id="offer-ended">(.*?)</p>', hers, re.DOTALL)
    assert note is not None
    assert "سحب العميل هذا العرض في" in note.group(1)
    assert "عرضك على المشروع ينتظر من جديد" in note.group(1)
    assert f'href="{path}"' in note.group(1)
    assert 'id="escrow"' not in hers  # nothing was ever funded or held
    assert "الدفعات المعروضة" in hers
    assert 'id="reviews"' not in hers  # nobody worked: nothing to review
    his = ahmad.get(contract).data.decode()
    assert "سحبت هذا العرض في" in his
    assert f'href="{path}"' in his
    sara.get(f"/lang/en?next={contract}")
    english = sara.get(contract).data.decode()
    assert "The client withdrew this offer on" in english


def test_an_english_status_badge_starts_with_a_capital():
    # "in progress", "awaiting acceptance": English badges read as lower-case fragments
    css = STYLE.read_text()
    assert re.search(
        r":lang\(en\) \.status::first-letter, :lang\(en\) \.tabs a::first-letter "
        r"\{ text-transform: uppercase; \}",
        css,
    )
    badge = re.search(r"^\.status \{[^}]*\}", css, re.MULTILINE)
    assert badge is not None
    assert "display: inline-block" in badge.group(0)  # ::first-letter needs a block box


def test_order_lists_show_each_status_as_a_badge_of_its_tone(app):
    # the lists of orders wrote statuses as plain lower-case text, unlike contracts' badges
    hind = _client(app, "hind@example.com")
    page = hind.get("/orders").data.decode()
    assert re.search(r'<td><span class="status( \w+)?">[^<]+</span></td>', page)
    assert re.search(r'— <span class="status( \w+)?">', hind.get("/account").data.decode())


def test_while_an_offer_waits_no_other_bid_offers_a_hire_that_would_be_refused(app):
    # "Hire this bid" stayed on other bids and failed with "a project that is fully hired"
    # while the project read "open"; a profile offered the project for a private offer too
    ahmad, _sara, project_id, path = _project_with_bid(app, 13)
    khaled = _client(app, "khaled_dev@example.com")
    _post(khaled, f"/projects/{project_id}/bids", path, amount="450", days="25",
          text="أطوّر التطبيق بفلاتر وأسلمه مع لوحة إدارة ودليل تشغيل كامل للفريق.",
          answer="طوّرت ثلاثة تطبيقات حجز لعيادات ومراكز تجميل.", key="pp-bid-13k")  # fmt: skip
    page = ahmad.get(path).data.decode()
    hires = re.findall(r"/bids/([^/]+)/hire", page)
    assert 2 == len(set(hires))
    contract = _post(ahmad, f"/projects/{project_id}/bids/{hires[0]}/hire", path,
                     key="pp-hire-13").headers["Location"]  # fmt: skip
    page = ahmad.get(path).data.decode()
    assert not re.search(r"/bids/[^/]+/hire", page)
    waiting = re.search(r'<p class="note" id="offer-waiting">(.*?)</p>', page, re.DOTALL)
    assert waiting is not None
    assert f'href="{contract}"' in waiting.group(1)
    profile = ahmad.get("/members/" + re.search(r'/members/([^"]+)"', page).group(1)).data
    assert f'value="{project_id}"' not in profile.decode()
    listed = re.search(rf'<li><a href="{contract}">.*?</li>', page, re.DOTALL)
    assert listed is not None
    assert "عُرض في" in listed.group(0)  # two offers to one freelancer told apart by date
    _post(ahmad, f"{contract}/withdraw_offer", contract, key="pp-withdraw-13")
    assert len(set(re.findall(r"/bids/([^/]+)/hire", ahmad.get(path).data.decode()))) == 2


def test_a_refused_offer_or_hire_keeps_what_the_client_typed(app, host):
    # the amount, the days and the milestones came back empty after a refusal
    ahmad, _sara, project_id, path = _project_with_bid(app, 14)
    profile = f"/members/{member_id(host, 'khaled_dev')}"
    _post(ahmad, f"{profile}/offer", profile, project=project_id, amount="5", days="12",
          milestone_title_0="التصميم", milestone_amount_0="5", key="pp-offer-14")  # fmt: skip
    page = ahmad.get(profile).data.decode()
    assert 'class="flash error"' in page  # $5 is outside the project's budget
    assert 'name="amount" inputmode="decimal" required value="5"' in page
    assert 'required value="12"' in page
    assert 'name="milestone_title_0" value="التصميم"' in page
    assert f'<option value="{project_id}" selected>' in page
    bid = re.search(r"/bids/([^/]+)/hire", ahmad.get(path).data.decode())
    assert bid is not None
    _post(ahmad, f"/projects/{project_id}/bids/{bid.group(1)}/hire", path,
          milestone_title_0="الواجهات", milestone_amount_0="100", key="pp-hire-14")  # fmt: skip
    page = ahmad.get(path).data.decode()
    # the milestones do not add up to the bid's $400: said at the hire form's top, once
    assert 'class="refused" role="alert"' in page
    assert 'class="flash error"' not in page
    assert 'name="milestone_amount_0" value="100"' in page


def test_a_freelancer_finds_their_contracts_first_and_at_contracts(app):
    # sara, who posts no projects, read "Projects I posted: No projects yet" above her
    # contracts, and /contracts was a 404
    _ahmad, sara, _path, contract = _hired(app, 15)
    moved = sara.get("/contracts")
    assert (302, "/projects/mine#my-contracts") == (moved.status_code, moved.headers["Location"])
    page = sara.get("/projects/mine").data.decode()
    assert page.index('id="my-contracts"') < page.index('id="my-projects"')
    row = re.search(rf'<tr><td><a href="{contract}">.*?</tr>', page, re.DOTALL)
    assert row is not None
    assert "عُرض في" in row.group(0)  # the date says what it is
    sara.get("/lang/en?next=/")
    row = re.search(rf'<tr><td><a href="{contract}">.*?</tr>', sara.get("/projects/mine")
                    .data.decode(), re.DOTALL)  # fmt: skip
    assert row is not None
    assert "Client: " in row.group(0)
    ahmad_page = _client(app, "ahmad@example.com").get("/projects/mine").data.decode()
    assert ahmad_page.index('id="my-projects"') < ahmad_page.index('id="my-contracts"')


def test_an_admin_is_named_as_the_site_team_not_by_their_account_id(app):
    # an admin's note on a dispute was signed "staff", the admin's account id
    with app.test_request_context("/"):
        g.lang = "ar"
        assert "فريق الموقع" == member_name("staff")
        g.names, g.lang = {}, "en"
        assert "The site team" == member_name("staff")
        g.names = {}
        assert "nobody-known" == member_name("nobody-known")  # not an account: as it is


def test_the_admins_menu_names_the_site_team_whole(app):
    admin = _client(app, "admin@example.com")
    assert "فريق الموقع</" in admin.get("/admin").data.decode()


def test_a_freelancer_with_a_contract_here_is_offered_no_second_one(app, host):
    # on a project hiring three, sara's bid kept "Hire this bid" after a private offer to her,
    # and her profile kept offering the project: both were refused with raw ids
    ahmad = _client(app, "ahmad@example.com")
    made = _post(ahmad, "/projects", "/projects", title="تطبيق جوال لحجز المواعيد رقم 16",
                 category="mobile-apps", description=DESCRIPTION, bracket="3", duration="30",
                 visibility="public", hires="3", key="pp-post-16")  # fmt: skip
    path = made.headers["Location"]
    project_id = path.rsplit("/", 1)[-1]
    _post(_client(app, "admin@example.com"), f"/admin/projects/{project_id}", "/admin",
          key="pp-approve-16", decision="approve")  # fmt: skip
    sara = _client(app, "sara_designs@example.com")
    _post(
        sara,
        f"/projects/{project_id}/bids",
        path,
        amount="400",
        days="20",
        text="أبني التطبيق بفلاتر مع لوحة تحكم ويب، وسبق أن نفذت تطبيقين.",
        key="pp-bid-16",
    )
    profile = f"/members/{member_id(host, 'sara_designs')}"
    assert f'value="{project_id}"' in ahmad.get(profile).data.decode()
    _post(ahmad, f"{profile}/offer", profile, project=project_id, amount="400", days="20",
          key="pp-offer-16")  # fmt: skip
    assert f'value="{project_id}"' not in ahmad.get(profile).data.decode()
    page = ahmad.get(path).data.decode()
    assert not re.search(r"/bids/[^/]+/hire", page)
    # from a page opened before the offer: the refusal names sara, not two raw ids
    bid = re.search(r'id="bid-([^"]+)"', page)
    assert bid is not None
    _post(ahmad, f"/projects/{project_id}/bids/{bid.group(1)}/hire", path, key="pp-hire-16")
    said = ahmad.get(path).data.decode()
    assert "لدى سارة الأحمد عقد معروض أو جارٍ في هذا المشروع من قبل." in said


def test_a_withdrawn_offer_tells_each_reader_only_what_is_true_for_them(app):
    ahmad, sara, path, contract = _hired(app, 17)
    page = ahmad.get(contract).data.decode()
    assert "ما دام المشروع يتلقى العروض" in page  # the bid comes back only while bidding lasts
    _post(ahmad, f"{contract}/withdraw_offer", contract, key="pp-withdraw-17")
    assert "عرضك على المشروع ينتظر من جديد" in sara.get(contract).data.decode()
    admin = _client(app, "admin@example.com").get(contract).data.decode()
    note = re.search(r'<p class="note" id="offer-ended">(.*?)</p>', admin, re.DOTALL)
    assert note is not None
    assert "سحب العميل هذا العرض في" in note.group(1)
    assert "لم يعد بإمكانك" not in note.group(1)  # the admin was told "you can no longer"
    assert "عرضك" not in note.group(1)
    bid = re.search(r"/bids/([^/]+)/hire", ahmad.get(path).data.decode())
    assert bid is not None
    _post(sara, f"{path}/bids/{bid.group(1)}/withdraw", path, key="pp-withdraw-bid-17")
    assert "عرضك على المشروع ينتظر من جديد" not in sara.get(contract).data.decode()


def test_the_button_that_confirms_what_cannot_be_undone_stands_out():
    # "Yes, confirm" under "Withdraw the offer" looked like any harmless button
    assert re.search(r"details\.confirm\[open\] form button:not\(\.primary\) \{[^}]*#c2410c",
                     STYLE.read_text())  # fmt: skip


def test_a_freelancer_finds_their_bids_and_credits_on_their_page(app):
    # a new user's probe (2026-12-06): a freelancer could list none of their bids
    _project_with_bid(app, 9)
    sara = _client(app, "sara_designs@example.com")
    mine = sara.get("/projects/mine").data.decode()
    section = re.search(r'<section id="my-bids">(.*?)</section>', mine, re.DOTALL)
    assert section is not None
    assert re.search(r'<a href="/projects/[^"]+"><bdi>تطبيق جوال لحجز المواعيد رقم', section[1])
    assert "صافي ربحك" in section.group(1)
    assert "عروض متبقية هذا الشهر:" in section.group(1)


def test_my_projects_counts_the_bids_a_closed_project_received(app):
    # a walk-through (2026-12-07): a closed project with bids read «العروض: 0»
    ahmad, _sara, project_id, _path = _project_with_bid(app, 20)
    _post(ahmad, f"/projects/{project_id}/close", f"/projects/{project_id}", key="pp-close-20")
    mine = ahmad.get("/projects/mine").data.decode()
    row = re.search(rf'<tr><td><a href="/projects/{project_id}">.*?</tr>', mine, re.DOTALL)
    assert row is not None
    assert "العروض: 1" in " ".join(re.sub(r"<[^>]+>", " ", row.group(0)).split())


def test_skills_are_split_at_an_arabic_comma_too_and_keep_their_case(app):
    # a walk-through (2026-12-07): «فلاتر، تطبيقات, Firebase» made one skill «فلاتر، تطبيقات»
    # and "firebase"
    ahmad = _client(app, "ahmad@example.com")
    made = _post(ahmad, "/projects", "/projects", title="تطبيق جوال لحجز الملاعب الرياضية",
                 category="mobile-apps", description=DESCRIPTION, bracket="3", duration="30",
                 skills="فلاتر، تطبيقات, Firebase", visibility="public", hires="1",
                 key="pp-skills")  # fmt: skip
    project_id = made.headers["Location"].rsplit("/", 1)[-1]
    page = ahmad.get(f"/projects/{project_id}").data.decode()
    for skill in ("فلاتر", "تطبيقات", "Firebase"):
        assert f"<bdi>{skill}</bdi>" in page or f">{skill}<" in page, skill


def test_a_refused_hire_opens_its_form_again_saying_why(app):
    # a walk-through (2026-12-07): after milestones that did not add up, the hire form was
    # folded away, its message only at the page's top
    ahmad, _sara, project_id, path = _project_with_bid(app, 21)
    bid = re.search(r"/bids/([^/]+)/hire", ahmad.get(path).data.decode())
    assert bid is not None
    hire = f"/projects/{project_id}/bids/{bid.group(1)}/hire"
    milestones = {"milestone_title_0": "الواجهات", "milestone_amount_0": "100",
                  "milestone_title_1": "البرمجة", "milestone_amount_1": "100"}  # fmt: skip
    _post(ahmad, hire, path, key="pp-bad-hire", **milestones)  # $200 of a $400 bid
    page = ahmad.get(path).data.decode()
    form = re.search(
        r'<details class="confirm hire" id="hire-\w+" open>.*?</details>', page, re.DOTALL
    )
    assert form is not None
    assert '<p class="refused" role="alert">' in form.group(0)


def test_the_client_and_the_freelancer_write_to_each_other_on_the_contract_page(app):
    # a walk-through (2026-12-07): a contract had no conversation, only milestone notes
    ahmad, sara, _path, contract = _hired(app, 40)
    _post(sara, f"{contract}/answer_offer", contract, agree="yes", key="pp-yes-40")
    asked = _post(ahmad, f"{contract}/message", contract, body="متى تصلني النسخة الأولى؟",
                  key="pp-msg-40")  # fmt: skip
    assert 303 == asked.status_code
    _post(sara, f"{contract}/message", contract, body="خلال أسبوع إن شاء الله.", key="pp-msg-41")
    for reader in (ahmad, sara):
        page = reader.get(contract).data.decode()
        conversation = re.search(r'id="conversation">(.*?)</section>', page, re.DOTALL)
        assert conversation is not None
        said = conversation.group(1)
        assert said.index("متى تصلني النسخة الأولى؟") < said.index("خلال أسبوع إن شاء الله.")
    refused = _post(sara, f"{contract}/message", contract, body="واتساب 0501234567",
                    key="pp-msg-42")  # fmt: skip
    assert 303 == refused.status_code
    shown = sara.get(contract).data.decode().split('id="conversation"')[1]
    messages = shown.split("<form", 1)[0]  # the refused text is kept in the form, as typed
    assert "0501234567" not in messages
    assert "0501234567" in shown.split("<form", 1)[1]


def test_the_api_answers_a_contracts_conversation(app):
    ahmad, _sara, _path, contract = _hired(app, 43)
    _post(ahmad, f"{contract}/message", contract, body="أرسلت لك التفاصيل.", key="pp-msg-43")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(api, 'ahmad@example.com')}"}
    answer = api.get(f"/api/v1{contract}", headers=headers)
    assert 200 == answer.status_code, answer.json
    assert ["أرسلت لك التفاصيل."] == [m["body"] for m in answer.json["messages"]]


def test_a_contract_says_it_waits_for_funding_when_it_is_due_and_whose_review_is_whose(app):
    # a walk-through (2026-12-07): a refused hire came back 1,170 px above its message on a
    # phone; «جارٍ التنفيذ» with nothing funded; "8 days" and no date; "عمر — ★★★★★" did
    # not say whose review of whom it was
    ahmad, sara, project_id, path = _project_with_bid(app, 41)
    page = ahmad.get(path).data.decode()
    bid = re.search(r"/bids/([^/]+)/hire", page).group(1)
    hire = f"/projects/{project_id}/bids/{bid}/hire"
    assert f'<details class="confirm hire" id="hire-{bid}"' in page
    refused = _post(ahmad, hire, path, key="pp-hire-41-x", milestone_title_0="أ",
                    milestone_amount_0="10")  # fmt: skip  # $10 of a $400 bid
    assert f"{path}#hire-{bid}" == refused.headers["Location"]
    contract = _post(ahmad, hire, path, key="pp-hire-41").headers["Location"]
    assert "#" not in contract
    _post(sara, f"{contract}/answer_offer", contract, agree="yes", key="pp-accept-41")
    waiting = re.search(r'id="awaiting-funding">(.*?)<', sara.get(contract).data.decode())
    assert "بانتظار تمويل العميل للدفعة الأولى" == waiting.group(1)
    page = ahmad.get(contract).data.decode()
    assert "موِّل الدفعة الأولى ليبدأ العمل" in page
    # a walk-through (2026-12-07, later): «جارٍ التنفيذ» and a date counted from the
    # acceptance, with nothing paid in: the contract awaits funding, and has no date yet
    assert "بانتظار التمويل" == re.search(r'id="status">(.*?)<', page).group(1)
    assert 'id="due-by"' not in page
    _post(ahmad, f"{contract}/fund", contract, number="1", method="card", key="pp-fund-41")
    page = ahmad.get(contract).data.decode()
    assert "التسليم المتوقع:" in re.search(r'id="due-by">(.*?)</span>', page).group(1)
    assert "بانتظار التمويل" not in page
    _post(sara, f"{contract}/submit", contract, number="1", body="تم", key="pp-submit-41")
    _post(ahmad, f"{contract}/approve", contract, number="1", key="pp-approve-41")
    stars = {f"stars_{a.value}": "5" for a in CLIENT_ASPECTS}
    _post(ahmad, f"{contract}/review", contract, body="عمل ممتاز", key="pp-r-41", **stars)
    _post(sara, f"{contract}/review", contract, body="عميل واضح", key="pp-r2-41", stars_overall="5")
    page = sara.get(contract).data.decode()
    said = [re.sub(r"<[^>]+>", "", w) for w in re.findall(r'class="review-who">(.*?)</span>', page)]
    assert [w.index("(العميل)") < w.index("(المستقل)") for w in said] == [True, False]
    assert 'id="due-by"' not in page  # finished
    assert 'id="awaiting-funding"' not in page  # finished


def _three_milestones_first_funded(app, n):
    """ahmad, and his contract with sara in three milestones ($100, $200, $100), 1 funded."""
    ahmad, sara, project_id, path = _project_with_bid(app, n)
    bid = re.search(r"/bids/([^/]+)/hire", ahmad.get(path).data.decode()).group(1)
    plans = {"milestone_title_0": "الواجهات", "milestone_amount_0": "100",
             "milestone_title_1": "البرمجة", "milestone_amount_1": "200",
             "milestone_title_2": "النشر", "milestone_amount_2": "100"}  # fmt: skip
    hire = f"/projects/{project_id}/bids/{bid}/hire"
    contract = _post(ahmad, hire, path, key=f"pp-hire-{n}", **plans).headers["Location"]
    _post(sara, f"{contract}/answer_offer", contract, agree="yes", key=f"pp-accept-{n}")
    _post(ahmad, f"{contract}/fund", contract, number="1", method="card", key=f"pp-fund-{n}")
    return ahmad, contract


def test_a_proposal_starts_from_the_unfunded_milestones_numbered_as_they_will_be(app):
    # a walk-through (2026-12-07): "propose new unfunded milestones" opened six empty rows
    # numbered from 1, though milestone 1 was funded and 2 and 3 were there to change
    ahmad, contract = _three_milestones_first_funded(app, 42)
    page = ahmad.get(contract).data.decode()
    form = re.search(r'<details class="box propose".*?</details>', page, re.DOTALL).group(0)
    row = (r'<legend>الدفعة (\d+)</legend>\s*<input name="milestone_title_\d+" value="([^"]*)"'
           r'.*?name="milestone_amount_\d+" value="([^"]*)"')  # fmt: skip
    rows = re.findall(row, form, re.DOTALL)
    assert [("4", "البرمجة", "200.00"), ("5", "النشر", "100.00")] == rows[:2]
    assert [("6", "", ""), ("7", "", ""), ("8", "", "")] == rows[2:]  # 6 at most: 1 kept


def test_a_refused_proposal_comes_back_as_typed_not_refilled(app):
    # a hostile review (2026-12-07): a row emptied on purpose came back filled with the
    # planned milestone, so the rows no longer added up after fixing only the refusal
    ahmad, contract = _three_milestones_first_funded(app, 44)
    _post(ahmad, f"{contract}/propose", contract, key="pp-propose-44",
          milestone_title_0="الباقي كله راسلني test@example.com", milestone_amount_0="300",
          milestone_title_1="", milestone_amount_1="")  # fmt: skip
    page = ahmad.get(contract).data.decode()
    assert 'name="milestone_title_1" value=""' in page
    assert 'name="milestone_amount_1" value=""' in page


def test_a_hire_on_a_bid_edited_since_the_page_was_read_offers_nothing(app):
    # a hostile review: sara raised her bid while ahmad's page still showed $400 in 20
    # days; his "hire" offered the contract on her new terms
    ahmad, sara, project_id, path = _project_with_bid(app, 45)
    page = ahmad.get(path).data.decode()
    bid = re.search(r"/bids/([^/]+)/hire", page).group(1)
    shown = dict(re.findall(r'name="(bid_amount|bid_days)" value="(\d+)"', page))
    assert {"bid_amount": "40000", "bid_days": "20"} == shown
    _post(sara, f"/projects/{project_id}/bids/{bid}/edit", path, amount="450", days="60",
          text="أبني التطبيق بفلاتر مع لوحة تحكم ويب، وسبق أن نفذت تطبيقين.",
          answer="نفذت تطبيقين لعيادات أسنان وتطبيقًا لصالون.", key="pp-raise-45")  # fmt: skip
    token = csrf_of(page.encode())
    refused = ahmad.post(
        f"/projects/{project_id}/bids/{bid}/hire",
        data={"csrf": token, "key": "pp-hire-45", **shown},
        headers={"Referer": f"http://localhost{path}"},
    )
    assert refused.headers["Location"].endswith(f"#hire-{bid}")
    page = ahmad.get(path).data.decode()
    assert "تغيّر العرض منذ قرأته" in page
    assert "/contracts/" not in page  # no contract was offered


def test_the_project_form_names_its_fields_as_their_refusals_do_and_says_their_lengths(app):
    # a walk-through (2026-12-08): the field «التفاصيل» was refused as «وصف المشروع», with
    # no length said before
    client = app.test_client()
    log_in(client, "hind@example.com")
    form = re.search(
        r'<form method="post" action="/projects" class="box post-project".*?</form>',
        client.get("/projects").data.decode(),
        re.DOTALL,
    ).group(0)
    assert "وصف المشروع" in form
    assert "التفاصيل" not in form
    assert "من 30 إلى 5000 حرف" in form
    assert "من 10 إلى 120 حرف" in form
    assert 'minlength="30" maxlength="5000"' in form
