"""What a contract page links as a milestone's files: only files kept for that contract.

The JSON API records a submission's ``attachments`` as the freelancer sends them, so a
freelancer could name any address there; the page links only this contract's kept files
(as an order's page links only ``/files/`` addresses), never a script or another site.
"""

from __future__ import annotations

import html
import io
import re

from forms import bearer, flashed
from test_contract_money import _accepted, _offer
from test_project_offers import offered, project  # noqa: F401 (fixtures)
from test_projects import client_of, post

from microgigs.actors import Actor
from microgigs.ids import ContractId, MemberId


def test_a_submission_sent_by_the_api_links_no_script_and_no_other_site(app, host, offered):  # noqa: F811
    ahmad, path, contract_id = offered["ahmad"], offered["path"], offered["id"]
    staff = Actor.admin(MemberId("staff"))
    first = host.market.contract_page(staff, ContractId(contract_id)).contract.milestones[0]
    post(ahmad, f"{path}/fund", path, number=str(first.number), method="card", key="fund-api")
    api = app.test_client()
    khaled = {"Authorization": f"Bearer {bearer(api, 'khaled_dev@example.com')}"}
    given = [
        "javascript:alert(document.cookie)",
        "https://evil.example/invoice.exe",
        "//evil.example/invoice.exe",
        f"/files/contracts/{contract_id}/0123456789ab/invoice.pdf",
    ]
    sent = api.post(
        "/api/v1/commands/submit_milestone",
        headers=khaled,
        json={"contract_id": contract_id, "number": first.number, "note": "تم",
              "attachments": given},
    )  # fmt: skip
    assert 200 == sent.status_code, sent.json
    page = ahmad.get(path).data.decode()
    assert 'href="javascript:' not in page
    assert 'href="https://evil.example' not in page
    assert 'href="//evil.example' not in page
    assert f'href="{given[3]}"' in page  # this contract's own address is still a link


def test_a_file_named_with_a_hash_or_a_question_mark_downloads(host, offered):  # noqa: F811
    khaled, ahmad, path, contract_id = (
        offered["khaled"], offered["ahmad"], offered["path"], offered["id"]
    )  # fmt: skip
    staff = Actor.admin(MemberId("staff"))
    second = host.market.contract_page(staff, ContractId(contract_id)).contract.milestones[1]
    post(ahmad, f"{path}/fund", path, number=str(second.number), method="card", key="fund-2")
    token = re.search(rb'name="csrf" value="([^"]+)"', khaled.get(path).data).group(1).decode()
    khaled.post(
        f"{path}/submit",
        data={"csrf": token, "number": str(second.number), "body": "النسخة الأولى",
              "key": "submit-2", "files": [(io.BytesIO(b"PK"), "تقرير #1 ?100%.zip")]},
        content_type="multipart/form-data",
    )  # fmt: skip
    page = ahmad.get(path).data.decode()
    hrefs = re.findall(rf'href="(/files/contracts/{contract_id}/[^"]+\.zip)"', page)
    assert 1 == len(hrefs)
    downloaded = ahmad.get(html.unescape(hrefs[0]))  # as a browser follows the link
    assert (200, b"PK") == (downloaded.status_code, downloaded.get_data())
    assert "%20#1%20%3F100%25.zip" in downloaded.headers["Content-Disposition"]  # as given
    downloaded.close()


def test_an_earlier_submissions_files_stay_listed_with_its_note(app, host):
    # after changes were asked and the milestone sent again without files, the first
    # submission's file was no longer on the page: each note lists its own files
    made = _offer(app, host, "files-history")
    ahmad, path, khaled = made["ahmad"], made["path"], client_of(app, "khaled_dev@example.com")
    post(khaled, f"{path}/answer_offer", path, agree="yes", key="files-history-accept")
    post(ahmad, f"{path}/fund", path, number="1", method="card", key="files-history-fund")
    token = re.search(rb'name="csrf" value="([^"]+)"', khaled.get(path).data).group(1).decode()
    khaled.post(
        f"{path}/submit",
        data={"csrf": token, "number": "1", "body": "النسخة الأولى", "key": "files-history-1",
              "files": [(io.BytesIO(b"%PDF"), "الدليل.pdf")]},
        content_type="multipart/form-data",
    )  # fmt: skip
    post(ahmad, f"{path}/changes", path, number="1", body="كبّر الخط", key="files-history-2")
    post(khaled, f"{path}/submit", path, number="1", body="الثانية", key="files-history-3")
    page = ahmad.get(path).data.decode()
    notes = re.findall(r'id="note-1-\d".*?</div>', page, re.DOTALL)
    assert 3 == len(notes)
    assert "الدليل.pdf" in html.unescape(notes[0])  # the first submission's, still there
    assert "الدليل.pdf" not in html.unescape(notes[2])  # the second sent none
    first = re.search(r'href="(/files/contracts/[^"]+)"', notes[0]).group(1)
    downloaded = ahmad.get(html.unescape(first))  # listed, so it downloads, as the latest
    assert (200, b"%PDF") == (downloaded.status_code, downloaded.get_data())
    downloaded.close()


def _send_with_file(client, path, action, *, number, body, key, file):
    name, data = file
    token = re.search(rb'name="csrf" value="([^"]+)"', client.get(path).data).group(1).decode()
    return client.post(
        f"{path}/{action}",
        data={"csrf": token, "number": number, "body": body, "key": key,
              "files": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
        headers={"Referer": f"http://localhost{path}"},
    )  # fmt: skip


def test_both_sides_add_their_word_and_files_to_a_dispute_and_the_admin_reads_them(app, host):
    # a walk-through: the admin decided on the client's words alone, the freelancer unheard
    ahmad, khaled, path = _accepted(app, host, "dispute-note")
    post(ahmad, f"{path}/fund", path, number="1", method="card", key="dispute-note-fund")
    post(ahmad, f"{path}/dispute", path, number="1", body="لم يبدأ العمل", key="dispute-note-d")
    page = khaled.get(path).data.decode()
    assert f'action="{path}/dispute_note"' in page
    form = page[page.index(f'action="{path}/dispute_note"') :].split("</form>")[0]
    assert 'type="file"' in form
    assert "<textarea" in form
    answered = _send_with_file(
        khaled, path, "dispute_note", number="1", body="بدأت العمل وهذه المسودة",
        key="dispute-note-a", file=("المسودة.pdf", b"%PDF-draft"),
    )  # fmt: skip
    assert (303, path) == (answered.status_code, answered.headers["Location"])
    assert ["أُضيف ردك إلى النزاع"] == [m.split("؛")[0] for m in flashed(khaled.get(path).data)]
    post(ahmad, f"{path}/dispute_note", path, number="1", body="المسودة فارغة",
         key="dispute-note-c")  # fmt: skip
    admin = client_of(app, "admin@example.com")
    seen = admin.get(path).data.decode()
    notes = [html.unescape(n) for n in re.findall(r'id="note-1-\d".*?</div>', seen, re.DOTALL)]
    assert ["فتح نزاع", "رد في النزاع", "رد في النزاع"] == [
        re.search(r"<small>([^·<]+)", n).group(1).strip() for n in notes
    ]
    assert "بدأت العمل وهذه المسودة" in notes[1]
    assert "المسودة فارغة" in notes[2]
    href = re.search(r'href="(/files/contracts/[^"]+)"', notes[1]).group(1)
    downloaded = admin.get(href)
    assert (200, b"%PDF-draft") == (downloaded.status_code, downloaded.get_data())
    downloaded.close()
    assert f'action="{path}/dispute_note"' not in seen  # the admin decides, with a reason
    assert f'action="{path}/resolve"' in seen
    api, contract_id = app.test_client(), path.rsplit("/", 1)[-1]
    khaled_token = {"Authorization": f"Bearer {bearer(api, 'khaled_dev@example.com')}"}
    sent = api.post(
        "/api/v1/commands/add_dispute_note",
        headers=khaled_token,
        json={"contract_id": contract_id, "number": 1, "note": "وأرفقت سجل الرسائل"},
    )
    assert 200 == sent.status_code, sent.json
    shown = api.get(f"/api/v1/contracts/{contract_id}", headers=khaled_token).json
    history = shown["contract"]["milestones"][0]["history"]
    assert [("disputed", False), ("disputed", True), ("disputed", True), ("disputed", True)] == [
        (n["status"], n["added_to_dispute"]) for n in history
    ]
    assert "add_dispute_note" in shown["next_commands"]


def test_one_side_cannot_rename_or_hide_the_other_sides_file(app, host):
    # a hostile review: the freelancer recorded the client's stored file under another name
    # (the API takes an attachment as text) in an earlier milestone's submission, and the
    # client's own link to it was 404 for the admin deciding the dispute
    ahmad, _khaled, path = _accepted(app, host, "renamed")
    contract_id = path.rsplit("/", 1)[-1]
    for number in ("1", "2"):
        post(ahmad, f"{path}/fund", path, number=number, method="card", key=f"renamed-f{number}")
    post(ahmad, f"{path}/dispute", path, number="2", body="لم يبدأ العمل", key="renamed-d")
    sent = _send_with_file(
        ahmad, path, "dispute_note", number="2", body="هذا الدليل", key="renamed-n",
        file=("evidence.pdf", b"%PDF-evidence"),
    )  # fmt: skip
    assert 303 == sent.status_code
    admin = client_of(app, "admin@example.com")
    page = admin.get(path).data.decode()
    href = html.unescape(re.search(r'href="(/files/contracts/[^"]+evidence\.pdf)"', page).group(1))
    stored = href.split("/")[4]
    api = app.test_client()
    khaled = {"Authorization": f"Bearer {bearer(api, 'khaled_dev@example.com')}"}
    renamed = f"/files/contracts/{contract_id}/{stored}/mine.zip"
    answer = api.post(
        "/api/v1/commands/submit_milestone",
        headers=khaled,
        json={"contract_id": contract_id, "number": 1, "note": "تم", "attachments": [renamed]},
    )
    assert 200 == answer.status_code, answer.json
    genuine = admin.get(href)
    assert (200, b"%PDF-evidence") == (genuine.status_code, genuine.get_data())
    genuine.close()
    assert 404 == admin.get(renamed).status_code  # the client's file, not the freelancer's


def test_a_file_sent_in_a_contracts_conversation_downloads_for_both_sides(app, host):
    # a hostile review (2026-12-07): the file was kept and linked, and its link was a 404
    ahmad, khaled, path = _accepted(app, host, "conversation-file")
    sent = _send_with_file(
        ahmad, path, "message", number="", body="هذه تفاصيل المطلوب", key="conversation-file-m",
        file=("المطلوب.txt", b"brief"),
    )  # fmt: skip
    assert (303, path) == (sent.status_code, sent.headers["Location"])
    for reader in (ahmad, khaled, client_of(app, "admin@example.com")):
        page = reader.get(path).data.decode()
        conversation = page.split('id="conversation"', 1)[1]
        href = re.search(r'href="(/files/contracts/[^"]+)"', conversation).group(1)
        downloaded = reader.get(href)
        assert (200, b"brief") == (downloaded.status_code, downloaded.get_data())
        downloaded.close()
