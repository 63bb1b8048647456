"""An order's page holds its conversation's latest messages, and links to the earlier ones.

A hostile review (2026-12-07): 2,000 messages in one order made its page 83 MB, read
whole for every view and every file download. A file sent long ago still downloads.
"""

from __future__ import annotations

import io
import re

from forms import bearer, csrf_of, log_in

from microgigs.actors import Actor
from microgigs.ids import OrderId
from microgigs.marketplace import MESSAGES_PAGE
from microgigs.orders import OrderStatus


def test_an_order_page_shows_the_latest_messages_and_links_the_earlier(app, host):
    ahmad = app.test_client()
    log_in(ahmad, "ahmad@example.com")
    buyer = Actor.member(host.market.profile_by_username("ahmad").member_id)
    order = host.market.orders_of(buyer, OrderStatus.IN_PROGRESS)[0]
    path = f"/orders/{order.id}"
    sent = ahmad.post(
        f"{path}/message",
        data={"csrf": csrf_of(ahmad.get(path).data), "body": "الملف الأول",
              "files": [(io.BytesIO(b"PK"), "first.zip")]},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert 303 == sent.status_code
    for n in range(MESSAGES_PAGE):
        host.market.send_message(buyer, OrderId(order.id), f"متابعة {n}")
    latest = ahmad.get(path).data.decode()
    assert "الملف الأول" not in latest
    assert f"متابعة {MESSAGES_PAGE - 1}" in latest
    earlier = re.search(r'id="earlier-messages">\s*<a href="([^"]+)"', latest).group(1)
    older = ahmad.get(path + earlier.replace("&amp;", "&").split("#")[0]).data.decode()
    assert "الملف الأول" in older
    assert "أحدث الرسائل" in older
    link = re.search(rf'href="(/files/{order.id}/[^"]+first\.zip)"', older).group(1)
    downloaded = ahmad.get(link)
    assert (200, b"PK") == (downloaded.status_code, downloaded.get_data())
    downloaded.close()
    api = app.test_client()
    token = {"Authorization": f"Bearer {bearer(api, 'ahmad@example.com')}"}
    answer = api.get(f"/api/v1{path}", headers=token).json
    assert (MESSAGES_PAGE, True) == (len(answer["messages"]), answer["earlier"] is not None)
    before = api.get(f"/api/v1{path}?before={answer['earlier']}", headers=token).json
    assert "الملف الأول" in [m["body"] for m in before["messages"]]
    assert 404 == api.get(f"/api/v1{path}?before=nothing", headers=token).status_code
