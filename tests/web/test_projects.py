"""Project mode in the web host: post, review, bid, rank, hire, fund, submit, approve, review.

On the demo month: the client ahmad posts, the admin approves, sara_designs and khaled_dev
bid, ahmad hires sara in two milestones and pays them; every bad value is a 400 or a
flashed refusal and writes nothing; nobody else reads the bids or acts on the contract.
"""

from __future__ import annotations

import re

import pytest
from forms import bearer, csrf_of, flashed, log_in

from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.projects import CLIENT_ASPECTS, Resolution
from microgigs.testing.demo import ADMIN_ID

TITLE = "تطبيق جوال لحجز مواعيد عيادة أسنان"
DESCRIPTION = "تطبيق أندرويد وآيفون لحجز المواعيد مع تذكير بالرسائل ولوحة للطبيب والاستقبال."
BID = "أبني التطبيق بفلاتر مع لوحة تحكم ويب، وسبق أن نفذت تطبيقين لعيادات."


def client_of(app, email):
    client = app.test_client()
    log_in(client, email)
    return client


def post(client, path, page="/projects", **data):
    token = csrf_of(client.get(page).data)  # sent from the page, as a browser does
    return client.post(
        path, data={"csrf": token, **data}, headers={"Referer": f"http://localhost{page}"}
    )


def refused(client, action, page, said, *, anchor="", **form):
    """``form`` sent to ``action`` comes back to ``page`` (at ``anchor``) saying only ``said``."""
    answer = post(client, action, page, **form)
    messages = [m.split("؛")[0] for m in flashed(client.get(page).data)]
    back = f"{page}#{anchor}" if anchor else page
    return (303, back, [said]) == (answer.status_code, answer.headers["Location"], messages)


def member_id(host, username):
    found = host.market.members(Actor.admin(MemberId("staff")), limit=1000)
    return next(m.id for m in found if m.username == username)


def post_with_bids(app, title, n):
    """A project by ahmad, approved by the admin, with bids by sara ($400) and khaled ($480).

    ``n`` tells its keys apart from another project's.
    """
    ahmad = client_of(app, "ahmad@example.com")
    answer = post(
        ahmad,
        "/projects",
        title=title,
        category="mobile-apps",
        description=DESCRIPTION,
        bracket="3",
        duration="30",
        skills="فلاتر, تطبيقات",
        questions="ما أعمالك السابقة في التطبيقات؟",
        visibility="public",
        hires="1",
        key=f"post-{n}",
    )
    assert 303 == answer.status_code
    path = answer.headers["Location"]
    page = ahmad.get(path).data.decode()
    assert "بانتظار مراجعة الإدارة" in page
    assert title not in app.test_client().get("/projects").data.decode()  # not yet public
    assert 404 == app.test_client().get(path).status_code
    admin = client_of(app, "admin@example.com")
    queue = admin.get("/admin").data.decode()
    assert title in queue
    project_id = path.rsplit("/", 1)[-1]
    post(admin, f"/admin/projects/{project_id}", "/admin", key=f"approve-{n}", decision="approve")
    sara = client_of(app, "sara_designs@example.com")
    khaled = client_of(app, "khaled_dev@example.com")
    for who, amount, days in ((sara, "400", "20"), (khaled, "480", "28")):
        answer = post(
            who,
            f"/projects/{project_id}/bids",
            path,
            amount=amount,
            days=days,
            text=BID,
            answer="نفذت تطبيقين لعيادات أسنان وتطبيقًا لصالون.",
            key=f"bid-{n}-{amount}",
        )
        assert 303 == answer.status_code
    return {"id": project_id, "path": path, "ahmad": ahmad, "sara": sara, "khaled": khaled}


@pytest.fixture(scope="module")
def posted(app):
    """The project most tests read, bid on and edit."""
    return post_with_bids(app, TITLE, 1)


@pytest.fixture(scope="module")
def to_hire(app):
    """A project of its own for the hire: its bids as placed, whatever the others' tests did."""
    return post_with_bids(app, "تطبيق جوال لمتجر ورد مع الدفع والتوصيل", 2)


@pytest.mark.usefixtures("posted")
def test_open_projects_are_listed_filtered_and_searched_in_arabic(app):
    anonymous = app.test_client()
    listed = anonymous.get("/projects").data.decode()
    assert TITLE in listed
    assert TITLE in anonymous.get("/projects?q=تطبيقات&category=mobile-apps").data.decode()
    assert TITLE in anonymous.get("/projects?skills=فلاتر&bracket=3").data.decode()
    assert TITLE not in anonymous.get("/projects?bracket=0").data.decode()
    assert TITLE not in anonymous.get("/projects?category=logo-design").data.decode()
    # a bracket that does not exist is said, by its name, and every project is shown
    for typed, said in (("99", "لا توجد فئة «99»"), ("x", "لم نفهم «x»")):
        answer = anonymous.get(f"/projects?bracket={typed}")
        assert 400 == answer.status_code
        [message] = flashed(answer.data)
        assert "فئة الميزانية" in message
        assert said in message
        assert TITLE in answer.data.decode()


def test_a_freelancer_sees_their_bid_with_the_net_and_edits_it(posted):
    sara = posted["sara"]
    page = sara.get(posted["path"]).data.decode()
    net = re.search(r'id="net">(.*?)</strong>', page, re.DOTALL).group(1)
    assert "320.00" in net  # $400 less Mostaql's 20%
    assert "أحمد" in page  # the client's name, never the other bids
    assert "480.00" not in page
    bid_id = re.search(r"/bids/([^/]+)/edit", page).group(1)
    answer = post(
        sara,
        f"/projects/{posted['id']}/bids/{bid_id}/edit",
        posted["path"],
        amount="420",
        days="20",
        text=BID,
        answer="نفذت تطبيقين لعيادات أسنان وتطبيقًا لصالون.",
        key="edit-1",
    )
    assert 303 == answer.status_code
    page = sara.get(posted["path"]).data.decode()
    assert "عُدِّل عرضك" in page
    assert "336.00" in re.search(r'id="net">(.*?)</strong>', page, re.DOTALL).group(1)


def test_bad_bids_are_refused_in_the_readers_language_and_write_nothing(app, posted):
    khaled = posted["khaled"]
    # each message names the field and what was typed (the library refuses -5 itself)
    for amount, days, said in (
        ("1e30", "5", "المبلغ: لم نفهم «1e30»"),
        ("", "5", "المبلغ: هذا الحقل مطلوب."),
        ("450", "abc", "مدة التسليم بالأيام: لم نفهم «abc»"),
    ):
        post(khaled, f"/projects/{posted['id']}/bids", posted["path"], amount=amount, days=days)
        [message] = flashed(khaled.get(posted["path"]).data)
        assert said in message, message
    twice = post(
        khaled, f"/projects/{posted['id']}/bids", posted["path"], amount="450", days="9", text=BID,
        answer="نفذت تطبيقين لعيادات أسنان وتطبيقًا لصالون.",
    )  # fmt: skip
    assert 303 == twice.status_code
    messages = flashed(khaled.get(posted["path"]).data)
    assert 1 == len(messages)
    assert "عرض" in messages[0], messages  # one live bid per project
    noura = client_of(app, "noura_writes@example.com")
    outside = post(
        noura, f"/projects/{posted['id']}/bids", posted["path"], amount="5000", days="9", text=BID,
        answer="نفذت تطبيقين لعيادات أسنان وتطبيقًا لصالون.",
    )  # fmt: skip
    assert 303 == outside.status_code
    assert flashed(noura.get(posted["path"]).data)  # outside the bracket: flashed
    assert 404 == post(noura, f"/projects/{posted['id']}/nonsense", posted["path"]).status_code
    assert 404 == noura.get("/projects/no-such-project").status_code


def test_only_the_client_sees_the_bids_ranked_and_explained(app, posted):
    page = posted["ahmad"].get(posted["path"]).data.decode()
    assert 2 == page.count('class="box bid"')
    for factor in (
        "تقييم المستقل",
        "المبلغ ضمن الميزانية",
        "الإجابة عن الأسئلة (بعشرين حرفًا فأكثر)",
    ):
        assert 2 == page.count(factor), factor  # each bid's contributions, explained
    # cheaper and sooner ranks first: sara's bid
    first, second = page.split('class="box bid"')[1:3]
    assert "سارة الأحمد" in first.split("</h3>")[0]
    assert "480.00" in second.split("</h3>")[0]
    english = app.test_client()
    log_in(english, "ahmad@example.com")
    english.get("/lang/en")
    assert "amount within the budget" in english.get(posted["path"]).data.decode()
    khaled_page = posted["khaled"].get(posted["path"]).data.decode()
    assert 'class="box bid"' not in khaled_page
    assert "420.00" not in khaled_page  # sara's bid is hers and the client's


def test_hire_in_two_milestones_fund_submit_approve_and_review(host, to_hire):
    posted = to_hire
    ahmad, sara = posted["ahmad"], posted["sara"]
    page = ahmad.get(posted["path"]).data.decode()
    sara_bid = re.search(r"/bids/([^/]+)/hire", page).group(1)  # ranked first: cheaper, sooner
    hire = f"/projects/{posted['id']}/bids/{sara_bid}/hire"
    # back to the form, saying which field, in Arabic
    assert refused(ahmad, hire, posted["path"], "مبلغ الدفعة 1: لم نفهم «1e9»",
                   anchor=f"hire-{sara_bid}", milestone_title_0="التصميم",
                   milestone_amount_0="1e9")  # fmt: skip
    wrong = post(
        ahmad, hire, posted["path"], milestone_title_0="التصميم", milestone_amount_0="100",
        milestone_title_1="البرمجة", milestone_amount_1="100",
    )  # fmt: skip
    assert 303 == wrong.status_code
    assert f"{posted['path']}#hire-{sara_bid}" == wrong.headers["Location"]
    assert flashed(ahmad.get(posted["path"]).data)  # they must add up to the bid's $400
    answer = post(
        ahmad, hire, posted["path"], milestone_title_0="التصميم", milestone_amount_0="120",
        milestone_title_1="البرمجة", milestone_amount_1="280", key="hire-1",
    )  # fmt: skip
    assert 303 == answer.status_code
    path = answer.headers["Location"]
    assert path.startswith("/contracts/")
    contract_id = path.rsplit("/", 1)[-1]

    def act(who, action, **data):
        return post(who, f"{path}/{action}", path, **data)

    stranger = posted["khaled"]
    assert 403 == stranger.get(path).status_code
    assert 403 == act(stranger, "answer_offer", agree="yes").status_code
    act(sara, "answer_offer", agree="yes", key="accept-1")
    assert "قبلت العقد" in sara.get(path).data.decode()
    assert refused(ahmad, f"{path}/fund", path, "رقم الدفعة: لم نفهم «x»", number="x")
    assert refused(ahmad, f"{path}/fund", path, "طريقة الدفع: لا يوجد خيار «bitcoin»", number="1",
                   method="bitcoin")  # fmt: skip
    wallet = host.market.balances(Actor.member(member_id(host, "ahmad"))).wallet
    for number, amount, method in ((1, "120.00", "balance"), (2, "280.00", "card")):
        act(ahmad, "fund", number=str(number), method=method, key=f"fund-{number}")
        page = ahmad.get(path).data
        assert ["مُوِّلت الدفعة وحُجز مبلغها في الضمان"] == flashed(page)
        assert 403 == act(stranger, "submit", number=str(number), body="تم").status_code
        act(sara, "submit", number=str(number), body="إليك العمل", key=f"submit-{number}")
        act(ahmad, "approve", number=str(number), key=f"approve-{number}")
        assert "وافقت على الدفعة" in ahmad.get(path).data.decode()
        assert amount in ahmad.get(path).data.decode()
    after = host.market.balances(Actor.member(member_id(host, "ahmad"))).wallet
    assert "120.00" == str((wallet - after).amount)  # the second was paid by card
    page = ahmad.get(path).data.decode()
    assert "مكتمل" in re.search(r'id="status">(.*?)<', page).group(1)  # completed
    assert 404 == act(ahmad, "nonsense").status_code
    # no star is chosen for the reviewer: each aspect's select asks for one
    assert sorted(a.value for a in CLIENT_ASPECTS) == sorted(
        re.findall(r'<select name="stars_(\w+)" required><option value="" selected disabled>', page)
    )
    act(ahmad, "review", body="عمل ممتاز", key="review-0", stars_quality="9")
    assert flashed(ahmad.get(path).data)  # a rating out of range: nothing saved
    stars = {f"stars_{a.value}": "5" for a in CLIENT_ASPECTS}
    act(ahmad, "review", body="عمل ممتاز", key="review-1", **stars)
    assert "حُفظ تقييمك" in ahmad.get(path).data.decode()
    act(sara, "review", body="عميل واضح", key="review-2", stars_overall="5")
    page = sara.get(path).data.decode()
    # both reviews shown; the second publishes both, and says so (a walk-through read
    # "published when both sides have reviewed" after the second)
    shown = ("عمل ممتاز", "عميل واضح", "نُشر التقييمان", "حُفظ تقييمك")
    assert (True, True, True, False) == tuple(text in page for text in shown)
    mine = sara.get("/projects/mine").data.decode()
    assert contract_id in mine
    assert posted["id"] in ahmad.get("/projects/mine").data.decode()


def test_forms_without_the_csrf_token_are_refused(posted):
    answer = posted["sara"].post(f"/projects/{posted['id']}/bids", data={"amount": "400"})
    assert 403 == answer.status_code


def test_a_private_project_is_hidden_from_others(app, posted):
    ahmad = posted["ahmad"]
    # invited by username, as members know each other; an unknown one is refused, naming it
    # by the username typed (a walk-through: it said "no member with the id nobody_here")
    unknown = "لا يوجد عضو اسم المستخدم له «nobody_here»."
    assert refused(ahmad, "/projects", "/projects#post", unknown,
                   title="نظام داخلي لإدارة المخزون الخاص بنا", category="mobile-apps",
                   description=DESCRIPTION, bracket="3", duration="30", visibility="private",
                   invited="khaled_dev, nobody_here")  # fmt: skip
    answer = post(
        ahmad, "/projects", title="نظام داخلي لإدارة المخزون الخاص بنا", category="mobile-apps",
        description=DESCRIPTION, bracket="3", duration="30", visibility="private",
        invited="@Khaled_Dev", key="post-private",
    )  # fmt: skip
    path = answer.headers["Location"]
    post(client_of(app, "admin@example.com"), f"/admin/projects/{path.rsplit('/', 1)[-1]}",
         "/admin", key="approve-private", decision="approve")  # fmt: skip
    assert 404 == posted["sara"].get(path).status_code
    assert 200 == posted["khaled"].get(path).status_code
    assert "نظام داخلي" not in app.test_client().get("/projects").data.decode()
    # the invited freelancer finds it among their projects; nobody else does
    mine = posted["khaled"].get("/projects/mine").data.decode()
    assert "دعوات لتقديم عرض" in mine
    assert f'<a href="{path}">نظام داخلي لإدارة المخزون الخاص بنا</a>' in mine
    assert "نظام داخلي" not in posted["sara"].get("/projects/mine").data.decode()
    assert refused(ahmad, "/projects", "/projects", "ظهور المشروع: لا يوجد خيار «secret»",
                   anchor="post", title="نظام داخلي لإدارة المخزون الخاص بنا",
                   category="mobile-apps", description=DESCRIPTION, bracket="3", duration="30",
                   visibility="secret")  # fmt: skip


def test_the_admin_rejects_a_project_with_a_reason(app, posted):
    ahmad = posted["ahmad"]
    answer = post(
        ahmad, "/projects", title="مشروع سيُرفض لأنه مخالف للشروط", category="mobile-apps",
        description=DESCRIPTION, bracket="1", duration="5", key="post-rejected",
    )  # fmt: skip
    path = answer.headers["Location"]
    admin = client_of(app, "admin@example.com")
    post(
        admin,
        f"/admin/projects/{path.rsplit('/', 1)[-1]}",
        "/admin",
        reason="وصف غير كافٍ",
        decision="reject",
    )
    assert "وصف غير كافٍ" in ahmad.get(path).data.decode()
    assert "وصف غير كافٍ" in ahmad.get("/projects/mine").data.decode()
    project_id = path.rsplit("/", 1)[-1]
    answer = post(
        ahmad, f"/projects/{project_id}/resubmit", path, title="مشروع معدّل بعد ملاحظات الإدارة",
        category="mobile-apps", description=DESCRIPTION, bracket="1", duration="5",
        skills="فلاتر", questions="سؤال أول\nسؤال ثانٍ", key="resubmit-1",
    )  # fmt: skip
    assert 303 == answer.status_code
    page = ahmad.get(path).data.decode()
    assert "عُدِّل مشروعك وأُرسل للمراجعة مجددًا" in page
    assert "بانتظار مراجعة الإدارة" in page
    assert "مشروع معدّل بعد ملاحظات الإدارة" in admin.get("/admin").data.decode()
    terms = ahmad.get(path)  # pending again: no edit form until the next rejection
    assert b"/resubmit" not in terms.data


def test_the_json_api_reads_projects_and_contracts(app, host):
    api = app.test_client()
    listed = api.get("/api/v1/projects?q=مقهى").json["projects"]
    assert ["هوية بصرية كاملة لمقهى جديد في جدة"] == [p["title"] for p in listed]
    assert 400 == api.get("/api/v1/projects?bracket=99").status_code
    path = f"/api/v1/projects/{listed[0]['id']}"
    assert [] == api.get(path).json["bids"]  # nobody logged in: no bids
    ahmad = {"Authorization": f"Bearer {bearer(api, 'ahmad@example.com')}"}
    bids = api.get(path, headers=ahmad).json["bids"]
    assert [("300.00", "240.00"), ("420.00", "336.00")] == sorted(
        (b["amount"], b["net"]) for b in bids
    )
    assert 401 == api.get(path, headers={"Authorization": "Bearer wrong"}).status_code
    assert 404 == api.get("/api/v1/projects/no-such-project").status_code
    hind = {"Authorization": f"Bearer {bearer(api, 'hind@example.com')}"}
    [contract] = host.market.my_contracts(Actor.member(member_id(host, "hind")))
    answer = api.get(f"/api/v1/contracts/{contract.id}", headers=hind).json
    assert ("submitted", "80.00") == (
        answer["contract"]["milestones"][0]["status"],
        answer["held"],
    )
    assert "approve_milestone" in answer["next_commands"]
    submitted = answer["contract"]["milestones"][0]["history"][-1]  # what the client reads
    assert ("submitted", contract.freelancer_id, False) == (
        submitted["status"],
        submitted["author_id"],
        submitted["added_to_dispute"],
    )
    assert submitted["text"]
    assert submitted["at"].startswith("20")
    assert 403 == api.get(f"/api/v1/contracts/{contract.id}", headers=ahmad).status_code
    assert any("/api/v1/projects" in path for path in api.get("/openapi.json").json["paths"])


def test_the_json_api_names_the_side_of_each_note_and_no_admin_s_id(app, host):
    """A decision's author is "the site team" to the parties, as on the site, not an id."""
    api = app.test_client()
    hind = Actor.member(member_id(host, "hind"))
    [contract] = host.market.my_contracts(hind)
    host.market.dispute_milestone(hind, contract.id, 1, "لم يصلني الملف المتفق عليه")
    admin = Actor.admin(ADMIN_ID)
    host.market.resolve_milestone(
        admin, contract.id, 1, Resolution.RELEASE, reason="الملف وصل في التسليم"
    )
    headers = {"Authorization": f"Bearer {bearer(api, 'hind@example.com')}"}
    answer = api.get(f"/api/v1/contracts/{contract.id}", headers=headers).json
    notes = answer["contract"]["milestones"][0]["history"]
    assert [
        ("submitted", "freelancer", contract.freelancer_id),
        ("disputed", "client", contract.client_id),
        ("released", "site_team", None),
    ] == [(n["status"], n["by"], n["author_id"]) for n in notes[-3:]]
    assert str(admin.member_id) not in str(answer)


def test_a_project_form_with_bad_values_is_refused_and_posts_nothing(app, host, posted):
    ahmad = posted["ahmad"]
    before = len(host.market.my_projects(Actor.member(member_id(host, "ahmad"))))
    for form in (
        {},
        {"title": "قصير", "description": DESCRIPTION, "category": "mobile-apps", "bracket": "1"},
        {"title": TITLE, "description": DESCRIPTION, "category": "no-such", "bracket": "1"},
        {"title": TITLE, "description": DESCRIPTION, "category": "mobile-apps", "bracket": "x"},
        {"title": TITLE, "description": DESCRIPTION, "category": "mobile-apps", "duration": "٩٩٩٩"},
    ):
        answer = post(ahmad, "/projects", **{"bracket": "1", "duration": "10", **form})
        assert 303 == answer.status_code
        assert "/projects#post" == answer.headers["Location"]  # the form again, as typed
        assert 1 == len(flashed(ahmad.get("/projects").data)), form
    after = len(host.market.my_projects(Actor.member(member_id(host, "ahmad"))))
    # an empty form says every field it needs at once, in the form's order
    post(ahmad, "/projects", visibility="public")
    (said,) = flashed(ahmad.get("/projects").data)
    assert ["عنوان المشروع", "التصنيف", "وصف المشروع", "فئة الميزانية"] == [
        line.split(":")[0] for line in said.split("\n")[:4]
    ]
    assert before == after
    assert 400 == app.test_client().get("/projects?bracket=-1").status_code
    for form, said in (
        ({"hires": "-1"}, "-1"),
        ({"hires": "abc"}, "عدد المستقلين المطلوب توظيفهم: لم نفهم «abc»"),
        ({"duration": "-3"}, "-3"),
        # a walk-through (2026-12-07): an empty duration was named "delivery days"
        ({"duration": ""}, "المدة المتوقعة بالأيام: هذا الحقل مطلوب"),
    ):
        good = {"title": TITLE, "description": DESCRIPTION, "category": "mobile-apps"}
        post(ahmad, "/projects", **{"bracket": "1", "duration": "10", **good, **form})
        [message] = flashed(ahmad.get("/projects").data)
        assert said in message, message
    assert before == len(host.market.my_projects(Actor.member(member_id(host, "ahmad"))))


def test_funding_beyond_the_balance_says_so_plainly(host, app):
    """A short balance is told as the client's own, its amounts kept whole in Arabic.

    The ledger's message named the wallet's account (``wallet:01M…``) and its amounts,
    bare in Arabic text, read "$US 80.00". The hire form says the total up front.
    """
    posted = post_with_bids(app, "متجر إلكتروني للعطور مع الدفع", 3)
    ahmad, sara = posted["ahmad"], posted["sara"]
    page = ahmad.get(posted["path"]).data.decode()
    assert 'مجموعها <bdi dir="ltr" class="money">400.00\xa0US$</bdi>' in page
    sara_bid = re.search(r"/bids/([^/]+)/hire", page).group(1)
    hire = f"/projects/{posted['id']}/bids/{sara_bid}/hire"
    path = post(ahmad, hire, posted["path"], key="hire-3").headers["Location"]
    post(sara, f"{path}/answer_offer", path, agree="yes", key="accept-3")
    wallet = host.market.balances(Actor.member(member_id(host, "ahmad"))).wallet
    assert wallet.amount < 400  # the demo client cannot pay $400 from the balance
    post(ahmad, f"{path}/fund", path, number="1", method="balance", key="fund-3")
    [message] = flashed(ahmad.get(path).data)
    text = message
    assert "wallet:" not in text
    assert "في الرصيد" in text
    assert "\u2066400.00\xa0US$\u2069" in text  # its own left-to-right island


def test_an_unrated_aspect_of_a_review_is_named_as_the_form_names_it(app, host):
    # a hostile review: "stars_professionalism: هذا الحقل مطلوب." named the field, not the aspect
    [contract] = host.market.my_contracts(Actor.member(member_id(host, "hind")))
    path = f"/contracts/{contract.id}"
    hind = client_of(app, "hind@example.com")
    post(hind, f"{path}/review", path, body="عمل ممتاز", key="unrated")
    [said] = flashed(hind.get(path).data)
    # «عدد نجوم «التواصل»: هذا الحقل مطلوب.», one colon (a walk-through: it read two)
    assert said.startswith("عدد نجوم «"), said
    assert 1 == said.count(":")
    assert "stars_" not in said
