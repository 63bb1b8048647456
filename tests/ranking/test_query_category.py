"""The query's category: which category a text query is about, and how it orders results."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from microgigs.ranking import (
    CATEGORY_REACH,
    CATEGORY_SHARE,
    Level,
    ListingQuery,
    Relevance,
    Thesaurus,
    query_category,
    ranked,
    search_terms,
)

LOGO = {"شعار": {"logo-design": 9, "motion-graphics": 1}}


def test_the_category_most_holders_of_the_words_are_in():
    assert "logo-design" == query_category(["شعار"], LOGO)


def test_each_word_has_one_vote_shared_by_its_holders_categories():
    # شرك is spread over four categories: شعار's logo-design wins
    counts = {
        **LOGO,
        "شرك": {"logo-design": 2, "wordpress": 2, "business-cards": 2, "presentations": 2},
    }
    assert "logo-design" == query_category(["شعار", "شرك"], counts)
    # a word held by many services has no more say than one held by a few
    counts = {"صمم": {"ui-ux": 900, "book-covers": 100}, "غلاف": {"book-covers": 5}}
    assert "book-covers" == query_category(["صمم", "غلاف"], counts)


def test_no_category_when_none_stands_out():
    spread = {"صمم": {f"c{n}": 1 for n in range(4)}}  # a quarter each, below 3/10
    assert CATEGORY_SHARE == Fraction(3, 10)
    assert query_category(["صمم"], spread) is None
    assert query_category(["غير"], {}) is None  # no listing holds the word
    assert query_category([], LOGO) is None


def test_a_tie_gives_no_category():
    counts = {"ترجم": {"translation": 3}, "بطاق": {"business-cards": 3}}
    assert query_category(["ترجم", "بطاق"], counts) is None
    # three categories of a third each pass the share, but none stands out
    spread = {"يوتيوب": {"translation": 1, "writing": 1, "video-editing": 1}}
    assert query_category(["يوتيوب"], spread) is None
    assert "video-editing" == query_category(
        ["يوتيوب"], {"يوتيوب": {"translation": 1, "writing": 1, "video-editing": 2}}
    )


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.dictionaries(st.sampled_from(["x", "y", "z", "w"]), st.integers(0, 50)),
    )
)
def test_the_query_category_does_not_depend_on_the_words_order(counts):
    terms = list(counts)
    assert query_category(terms, counts) == query_category(terms[::-1], counts)
    found = query_category(terms, counts)
    assert found is None or any(counts[t].get(found, 0) > 0 for t in terms)


def test_levels_keep_every_word_first_then_the_category():
    relevance = Relevance.of(("صمم", "شعار"), {"صمم": 4, "شعار": 3}, category="logo-design")
    assert [
        Level(0),
        Level(1, in_category=True),
        Level(2, in_category=True),
        Level(None, in_category=True),
    ] == list(relevance.levels[:4])
    assert [Level(1, in_category=False), Level(2, in_category=False)] == list(relevance.levels[4:])
    # one word: its tier within the category, the category's others, then elsewhere
    single = Relevance.of(("شعار",), {"شعار": 3}, category="logo-design")
    assert (
        Level(0, in_category=True),
        Level(None, in_category=True),
        Level(0, in_category=False),
    ) == single.levels
    assert CATEGORY_REACH == single.reach(1)
    assert single.pivot(1) is None
    # no category: a level a tier, as before
    plain = Relevance.of(("صمم", "شعار"), {"صمم": 4, "شعار": 3})
    assert tuple(Level(n) for n in range(3)) == plain.levels


def test_a_rank_places_a_listing_by_its_words_and_its_category():
    relevance = Relevance.of(("شعار",), {"شعار": 2}, category="logo-design")
    holds, other = search_terms("شعار بسيط"), search_terms("هوية بصرية")
    in_logo = relevance.rank(holds, 300, "logo-design") or 0
    elsewhere = relevance.rank(holds, 499, "motion-graphics") or 0
    the_rest = relevance.rank(other, 499, "logo-design") or 0
    assert in_logo > the_rest > elsewhere
    assert relevance.rank(other, 499, "translation") is None


def test_the_category_level_looks_among_the_categorys_best_rated_only():
    relevance = Relevance.of(("شعار",), {"شعار": 1}, category="logo-design")
    others = [
        (search_terms("هوية بصرية"), 300 + n, f"L{n:03d}", "logo-design")
        for n in range(CATEGORY_REACH + 5)
    ]
    logo = (search_terms("شعار"), 100, "S", "logo-design")
    found = [service for _rank, service in ranked([logo, *others], relevance)]
    assert "S" == found[0]
    # then the category's first CATEGORY_REACH by rating (S, rated lowest, is not one of
    # them): the five rated lowest are not found
    assert 1 + CATEGORY_REACH == len(found)
    assert {f"L{n:03d}" for n in range(5)}.isdisjoint(found)
    # a listing holding the word is never in the category's level, within its reach or not
    rated = [(search_terms("شعار"), 999, "T", "logo-design"), *others]
    assert 1 + CATEGORY_REACH - 1 == len(ranked(rated, relevance))


def test_a_category_filter_turns_the_querys_category_off():
    counts = {"شعار": {"logo-design": 3}}
    assert "logo-design" == ListingQuery(text="شعار").relevance({"شعار": 3}, counts).category
    filtered = ListingQuery(text="شعار", category_id="logo-design")  # type: ignore[arg-type]
    assert filtered.relevance({"شعار": 3}, counts).category is None


def test_a_listing_matching_by_a_way_past_max_tiers_is_not_the_categorys_other():
    # five words each with a synonym: more ways than MAX_TIERS tiers; a listing holding
    # four synonyms matches the query though no tier is made for it
    words = ("alpha", "beta", "gamma", "delta", "eps")
    thesaurus = Thesaurus([(w, f"{w}x") for w in words])
    query = ListingQuery(text=" ".join(words), thesaurus=thesaurus)
    relevance = query.relevance(dict.fromkeys(query.searched_terms, 1), None)
    relevance = Relevance.of(
        query.terms, relevance.frequencies, query.synonyms, category="logo-design"
    )
    synonyms = search_terms("alphax betax gammax deltax")
    assert relevance.tier_of(synonyms) is None
    assert relevance.level_of(synonyms, "logo-design") is None
    assert relevance.level_of(search_terms("kappa"), "logo-design") is not None
