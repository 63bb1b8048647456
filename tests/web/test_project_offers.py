"""Project mode in the web host, the rest of issue 19: private offers, milestone proposals,
files with a submission, the admins' disputed contracts and bids removed by moderation.

On the demo month: ahmad posts a project the admin approves; from khaled_dev's profile he
sends khaled a private offer in two milestones, which khaled accepts on the contract page;
khaled proposes three milestones instead, ahmad agrees; khaled submits the first with
files that only the parties and admins download; ahmad disputes it and the admin finds it
on the admin page; the admin removes sara's bid.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from forms import bearer, flashed, log_in
from test_projects import DESCRIPTION, client_of, member_id, post

from microgigs.actors import Actor
from microgigs.ids import ContractId, MemberId

TITLE = "متجر إلكتروني لبيع الكتب المستعملة مع بوابة دفع"


@pytest.fixture(scope="module")
def project(app):
    ahmad = client_of(app, "ahmad@example.com")
    answer = post(
        ahmad, "/projects", title=TITLE, category="mobile-apps", description=DESCRIPTION,
        bracket="3", duration="30", visibility="public", hires="2", key="post-offer",
    )  # fmt: skip
    path = answer.headers["Location"]
    project_id = path.rsplit("/", 1)[-1]
    post(client_of(app, "admin@example.com"), f"/admin/projects/{project_id}", "/admin",
         key="approve-offer", decision="approve")  # fmt: skip
    return {"id": project_id, "path": path, "ahmad": ahmad}


@pytest.fixture(scope="module")
def offered(app, host, project):
    """A private offer from ahmad to khaled, in two milestones, accepted."""
    khaled_id = member_id(host, "khaled_dev")
    ahmad = project["ahmad"]
    profile = f"/members/{khaled_id}"
    answer = post(
        ahmad, f"{profile}/offer", profile, project=project["id"], amount="450", days="20",
        milestone_title_0="الواجهات", milestone_amount_0="150",
        milestone_title_1="البرمجة", milestone_amount_1="300", key="offer-1",
    )  # fmt: skip
    assert 303 == answer.status_code
    path = answer.headers["Location"]
    assert path.startswith("/contracts/")
    khaled = client_of(app, "khaled_dev@example.com")
    post(khaled, f"{path}/answer_offer", path, agree="yes", key="accept-offer")
    return {"path": path, "id": path.rsplit("/", 1)[-1], "khaled": khaled, "ahmad": ahmad}


def test_a_client_offers_a_contract_from_a_freelancers_profile(app, host, project):
    khaled_id = member_id(host, "khaled_dev")
    ahmad, profile = project["ahmad"], f"/members/{khaled_id}"
    page = ahmad.get(profile).data.decode()
    assert "خالد" in page
    assert f'action="{profile}/offer"' in page
    assert f'<option value="{project["id"]}"' in page  # his open project, to choose
    # its budget first (a phone cuts the end of a long title), which the amount must lie in
    # (each amount left to right, the range right to left: the lower read first, as on a
    # card; a walk-through read «500 – 250»)
    bracket = "\u2067\u2066250.00\xa0US$\u2069 – \u2066500.00\xa0US$\u2069\u2069"
    assert f"{bracket} · {TITLE}</option>" in page
    english = app.test_client()
    log_in(english, "ahmad@example.com")
    english.get("/lang/en")
    assert "Send a private offer" in english.get(profile).data.decode()
    # nobody logged in, the freelancer himself and a member without open projects: no form
    for reader in (app.test_client(), client_of(app, "khaled_dev@example.com")):
        assert "/offer" not in reader.get(profile).data.decode()
    assert 404 == ahmad.get("/members/no-such-member").status_code
    # bad values: a 400 or a translated refusal, and no contract
    before = len(host.market.my_contracts(Actor.member(member_id(host, "ahmad"))))
    bad = post(ahmad, f"{profile}/offer", profile, project=project["id"], amount="1e9", days="5")
    assert 303 == bad.status_code
    [message] = flashed(ahmad.get(profile).data)
    assert "المبلغ: لم نفهم «1e9»" in message
    wrong = post(
        ahmad, f"{profile}/offer", profile, project=project["id"], amount="450", days="20",
        milestone_title_0="الواجهات", milestone_amount_0="100",
    )  # fmt: skip
    assert profile == wrong.headers["Location"]
    assert 1 == len(flashed(ahmad.get(profile).data))  # the milestones must add up to $450
    assert 303 == post(
        ahmad, f"{profile}/offer", profile, project=project["id"], amount="450", days="20",
        milestone_title_0="الواجهات", milestone_amount_0="x",
    ).status_code  # fmt: skip
    [message] = flashed(ahmad.get(profile).data)
    assert "مبلغ الدفعة 1: لم نفهم «x»" in message
    after = len(host.market.my_contracts(Actor.member(member_id(host, "ahmad"))))
    assert before == after


def test_an_offer_is_answered_replanned_submitted_disputed_and_read_by_the_api(
    app, host, project, offered
):
    # one journey, its steps in order: each builds on the one before (the proposal makes the
    # milestones the submission funds; the dispute is on that submission), so they run in
    # one test, never split between two test workers
    the_freelancer_answers_a_private_offer_on_the_contract_page(app, offered)
    milestones_are_proposed_by_one_side_and_accepted_by_the_other(offered)
    the_freelancer_submits_with_files_only_the_parties_and_admins_download(app, host, offered)
    the_admin_finds_a_disputed_contract_and_removes_a_bid(app, host, project, offered)
    the_json_api_sends_an_offer_and_shows_a_proposal_and_files(app, host, project, offered)


def the_freelancer_answers_a_private_offer_on_the_contract_page(app, offered):
    page = offered["khaled"].get(offered["path"]).data.decode()
    assert "قبلت العقد" in page
    assert "الواجهات" in page
    assert "البرمجة" in page
    assert 403 == client_of(app, "sara_designs@example.com").get(offered["path"]).status_code


def milestones_are_proposed_by_one_side_and_accepted_by_the_other(offered):
    khaled, ahmad, path = offered["khaled"], offered["ahmad"], offered["path"]
    form = "propose"
    assert f'action="{path}/{form}"' in khaled.get(path).data.decode()
    wrong = post(khaled, f"{path}/{form}", path, milestone_title_0="كل شيء",
                 milestone_amount_0="100", key="propose-wrong")  # fmt: skip
    assert 303 == wrong.status_code
    assert 1 == len(flashed(khaled.get(path).data))  # not the $450 left to plan
    post(
        khaled, f"{path}/{form}", path,
        milestone_title_0="الواجهات", milestone_amount_0="100",
        milestone_title_1="البرمجة", milestone_amount_1="200",
        milestone_title_2="الاختبار والنشر", milestone_amount_2="150", key="propose-1",
    )  # fmt: skip
    mine = khaled.get(path).data.decode()
    assert "أُرسل اقتراحك" in mine
    assert "answer_proposal" not in mine  # one does not answer one's own proposal
    page = ahmad.get(path).data.decode()
    proposal = re.search(r'id="proposal">(.*?)</section>', page, re.DOTALL).group(1)
    assert "الاختبار والنشر" in proposal
    assert f'action="{path}/answer_proposal"' in proposal
    post(ahmad, f"{path}/answer_proposal", path, agree="yes", key="agree-1")
    page = ahmad.get(path).data.decode()
    assert "وافقت على الدفعات المقترحة" in page
    assert 'id="proposal"' not in page
    assert 3 == page.count('class="box milestone"')
    assert "الاختبار والنشر" in page


def the_freelancer_submits_with_files_only_the_parties_and_admins_download(app, host, offered):
    khaled, ahmad, path = offered["khaled"], offered["ahmad"], offered["path"]
    staff, contract_id = Actor.admin(MemberId("staff")), ContractId(offered["id"])
    # the agreed proposal's milestones are numbered on: 3, 4 and 5
    first, second = (
        m.number for m in host.market.contract_page(staff, contract_id).contract.milestones[:2]
    )
    post(ahmad, f"{path}/fund", path, number=str(first), method="card", key="fund-offer-1")
    folder = host.files / "contracts" / offered["id"]
    script = b"<script>alert(document.cookie)</script>"

    def submit(who, number, key):
        token = re.search(rb'name="csrf" value="([^"]+)"', who.get(path).data).group(1).decode()
        return who.post(
            f"{path}/submit",
            data={
                "csrf": token, "number": str(number), "body": "الواجهات جاهزة", "key": key,
                "files": [(io.BytesIO(script), "واجهات.html"), (io.BytesIO(b"PK"), "src.zip")],
            },
            content_type="multipart/form-data",
        )  # fmt: skip

    for who, number in ((ahmad, first), (khaled, second)):  # not his to submit; not funded
        assert 303 == submit(who, number, f"refused-{number}").status_code
        assert flashed(who.get(path).data)
        assert [] == sorted(folder.glob("*"))  # a refused submission keeps no files
    assert 303 == submit(khaled, first, "submit-files").status_code
    contract = host.market.contract_page(staff, contract_id).contract
    files = contract.milestones[0].files
    assert 2 == len(files)
    page = ahmad.get(path).data.decode()
    assert f'href="{quote(files[0])}"' in page  # the address, percent-encoded
    assert "واجهات.html" in page
    answer = ahmad.get(files[0])
    assert 200 == answer.status_code
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert "nosniff" == answer.headers["X-Content-Type-Options"]
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    assert script == answer.get_data()
    answer.close()
    admin = client_of(app, "admin@example.com")
    downloaded = admin.get(files[1])
    assert (200, b"PK") == (downloaded.status_code, downloaded.get_data())
    downloaded.close()
    assert 403 == client_of(app, "sara_designs@example.com").get(files[0]).status_code
    assert 303 == app.test_client().get(files[0]).status_code  # to the log-in page
    stored_at = files[0].rsplit("/", 1)[0]
    assert 404 == ahmad.get(f"{stored_at}/other.html").status_code
    assert 404 == ahmad.get(f"/files/contracts/{offered['id']}/000000000000/x.zip").status_code


def the_admin_finds_a_disputed_contract_and_removes_a_bid(app, host, project, offered):
    ahmad, path = offered["ahmad"], offered["path"]
    admin = client_of(app, "admin@example.com")
    assert offered["id"] not in admin.get("/admin").data.decode()
    post(ahmad, f"{path}/dispute", path, number="3", body="الواجهات ناقصة", key="dispute-1")
    queue = admin.get("/admin").data.decode()
    disputes = re.search(r'id="contract-disputes">(.*?)</section>', queue, re.DOTALL).group(1)
    assert f'href="{path}"' in disputes
    assert TITLE in disputes
    english = client_of(app, "admin@example.com")
    english.get("/lang/en")
    assert "Contracts in dispute" in english.get("/admin").data.decode()
    # a decision moves money at once: each is asked again, as an order's is; and what a
    # screen reader says of each field is in the page's language
    contract_page = admin.get(path).data.decode()
    for resolution in ("release", "refund", "split"):
        assert f'id="confirm-resolve-3-{resolution}"' in contract_page
    assert 'aria-label="refund"' not in contract_page
    assert 'aria-label="reason"' not in queue
    # each field is named by a visible label, not a placeholder that typing hides (WCAG 3.3.2)
    split = re.search(r'id="confirm-resolve-3-split".*?</details>', contract_page, re.DOTALL)
    assert re.search(r"<label>[^<]*للعميل[^<]*<input name=\"client_refund\"", split.group(0))
    assert re.search(r"<label>[^<]+<textarea name=\"body\"", split.group(0))
    assert "placeholder=" not in split.group(0)
    # a split's amount is the client's: its refusal says so (it said «للمشتري», the buyer)
    post(admin, f"{path}/resolve", path, number="3", resolution="split", client_refund="abc",
         key="split-abc")  # fmt: skip
    said = flashed(admin.get(path).data)
    assert any("المبلغ المُعاد للعميل" in m for m in said), said
    why = "لم يُسلَّم العمل المتفق عليه في الدفعة الثالثة"
    post(admin, f"{path}/resolve", path, number="3", resolution="refund", body=why,
         key="refund-1")  # fmt: skip
    assert offered["id"] not in admin.get("/admin").data.decode()
    # both sides read why the site team decided so (a walk-through found no word of it)
    assert why in ahmad.get(path).data.decode()
    # a bid removed by moderation; its credit goes back to the freelancer
    sara = client_of(app, "sara_designs@example.com")
    post(sara, f"/projects/{project['id']}/bids", project["path"], amount="400", days="20",
         text="أبني المتجر بووكومرس مع بوابة دفع محلية.", key="bid-sara")  # fmt: skip
    page = admin.get(project["path"]).data.decode()
    removal = re.search(r'action="(/projects/[^"]+/bids/[^"]+/remove)"', page)
    assert removal is not None
    assert "/remove" not in ahmad.get(project["path"]).data.decode()  # the client does not
    assert 303 == post(sara, removal.group(1), project["path"], key="self-remove").status_code
    assert flashed(sara.get(project["path"]).data)  # refused: not hers to remove
    post(admin, removal.group(1), project["path"], key="remove-1")
    assert "حُذف العرض وأُعيد رصيده" in admin.get(project["path"]).data.decode()
    bids = host.market.project_page(Actor.admin(MemberId("staff")), project["id"]).bids
    assert ["removed"] == [v.bid.status.value for v in bids if v.bid.amount.amount == 400]
    bids = host.market.project_page(Actor.member(member_id(host, "ahmad")), project["id"]).bids
    assert [] == [v for v in bids if v.bid.amount.amount == 400]  # taken down: not the client's


def the_json_api_sends_an_offer_and_shows_a_proposal_and_files(app, host, project, offered):
    api = app.test_client()
    ahmad = {"Authorization": f"Bearer {bearer(api, 'ahmad@example.com')}"}
    noura = {"Authorization": f"Bearer {bearer(api, 'noura_writes@example.com')}"}
    sent = api.post(
        "/api/v1/commands/send_offer",
        headers=ahmad,
        json={
            "project_id": project["id"],
            "freelancer_id": member_id(host, "noura_writes"),
            "amount": "300.00 USD",
            "delivery_days": 10,
            "milestones": [{"title": "المحتوى", "amount": "300.00 USD"}],
        },
    )
    assert 200 == sent.status_code, sent.json
    path = f"/api/v1/contracts/{sent.json['result']}"
    assert ["answer_offer"] == api.get(path, headers=noura).json["next_commands"]
    command = {"contract_id": sent.json["result"]}
    api.post("/api/v1/commands/answer_offer", headers=noura, json={**command, "accept": True})
    proposal = [
        {"title": "المسودة", "amount": "100.00 USD"},
        {"title": "النهائي", "amount": "200.00 USD"},
    ]
    proposed = api.post(
        "/api/v1/commands/propose_milestones",
        headers=noura,
        json={**command, "milestones": proposal},
    )
    assert 200 == proposed.status_code, proposed.json
    answer = api.get(path, headers=ahmad).json
    assert proposal == answer["contract"]["proposal"]
    assert member_id(host, "noura_writes") == answer["contract"]["proposed_by"]
    assert "answer_proposal" in answer["next_commands"]
    # the offered contract's submission, with the files the web form kept
    khaled = {"Authorization": f"Bearer {bearer(api, 'khaled_dev@example.com')}"}
    shown = api.get(f"/api/v1/contracts/{offered['id']}", headers=khaled).json
    files = [f for m in shown["contract"]["milestones"] for f in m["files"]]
    assert 2 == len(files)
    assert files[0].startswith(f"/files/contracts/{offered['id']}/")


def test_a_members_page_shows_their_services_and_their_record(app, host):
    # a walk-through (2026-12-07): a bidder's profile showed a name and a bio, none of
    # their services, ratings or completed projects, so a client could not judge them
    sara = member_id(host, "sara_designs")
    on_sale = host.market.member_page(sara).services
    assert on_sale
    page = app.test_client().get(f"/members/{sara}").data.decode()  # anyone, logged out too
    for listing in on_sale:
        assert f'href="/services/{listing.service_id}"' in page
    assert "★" in re.search(r'id="services-rating">(.*?)</strong>', page).group(1)
    assert re.search(r'id="projects-completed">\d+</strong>', page)
