"""Words and order a walk-through (2026-12-07) found wrong, each as a reader now sees it."""

from __future__ import annotations

import re

import pytest
from forms import log_in

from microgigs.actors import Actor
from microgigs.ids import CategoryId
from microgigs.projects import ContractStatus
from microgigs.ranking import ListingQuery, Ordering


def test_the_sellers_services_table_names_its_columns(app):
    sara = app.test_client()
    log_in(sara, "sara_designs@example.com")
    page = sara.get("/dashboard").data.decode()
    table = re.search(r'<table class="list" id="my-services"><thead>(.*?)</thead>', page).group(1)
    assert ["الخدمة", "الحالة", "السعر الأساسي", "التطويرات", "إجراءات"] == re.findall(
        r"<th>(.*?)</th>", table
    )


def test_a_service_with_sales_and_no_review_is_not_called_new(app, host):
    listed = host.market.search(ListingQuery(ordering=Ordering.BEST_SELLING, limit=100)).listings
    sold = next(s for s in listed if s.sales and not s.rating_count)
    unsold = next(s for s in listed if not s.sales and not s.rating_count)
    page = app.test_client().get("/search?ordering=best_selling").data.decode()

    def card(listing):
        return re.search(rf'href="/services/{listing.service_id}">.*?</a>', page, re.DOTALL)

    assert "لا تقييمات بعد" in card(sold).group(0)
    assert "خدمة جديدة" in card(unsold).group(0)


def test_a_budgets_lower_amount_is_read_first_in_both_languages(app):
    arabic, english = app.test_client(), app.test_client()
    english.get("/lang/en?next=/")
    for client, isolate in ((arabic, "\u2067"), (english, "\u2066")):
        page = client.get("/projects").data.decode()
        options = re.search(
            r'<select name="bracket"><option value="">.*?</select>', page, re.DOTALL
        )
        first = re.findall(r"<option value=\"0\"[^>]*>(.*?)</option>", options.group(0))[0]
        assert first.startswith(isolate + "\u2066")  # the range in the page's direction
        low, high = (re.sub(r"[^\d.]", "", a) for a in first.split(" – "))
        assert float(low) < float(high)


def test_a_project_under_review_is_sent_not_posted_and_a_late_contract_says_so(app, host):
    hind = app.test_client()
    log_in(hind, "hind@example.com")
    client = Actor.member(host.market.profile_by_username("hind").member_id)
    now = host.market.clock.now()
    past = [
        c
        for c in host.market.my_contracts(client)
        if c.status is ContractStatus.ACTIVE
        and c.expected_by is not None
        and c.expected_by < now
        and host.market.contract_page(client, c.id).funded.minor
    ]
    assert past  # the demo's contract of hind's is past its days, its work submitted
    for contract in past:  # late only while the work is owed (a walk-through, 2026-12-08)
        page = hind.get(f"/contracts/{contract.id}").data.decode()
        marked = '<span class="late" id="late">متأخر</span>' in page
        assert contract.late(now) == marked
        assert 'id="due-by"' in page
    assert not all(c.late(now) for c in past)  # submitted on time: the client's move
    ahmad = app.test_client()
    log_in(ahmad, "ahmad@example.com")
    buyer = Actor.member(host.market.profile_by_username("ahmad").member_id)
    host.market.post_project(
        buyer,
        category_id=CategoryId("logo-design"),
        title="مشروع بانتظار المراجعة",
        description="وصف مشروع ينتظر مراجعة فريق الموقع قبل أن يُنشر للمستقلين.",
        bracket=1,
        duration_days=10,
    )
    mine = ahmad.get("/projects/mine").data.decode()
    row = re.search(r"مشروع بانتظار المراجعة.*?</tr>", mine, re.DOTALL).group(0)
    assert "أُرسل في" in row
    assert "نُشر في" not in row


def test_a_service_page_says_how_many_times_a_service_may_be_ordered(app, host):
    listing = host.market.search(ListingQuery(limit=1)).listings[0]
    page = app.test_client().get(f"/services/{listing.service_id}").data.decode()
    most = host.market.policy.catalog.quantity_max
    rule = re.search(r'id="quantity-rule">(.*?)</small>', page).group(1)
    assert f"من 1 إلى {most}" == rule
    assert f'max="{most}"' in page


def test_a_site_names_its_time_zone_or_refuses_to_start(host, monkeypatch):
    from app import create_app  # noqa: PLC0415 (the example's module, from its folder)

    monkeypatch.setenv("MICROGIGS_TIME_ZONE", "Africa/Cairo")
    page = create_app(host, testing=True).test_client().get("/").data.decode()
    assert "الأوقات كلها بتوقيت مصر." in page
    monkeypatch.setenv("MICROGIGS_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="MICROGIGS_TIME_ZONE"):
        create_app(host, testing=True)
