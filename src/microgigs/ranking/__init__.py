"""Ranking: Arabic-aware search analysis, reviews, seller levels and service ordering."""

from microgigs.policy import SellerLevel
from microgigs.ranking._levels import (
    CriterionResult,
    Evaluation,
    LevelCheck,
    SellerMetrics,
    check,
    evaluate,
    grant_professional,
    measure,
    next_evaluation,
    remove_professional,
)
from microgigs.ranking._listing import (
    Listing,
    ListingPage,
    ListingQuery,
    Ordering,
    explain,
    finish_page,
    listing_for,
    matches,
    page_of,
)
from microgigs.ranking._reviews import Rating, Review
from microgigs.ranking._text import (
    STEMMERS,
    light_stem,
    normalize,
    search_terms,
    snowball_stem,
    tokens,
)

__all__ = [
    "STEMMERS",
    "CriterionResult",
    "Evaluation",
    "LevelCheck",
    "Listing",
    "ListingPage",
    "ListingQuery",
    "Ordering",
    "Rating",
    "Review",
    "SellerLevel",
    "SellerMetrics",
    "check",
    "evaluate",
    "explain",
    "finish_page",
    "grant_professional",
    "light_stem",
    "listing_for",
    "matches",
    "measure",
    "next_evaluation",
    "normalize",
    "page_of",
    "remove_professional",
    "search_terms",
    "snowball_stem",
    "tokens",
]
