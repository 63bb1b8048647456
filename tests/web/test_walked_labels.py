"""Words and order a walk-through (2026-12-07) found wrong, each as a reader now sees it."""

from __future__ import annotations

import re

from forms import log_in

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
