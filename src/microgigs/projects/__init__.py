"""Project mode (Mostaql, مستقل): projects, bids, bid credits, contracts and milestones.

The same members, ledger, clock and Arabic texts as the micro-services; every number comes
from the policy's ``projects`` (RULES.md §11). Pure domain: the application layer
(:mod:`microgigs.marketplace`) loads, calls and stores these, and moves the money that
a contract's :class:`Settlement` values describe.
"""

from microgigs.projects._contract import (
    CHANGE_REQUESTS_MAX,
    CLIENT_ASPECTS,
    DISPUTE_NOTES_MAX,
    Aspect,
    AspectRating,
    Contract,
    ContractReview,
    ContractStatus,
    Milestone,
    MilestoneNote,
    MilestonePlan,
    MilestoneStatus,
    Resolution,
    Settlement,
    check_plan,
)
from microgigs.projects._credits import BidCredits, next_month
from microgigs.projects._project import (
    INVITED_MAX,
    Bid,
    BidStatus,
    Project,
    ProjectStatus,
    ProjectTerms,
    Visibility,
)

__all__ = [
    "CHANGE_REQUESTS_MAX",
    "CLIENT_ASPECTS",
    "DISPUTE_NOTES_MAX",
    "INVITED_MAX",
    "Aspect",
    "AspectRating",
    "Bid",
    "BidCredits",
    "BidStatus",
    "Contract",
    "ContractReview",
    "ContractStatus",
    "Milestone",
    "MilestoneNote",
    "MilestonePlan",
    "MilestoneStatus",
    "Project",
    "ProjectStatus",
    "ProjectTerms",
    "Resolution",
    "Settlement",
    "Visibility",
    "check_plan",
    "next_month",
]
