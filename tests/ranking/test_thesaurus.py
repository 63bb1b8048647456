from __future__ import annotations

import pytest

from microgigs.errors import (
    EmptyNarrowerEntry,
    EmptySynonymEntry,
    InvalidText,
    InvalidType,
    NarrowerWithoutTerms,
    SynonymWithoutTerms,
)
from microgigs.l10n import translate_error
from microgigs.ranking import (
    MAX_NARROWER,
    MAX_SYNONYMS,
    MAX_TIERS,
    NO_SYNONYMS,
    ListingQuery,
    Relevance,
    Thesaurus,
    analyze,
    highlight,
    marketplace_thesaurus,
    query_terms,
    ranked,
)


def test_phrases_are_analysed_like_titles():
    thesaurus = Thesaurus([("المونتاج", "تحرير الفيديوهات"), ("سي في", "سيرتك الذاتية")])
    assert (("مونتاج",), ("حرر", "فيديو")) == thesaurus.phrases[0]
    # a query in another form of the same words is expanded alike
    assert ((("حرر", "فيديو"),),) == thesaurus.synonyms(query_terms("مونتاج"))
    assert ((("مونتاج",),), (("مونتاج",),)) == thesaurus.synonyms(query_terms("تحرير فيديو"))
    assert ((("سي",),), (("سي",),)) == thesaurus.synonyms(query_terms("السيرة الذاتية"))


def test_a_phrase_is_found_only_whole_in_the_query():
    thesaurus = Thesaurus([("مونتاج", "تحرير فيديو")])
    assert ((), ()) == thesaurus.synonyms(query_terms("تحرير مقالات"))
    assert ((), ()) == NO_SYNONYMS.synonyms(query_terms("مونتاج فيديو"))


def test_a_term_is_not_expanded_to_a_phrase_holding_it():
    thesaurus = Thesaurus([("فيديو", "مقطع فيديو", "video")])
    assert ((("video",),),) == thesaurus.synonyms(("فيديو",))


def test_a_term_gets_at_most_max_synonyms():
    words = ["كلمه", "عباره", "جمله", "نص", "سطر", "فقره", "صفحه"]
    thesaurus = Thesaurus([words])
    (found,) = thesaurus.synonyms(query_terms(words[0]))
    assert MAX_SYNONYMS == len(found)


@pytest.mark.parametrize(
    ("entries", "error"),
    [
        ([()], EmptySynonymEntry),
        ([("مونتاج",)], EmptySynonymEntry),
        ([("مونتاج", "تحرير فيديو"), ("عن بعد", "اونلاين")], SynonymWithoutTerms),
        ([("مونتاج", "")], InvalidText),
        ([("مونتاج", 3)], InvalidType),
        (["مونتاج"], InvalidType),
        ("مونتاج", InvalidType),
    ],
)
def test_a_malformed_thesaurus_is_refused(entries, error):
    with pytest.raises(error):
        Thesaurus(entries)


def test_the_thesaurus_errors_say_which_entry_in_arabic_and_english():
    with pytest.raises(SynonymWithoutTerms) as caught:
        Thesaurus([("مونتاج", "تحرير فيديو"), ("عن بعد", "اونلاين")])
    assert (2, "عن بعد") == (caught.value.entry, caught.value.phrase)
    assert "entry 2" in str(caught.value)
    assert "عن بعد" in translate_error(caught.value, "ar")
    with pytest.raises(EmptySynonymEntry) as empty:
        Thesaurus([("مونتاج",)])
    assert "1" in translate_error(empty.value, "ar")


def test_the_marketplace_thesaurus_loads_and_every_entry_expands():
    thesaurus = marketplace_thesaurus()
    assert len(thesaurus.entries) > 100
    assert all(len(phrases) >= 1 for phrases in thesaurus.phrases)
    assert thesaurus is ListingQuery().thesaurus


def test_a_synonym_match_ranks_just_below_the_words_above_fewer_words():
    frequencies = {"مونتاج": 3, "حرر": 5, "فيديو": 8, "احتراف": 9}
    terms = query_terms("مونتاج احترافي")
    relevance = Relevance.of(
        terms, frequencies, Thesaurus([("مونتاج", "تحرير فيديو")]).synonyms(terms)
    )
    word = relevance.rank(analyze("مونتاج احترافي"), 300)
    synonym = relevance.rank(analyze("تحرير الفيديو الاحترافي"), 500)
    fewer = relevance.rank(analyze("مونتاج سريع"), 500)
    assert word is not None
    assert synonym is not None
    assert fewer is not None
    assert word > synonym > fewer
    assert relevance.rank(analyze("تحرير مقالات"), 500) is None  # part of the phrase
    # a listing holding the word and the synonym is in the word's tier
    assert relevance.tier_of(analyze("مونتاج وتحرير فيديو احترافي")) == relevance.tier_of(
        analyze("مونتاج احترافي")
    )


def test_a_listing_matching_one_word_by_a_synonym_holding_another_is_in_the_larger_tier():
    # «سوشيال ميديا» ← «تواصل اجتماعي»: both query terms matched by the phrase
    terms = query_terms("سوشيال ميديا")
    synonyms = Thesaurus([("سوشيال ميديا", "التواصل الاجتماعي")]).synonyms(terms)
    frequencies = dict.fromkeys([*terms, *analyze("تواصل اجتماعي")], 3)
    relevance = Relevance.of(terms, frequencies, synonyms)
    both = relevance.tier_of(analyze("إدارة مواقع التواصل الاجتماعي"))
    one = relevance.tier_of(analyze("ميديا بلان"))
    assert both is not None
    assert one is not None
    assert set(terms) == relevance.tiers[both].matched
    assert set(analyze("ميديا")) == relevance.tiers[one].matched
    assert both < one
    # no tier asks for a set of terms no listing can be in
    assert all(tier.present for tier in relevance.tiers)


def test_tiers_are_capped_keeping_every_tier_of_the_words():
    terms = ("a", "b", "c", "d", "e")
    synonyms = tuple(((f"{term}1",), (f"{term}2",)) for term in terms)
    frequencies = {t: 5 for term in terms for t in (term, f"{term}1", f"{term}2")}
    relevance = Relevance.of(terms, frequencies, synonyms)
    assert MAX_TIERS == len(relevance.tiers)
    assert 31 == sum(1 for tier in relevance.tiers if not tier.synonyms)
    plain = Relevance.of(terms, frequencies)
    assert len(plain.tiers) == 31


def test_the_reference_ranking_finds_a_synonym_within_reach():
    terms = query_terms("مونتاج")
    relevance = Relevance.of(
        terms, {"مونتاج": 1, "حرر": 1, "فيديو": 2}, marketplace_thesaurus().synonyms(terms)
    )
    found = ranked(
        [
            (analyze("تحرير فيديو"), 500, "B", "video-editing"),
            (analyze("مونتاج"), 300, "A", "video-editing"),
            (analyze("فيديو موشن"), 500, "C", "motion-graphics"),
        ],
        relevance,
    )
    assert ["A", "B"] == [service for _rank, service in found]


def test_highlight_marks_a_synonym_phrase_only_when_the_title_holds_all_of_it():
    marked = highlight("تحرير الفيديوهات باحتراف", "مونتاج")
    assert ["تحرير", "الفيديوهات"] == [piece for piece, hit in marked if hit]
    assert [] == [piece for piece, hit in highlight("تحرير المقالات", "مونتاج") if hit]
    mine = Thesaurus([("مونتاج", "قص فيديو")])
    assert ["قص", "فيديو"] == [p for p, hit in highlight("قص فيديو وتحرير", "مونتاج", mine) if hit]
    assert [] == [p for p, hit in highlight("تحرير فيديو", "مونتاج", NO_SYNONYMS) if hit]


def test_a_broader_phrase_finds_its_narrower_phrases_never_the_reverse():
    thesaurus = Thesaurus(
        [("سوشيال ميديا", "تواصل اجتماعي")],
        narrower=[("سوشيال ميديا", ("انستقرام", "فيسبوك", "سوشيال ميديا"))],
    )
    social = (("تواصل", "اجتماع"), ("انستقرام",), ("فيسبوك",))
    assert (social, social) == thesaurus.synonyms(query_terms("سوشيال ميديا"))
    # a phrase equivalent to the broader one is expanded to its narrower phrases too
    assert ((("سوشيال", "ميد"), *social[1:]),) * 2 == thesaurus.synonyms(
        query_terms("التواصل الاجتماعي")
    )
    assert ((),) == thesaurus.synonyms(query_terms("انستقرام"))
    assert ((), ()) == thesaurus.synonyms(query_terms("فيسبوك ميديا"))


def test_a_narrower_match_ranks_below_the_words_and_their_synonyms():
    thesaurus = Thesaurus([], narrower=[("تعليم", ("رياضيات", "فيزياء"))])
    terms = query_terms("تعليم")
    frequencies = dict.fromkeys([*terms, *analyze("رياضيات فيزياء")], 3)
    relevance = Relevance.of(terms, frequencies, thesaurus.synonyms(terms))
    own = relevance.tier_of(analyze("تعليم الرياضيات"))
    narrower = relevance.tier_of(analyze("دروس رياضيات"))
    assert own is not None
    assert narrower is not None
    assert own < narrower
    assert relevance.reach(narrower) < relevance.reach(own)  # bounded like a synonym


def test_a_term_gets_at_most_max_narrower_phrases_after_its_synonyms():
    words = [
        f"{word}" for word in ("ا", "ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر", "ز", "س", "ش")
    ]
    narrower = [f"كلمه{letter}{letter}" for letter in words]
    thesaurus = Thesaurus([("تعليم", "تدريس")], narrower=[("تعليم", narrower)])
    (found,) = thesaurus.synonyms(query_terms("تعليم"))
    assert 1 + MAX_NARROWER == len(found)
    assert found[0] == query_terms("تدريس")


@pytest.mark.parametrize(
    ("narrower", "error"),
    [
        ([("تعليم", ())], EmptyNarrowerEntry),
        ([("تعليم", ("التعليم",))], EmptyNarrowerEntry),
        ([("عن بعد", ("رياضيات",))], NarrowerWithoutTerms),
        ([("تعليم", ("رياضيات", "في"))], NarrowerWithoutTerms),
        ([("تعليم", "رياضيات")], InvalidType),
        ([("تعليم",)], InvalidType),
        (["تعليم"], InvalidType),
        ([{"broader": "تعليم"}], InvalidType),
        ([("تعليم", (3,))], InvalidType),
        ([(3, ("رياضيات",))], InvalidType),
        ([("تعليم", ("",))], InvalidText),
        ("تعليم", InvalidType),
    ],
)
def test_a_malformed_narrower_entry_is_refused(narrower, error):
    with pytest.raises(error):
        Thesaurus([], narrower=narrower)


def test_the_narrower_errors_say_which_entry_in_arabic_and_english():
    with pytest.raises(NarrowerWithoutTerms) as caught:
        Thesaurus([], narrower=[("تعليم", ("رياضيات",)), ("برمجة", ("عن بعد",))])
    assert (2, "عن بعد") == (caught.value.entry, caught.value.phrase)
    assert "narrower entry 2" in str(caught.value)
    assert "عن بعد" in translate_error(caught.value, "ar")
    with pytest.raises(EmptyNarrowerEntry) as empty:
        Thesaurus([], narrower=[("تعليم", ())])
    assert "تعليم" in translate_error(empty.value, "ar")
    assert "مدخل التفريع" in translate_error(empty.value, "ar")


def test_the_marketplace_thesaurus_holds_one_way_entries_by_section():
    thesaurus = marketplace_thesaurus()
    assert len(thesaurus.narrower) > 20
    (social, media) = thesaurus.synonyms(query_terms("سوشيال ميديا"))
    assert query_terms("انستقرام") in social
    assert query_terms("انستقرام") in media
    assert not any(
        query_terms("فيسبوك") in phrases for phrases in thesaurus.synonyms(query_terms("انستقرام"))
    )
    assert Thesaurus.by_section(
        {"x": [["أ ب", "ج د"], {"broader": "تعليم", "narrower": ["رياضيات"]}]}
    ).narrower == (("تعليم", ("رياضيات",)),)
