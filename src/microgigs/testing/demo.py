"""Demo data for hosts and examples: a month of a small Arabic marketplace, every status.

:func:`load_demo` plays a month through the façade's use cases, moving the marketplace's
:class:`~microgigs.clock.ManualClock` from ``start`` to 30 days later and ticking every day:
six sellers with 24 services in 22 categories (one waiting for review, one paused), four
buyers, orders in every status (completed and reviewed, auto-accepted, modified,
disputed and resolved, cancelled late, declined, cancelled by agreement, waiting for
instructions, in progress, late, delivered, disputed, asking for cancellation), requests
with offers, inquiries and a paid withdrawal; in project mode, open projects with bids,
one waiting for review and a contract whose milestone is funded and submitted. The same
start gives the same marketplace.

>>> from datetime import UTC, datetime
>>> from microgigs import KHAMSAT, ManualClock, UlidGenerator
>>> from microgigs.marketplace import Marketplace
>>> from microgigs.payments import FakeGateway
>>> from microgigs.storage import MemoryStorage
>>> clock = ManualClock(datetime(2026, 10, 1, tzinfo=UTC))
>>> market = Marketplace(MemoryStorage("USD"), clock, UlidGenerator(clock, seed=1), KHAMSAT,
...                      FakeGateway())
>>> demo = load_demo(market, clock)
>>> len(demo.sellers), len(demo.services), len(demo.orders)
(6, 24, 27)
>>> sorted({status.value for status in demo.statuses().values()})  # doctest: +NORMALIZE_WHITESPACE
['awaiting_acceptance', 'awaiting_instructions', 'cancelled', 'completed', 'disputed',
 'in_progress']
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

import attrs

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.clock import ManualClock
from microgigs.ids import CategoryId, ContractId, MemberId, OrderId, ProjectId, RequestId, ServiceId
from microgigs.marketplace import Marketplace, NewUpgrade
from microgigs.members import PayoutMethod
from microgigs.money import Money
from microgigs.orders import OrderEvent, OrderStatus
from microgigs.projects import ProjectStatus

__all__ = ["ADMIN_ID", "BUYERS", "DEMO_DAYS", "SELLERS", "Demo", "load_demo"]

ADMIN_ID: Final = MemberId("staff")
"""The id of the demo's administrator (an actor, not a registered member)."""
DEMO_DAYS: Final = 30
"""How many days the demo plays; the clock ends ``DEMO_DAYS`` after ``start``."""
_ADMIN: Final = Actor.admin(ADMIN_ID)
_DAY: Final = timedelta(days=1)
_HOUR: Final = timedelta(hours=1)

SELLERS: Final = (
    ("sara_designs", "سارة", "الأحمد", "مصممة هويات بصرية منذ ثماني سنوات."),
    ("khaled_dev", "خالد", "العلي", "مطوّر مواقع ومتاجر وتطبيقات."),
    ("noura_writes", "نورة", "القحطاني", "كاتبة ومترجمة ومدققة لغوية."),
    ("omar_voice", "عمر", "السيد", "معلّق صوتي ومونتير فيديو."),
    ("reem_marketing", "ريم", "الزهراني", "مسوّقة رقمية وخبيرة سيو."),
    ("yousef_studio", "يوسف", "حسن", "مصمم داخلي ومعلّم خصوصي."),
)
"""Username, first name, family name and bio of each demo seller."""
BUYERS: Final = (
    ("ahmad", "أحمد", "خالد"),
    ("layla", "ليلى", "يوسف"),
    ("hind", "هند", "العلي"),
    ("tariq", "طارق", "السيد"),
)
"""Username, first name and family name of each demo buyer."""

# (category, title, base price in dollars, delivery days, upgrades, tags), four per seller
_SERVICES: Final = (
    ("logo-design", "تصميم شعار احترافي لشركتك", 5, 2, 3, ("شعار", "هوية")),
    ("business-cards", "تصميم بطاقة أعمال أنيقة", 5, 1, 1, ("بطاقات",)),
    ("social-media-design", "تصميم منشورات سوشيال ميديا لمدة شهر", 25, 5, 2, ("سوشيال",)),
    ("photo-editing", "إزالة خلفية الصور", 5, 1, 0, ("فوتوشوب",)),
    ("wordpress", "إنشاء موقع ووردبريس متكامل", 50, 5, 2, ("ووردبريس", "موقع")),
    ("ecommerce-stores", "إنشاء متجر إلكتروني على سلة", 50, 5, 1, ("متجر", "سلة")),
    ("mobile-apps", "برمجة تطبيق جوال أندرويد", 50, 5, 0, ("تطبيق",)),
    ("excel", "إعداد جداول إكسل احترافية", 10, 2, 1, ("إكسل",)),
    ("translation", "ترجمة مقال من الإنجليزية إلى العربية", 5, 2, 2, ("ترجمة",)),
    ("articles", "كتابة مقال حصري متوافق مع السيو", 10, 3, 1, ("مقالات", "سيو")),
    ("proofreading", "تدقيق لغوي ونحوي للنصوص", 5, 1, 0, ("تدقيق",)),
    ("cv-writing", "تصميم سيرة ذاتية احترافية", 10, 2, 1, ("سيرة ذاتية",)),
    ("voice-over", "تعليق صوتي احترافي بالفصحى", 10, 2, 2, ("تعليق صوتي",)),
    ("video-editing", "مونتاج فيديوهات يوتيوب", 15, 3, 1, ("مونتاج", "يوتيوب")),
    ("presentations", "تصميم عرض تقديمي بوربوينت", 10, 2, 1, ("عروض",)),
    ("data-entry", "إدخال بيانات بسرعة ودقة", 5, 1, 0, ("بيانات",)),
    ("seo", "تحسين ظهور موقعك في محركات البحث", 25, 5, 1, ("سيو",)),
    ("ads-campaigns", "إدارة حملات إعلانية على فيسبوك", 25, 3, 1, ("إعلانات",)),
    ("social-media-management", "إدارة حسابات التواصل الاجتماعي", 25, 5, 0, ("إدارة",)),
    ("business-plans", "إعداد دراسة جدوى لمشروعك", 50, 5, 1, ("جدوى",)),
    ("school-subjects", "دروس خصوصية في الرياضيات", 10, 1, 0, ("دروس",)),
    ("interior-design", "تصميم داخلي لغرف النوم", 50, 5, 2, ("تصميم داخلي",)),
    ("photo-editing", "تعديل الصور بالفوتوشوب", 5, 1, 1, ("فوتوشوب",)),
    ("video-editing", "مونتاج فيديو احترافي", 15, 3, 2, ("مونتاج",)),
)
_DESIGN: Final = ("مرحبًا، الاسم «نخلة» والألوان أخضر وذهبي.", "أرجو تكبير الخط قليلًا")
_WRITING: Final = (
    "مرحبًا، النص في الملف المرفق، وأريده بأسلوب رسمي.",
    "أرجو مراجعة الفقرة الثانية، فالمعنى غير دقيق.",
)
_BRIEF: Final = (
    "مرحبًا، إليك ما أحتاجه بالتفصيل في الملف المرفق.",
    "أرجو تعديل ما ذكرته في رسالتي الأولى.",
)
_BRIEFS: Final[dict[CategoryId, tuple[str, str]]] = {
    **dict.fromkeys(map(CategoryId, ("logo-design", "business-cards", "social-media-design",
                                     "cv-writing", "presentations", "interior-design")), _DESIGN),
    **dict.fromkeys(map(CategoryId, ("translation", "articles", "proofreading")), _WRITING),
    CategoryId("photo-editing"): ("مرحبًا، الصور في الملف المرفق: أريد الخلفية بيضاء.",
                                  "أرجو إبقاء الظل تحت المنتج."),
    CategoryId("data-entry"): ("مرحبًا، البيانات في ملف PDF المرفق، وأريدها في جدول إكسل.",
                               "أرجو إضافة عمود لأرقام الهواتف."),
    CategoryId("excel"): ("مرحبًا، أريد جدولًا للمبيعات الشهرية مع مجموع لكل شهر.",
                          "أرجو إضافة رسم بياني للمجموع."),
    **dict.fromkeys(map(CategoryId, ("video-editing", "voice-over")),
                    ("مرحبًا، المادة في الرابط داخل الملف المرفق، ومدتها خمس دقائق.",
                     "أرجو خفض صوت الموسيقى قليلًا.")),
    **dict.fromkeys(map(CategoryId, ("wordpress", "ecommerce-stores", "mobile-apps")),
                    ("مرحبًا، المتطلبات والشعار في الملف المرفق.",
                     "أرجو تغيير لون الأزرار إلى لون الشعار.")),
}  # fmt: skip
"""What a demo buyer writes to start an order of a category, and asks to change in it (a
walk-through: a translation's buyer asked for "another colour")."""
_UPGRADES: Final = (
    ("تسليم ملفات المصدر", 10, 0),
    ("ملف بدقة عالية للطباعة", 5, 0),
    ("نسخة إضافية", 5, 1),
)
_DESCRIPTION: Final = (
    "أقدم لك هذه الخدمة باحترافية عالية وتسليم في الموعد، مع تعديلات مجانية حتى ترضى تمامًا "
    "عن النتيجة. أرسل لي التفاصيل بعد الطلب وسأبدأ فورًا."
)
# (the order's story, the day it is bought, how many orders tell it)
_STORIES: Final = (
    ("reviewed", 2, 6),
    ("auto_accepted", 8, 2),
    ("modified", 12, 2),
    ("resolved", 10, 1),
    ("cancelled_late", 14, 1),
    ("declined", 18, 1),
    ("cancelled_by_agreement", 20, 1),
    ("reviewed", 22, 3),
    ("late", 24, 1),
    ("delivered", 28, 2),
    ("modification_asked", 27, 1),
    ("disputed", 27, 1),
    ("asking_cancellation", 29, 1),
    ("in_progress", 29, 2),
    ("awaiting_instructions", 29, 2),
)
_STARS: Final = (5, 5, 4, 5, 3, 5, 4, 5, 5, 4, 5)
# (client, category, title, description, budget bracket, story)
_PROJECTS: Final = (
    (
        "ahmad",
        "logo-design",
        "هوية بصرية كاملة لمقهى جديد في جدة",
        "شعار وألوان وخطوط ولافتة المدخل وأكواب القهوة، بطابع عصري دافئ يناسب الشباب.",
        3,
        "open",
    ),
    (
        "layla",
        "wordpress",
        "موقع ووردبريس لعيادة أسنان مع حجز المواعيد",
        "موقع بالعربية والإنجليزية فيه صفحات الخدمات والأطباء ونموذج لحجز المواعيد.",
        2,
        "open",
    ),
    (
        "hind",
        "translation",
        "ترجمة كتيب تعريفي لشركة من الإنجليزية إلى العربية",
        "كتيب من عشرين صفحة عن خدمات شركة لوجستية، بلغة عربية سليمة ومصطلحات دقيقة.",
        1,
        "hired",
    ),
    (
        "tariq",
        "video-editing",
        "مونتاج سلسلة فيديوهات تعليمية لقناة يوتيوب",
        "عشر حلقات مدة كل منها عشر دقائق، مع مقدمة وخاتمة وترجمة نصية بالعربية.",
        2,
        "awaiting_review",
    ),
)
_SKILLS: Final = {
    "logo-design": "هوية بصرية",
    "wordpress": "ووردبريس",
    "translation": "ترجمة",
    "video-editing": "مونتاج",
}
# (project title, freelancer, amount in dollars, delivery days)
_BIDS: Final = (
    ("هوية بصرية كاملة لمقهى جديد في جدة", "sara_designs", 300, 10),
    ("هوية بصرية كاملة لمقهى جديد في جدة", "yousef_studio", 420, 14),
    ("موقع ووردبريس لعيادة أسنان مع حجز المواعيد", "khaled_dev", 200, 12),
    ("ترجمة كتيب تعريفي لشركة من الإنجليزية إلى العربية", "noura_writes", 80, 5),
)


@attrs.define
class Demo:
    """The demo's cast: who is who, which services, which orders (by story).

    ``services`` lists every published service; the last waits for review and the one
    before it is paused.
    """

    market: Marketplace
    sellers: dict[str, MemberId] = attrs.Factory(dict)
    buyers: dict[str, MemberId] = attrs.Factory(dict)
    services: list[ServiceId] = attrs.Factory(list)
    orders: dict[OrderId, str] = attrs.Factory(dict)
    projects: dict[ProjectId, str] = attrs.Factory(dict)
    """Each project by its story: ``open``, ``awaiting_review`` or ``hired``."""
    contracts: list[ContractId] = attrs.Factory(list)

    def project_statuses(self) -> dict[ProjectId, ProjectStatus]:
        """Each demo project's status now."""
        return {
            project_id: self.market.project_page(_ADMIN, project_id).project.status
            for project_id in self.projects
        }

    def statuses(self) -> dict[OrderId, OrderStatus]:
        """Each demo order's status now."""
        return {
            order_id: self.market.order(Actor.system(), order_id).status for order_id in self.orders
        }


@attrs.define
class _Player:
    """Plays the month: actions queued by moment, run in order with the clock moved."""

    demo: Demo
    clock: ManualClock
    start: datetime
    queue: list[tuple[datetime, int, Callable[[], object]]] = attrs.Factory(list)
    counter: itertools.count[int] = attrs.Factory(itertools.count)

    @property
    def market(self) -> Marketplace:
        return self.demo.market

    def key(self) -> str:
        return f"demo-{next(self.counter)}"

    def usd(self, dollars: int) -> Money:
        return Money(dollars * 100, self.market.policy.currency)

    def at(self, day: float, action: Callable[[], object]) -> None:
        moment = self.start + timedelta(days=day)
        heapq.heappush(self.queue, (moment, next(self.counter), action))

    def run(self) -> None:
        ticked = self.start

        def tick_until(moment: datetime) -> None:
            nonlocal ticked
            while ticked + _DAY <= moment:
                ticked += _DAY
                self.clock.set(ticked)
                self.market.tick()

        while self.queue:
            moment, _, action = heapq.heappop(self.queue)
            tick_until(moment)
            self.clock.set(moment)
            action()
        tick_until(self.start + DEMO_DAYS * _DAY)

    # --- the cast ------------------------------------------------------------------------

    def cast(self) -> None:
        m = self.market
        for username, first, family, bio in SELLERS:
            seller = self.member(username, first, family)
            self.demo.sellers[username] = seller
            actor = Actor.member(seller)
            m.update_profile(actor, bio=bio, key=self.key())
            m.set_payout_methods(
                actor, [PayoutMethod.paypal(f"{username}@paypal.example")], key=self.key()
            )
        for username, first, family in BUYERS:
            buyer = self.member(username, first, family)
            self.demo.buyers[username] = buyer
            m.top_up(Actor.member(buyer), self.usd(400), lg.Gateway.CARD, key=self.key())
        sellers = list(self.demo.sellers.values())
        for number, (category, title, price, days, upgrades, tags) in enumerate(_SERVICES):
            owner = Actor.member(sellers[number // 4])
            service = m.publish_service(
                owner,
                category_id=CategoryId(category),
                title=title,
                description=f"{title}. {_DESCRIPTION}",
                instructions="أرسل لي التفاصيل والأمثلة.",
                base_price=self.usd(price),
                delivery_days=days,
                upgrades=[
                    NewUpgrade(name, self.usd(cost), extra)
                    for name, cost, extra in _UPGRADES[:upgrades]
                ],
                tags=tags,
                key=self.key(),
            ).id
            self.demo.services.append(service)
            if number < len(_SERVICES) - 1:  # the last waits in the moderation queue
                m.moderate_service(_ADMIN, service, key=self.key())
        m.pause_service(Actor.member(sellers[-1]), self.demo.services[-2], key=self.key())

    def member(self, username: str, first: str, family: str) -> MemberId:
        member = self.market.register_member(
            username=username,
            email=f"{username}@example.com",
            first_name=first,
            family_name=family,
            key=self.key(),
        )
        self.market.verify_email(member, key=self.key())
        return member

    # --- the orders ----------------------------------------------------------------------

    def stories(self) -> None:
        buyers = [Actor.member(b) for b in self.demo.buyers.values()]
        selling = self.demo.services[:-2]  # the last two are paused and waiting for review
        number = 0
        for story, day, count in _STORIES:
            for _ in range(count):
                buyer = buyers[number % len(buyers)]
                service = selling[(number * 7) % len(selling)]
                stars = _STARS[number % len(_STARS)]
                play = functools.partial(self.order, buyer, service, story, stars, day)
                self.at(day + number % 3 * 0.1, play)
                number += 1

    def order(self, buyer: Actor, service_id: ServiceId, story: str, stars: int, day: int) -> None:
        m = self.market
        service = m.service(Actor.system(), service_id)
        chosen = [u.id for u in service.upgrades[: stars % 3]]
        m.add_to_cart(buyer, service_id, upgrade_ids=chosen, key=self.key())
        (order,) = m.checkout(buyer, key=self.key())
        self.demo.orders[order] = story
        seller = Actor.member(service.seller_id)
        if story == "awaiting_instructions":
            return
        if story == "declined":
            m.decline(seller, order, "لا أستطيع تنفيذ الطلب هذا الأسبوع", key=self.key())
            return
        brief, change = _BRIEFS.get(service.category_id, _BRIEF)
        m.send_message(buyer, order, brief, key=self.key())
        if story in {"in_progress", "late"}:
            return
        if story == "cancelled_late":
            self.at(
                day + service.delivery_days + 1, lambda: m.cancel_late(buyer, order, key=self.key())
            )
            return
        if story in {"cancelled_by_agreement", "asking_cancellation"}:
            m.request_cancellation(buyer, order, "تغيرت خطتي", key=self.key())
            if story == "cancelled_by_agreement":
                self.at(
                    day + 0.5,
                    lambda: m.answer_cancellation(seller, order, agree=True, key=self.key()),
                )
            return
        self.at(
            day + 0.6,
            lambda: self.delivered(
                buyer, seller, order, story=story, stars=stars, day=day, change=change
            ),
        )

    def delivered(
        self,
        buyer: Actor,
        seller: Actor,
        order: OrderId,
        *,
        story: str,
        stars: int,
        day: int,
        change: str,
    ) -> None:
        """The delivery, then what the story does with it; ``change`` is what is asked."""
        m = self.market
        m.deliver(seller, order, "إليك العمل كاملًا، بانتظار رأيك.", ["العمل.zip"], key=self.key())
        if story == "modified":
            m.request_modification(buyer, order, change, key=self.key())
            self.at(day + 1, lambda: m.deliver(seller, order, "تم التعديل", key=self.key()))
            self.at(day + 1.2, lambda: self.accepted(buyer, seller, order, stars))
        elif story == "modification_asked":
            m.request_modification(buyer, order, change, key=self.key())
        elif story in {"disputed", "resolved"}:
            m.report_problem(buyer, order, "العمل لا يطابق الوصف", key=self.key())
            if story == "resolved":
                refund = m.order(Actor.system(), order).quote.total.allocate([1, 4])[0]
                outcome = OrderEvent.RESOLVE_PARTIAL_REFUND
                self.at(
                    day + 2,
                    lambda: m.resolve_dispute(_ADMIN, order, outcome, refund, key=self.key()),
                )
        elif story == "reviewed":
            self.at(day + 0.8, lambda: self.accepted(buyer, seller, order, stars))
        # "auto_accepted" and "delivered" wait for the buyer (or tick after three days)

    def accepted(self, buyer: Actor, seller: Actor, order: OrderId, stars: int) -> None:
        m = self.market
        m.accept(buyer, order, key=self.key())
        comment = "عمل رائع وتسليم سريع، أنصح به" if stars >= 4 else "جيد، لكن تأخر الرد قليلًا"  # noqa: PLR2004
        review = m.review(buyer, order, stars=stars, comment=comment, key=self.key())
        m.reply(seller, review, "شكرًا لك، سعدت بالعمل معك", key=self.key())

    # --- the rest ------------------------------------------------------------------------

    def requests_and_inquiries(self) -> None:
        m = self.market
        ahmad, layla = (Actor.member(b) for b in list(self.demo.buyers.values())[:2])
        sara, khaled = (Actor.member(s) for s in list(self.demo.sellers.values())[:2])

        def shown(
            buyer: Actor, category: str, title: str, text: str, budget: Money | None
        ) -> RequestId:
            """A buyer's request, shown by the admin at once."""
            request = m.post_request(
                buyer,
                category_id=CategoryId(category),
                title=title,
                description=text,
                budget=budget,
                key=self.key(),
            )
            m.moderate_request(_ADMIN, request, key=self.key())
            return request

        def requests() -> None:
            logo = shown(
                ahmad,
                "logo-design",
                "أحتاج شعارًا متحركًا لقناتي على يوتيوب",
                "شعار متحرك بثلاث ثوانٍ لقناة عن الطبخ، بألوان دافئة ونص عربي.",
                self.usd(30),
            )
            m.make_offer(
                sara,
                logo,
                "أصمم لك شعارًا متحركًا خلال ثلاثة أيام",
                price=self.usd(25),
                delivery_days=3,
                key=self.key(),
            )
            store = shown(
                layla,
                "ecommerce-stores",
                "أريد نقل متجري من سلة إلى زد",
                "متجر فيه مئة منتج، أريد نقله مع الصور والتصنيفات كما هي.",
                None,
            )
            m.make_offer(
                khaled,
                store,
                "خدمة إنشاء المتجر تناسب طلبك",
                service_id=self.demo.services[5],
                key=self.key(),
            )

        def inquiries() -> None:
            question = m.ask(
                layla, self.demo.services[0], "هل تسلم الشعار بصيغة SVG؟", key=self.key()
            )
            m.answer_inquiry(sara, question, "نعم، مع ملفات المصدر كاملة.", key=self.key())
            m.ask(ahmad, self.demo.services[4], "كم صفحة يشمل الموقع؟", key=self.key())

        def withdrawal() -> None:  # sara's earnings paid out
            available = m.balance(lg.available(self.demo.sellers["sara_designs"]))
            if available >= m.policy.ledger.withdrawal_minimum:
                paid = m.request_withdrawal(sara, available, key=self.key())
                m.settle_withdrawal(_ADMIN, paid, paid=True, key=self.key())

        def waiting_withdrawal() -> None:  # omar's awaits the admin's payout
            omar = self.demo.sellers["omar_voice"]
            available = m.balance(lg.available(omar))
            if available >= m.policy.ledger.withdrawal_minimum:
                m.request_withdrawal(Actor.member(omar), available, key=self.key())

        self.at(25, requests)
        self.at(26, inquiries)
        self.at(21, withdrawal)
        self.at(29, waiting_withdrawal)
        self.at(24, self.projects)

    # --- project mode ----------------------------------------------------------------------

    def projects(self) -> None:
        """Projects open for bids, one waiting for review, one hired and its work submitted.

        The hired one is funded by card, so the buyers' balances stay the month's.
        """
        m = self.market
        buyers = {name: Actor.member(b) for name, b in self.demo.buyers.items()}
        sellers = {name: Actor.member(s) for name, s in self.demo.sellers.items()}
        posted: dict[str, ProjectId] = {}
        for client, category, title, description, bracket, story in _PROJECTS:
            project = m.post_project(
                buyers[client],
                category_id=CategoryId(category),
                title=title,
                description=description,
                bracket=bracket,
                duration_days=14,
                skills=(_SKILLS[category],),
                questions=("ما أعمالك السابقة القريبة من هذا المشروع؟",),
                key=self.key(),
            )
            posted[title] = project
            self.demo.projects[project] = story
            if story != "awaiting_review":
                m.moderate_project(_ADMIN, project, key=self.key())
        for title, seller, dollars, days in _BIDS:
            m.place_bid(
                sellers[seller],
                posted[title],
                amount=self.usd(dollars),
                delivery_days=days,
                text="أنفذ المشروع باحترافية وأسلمه قبل الموعد، مع تعديلات حتى ترضى.",
                answers=("نفذت مشاريع مشابهة كثيرة، وأرسل لك نماذج منها عند الطلب.",),
                key=self.key(),
            )
        hired = next(p for p, story in self.demo.projects.items() if story == "hired")
        page = m.project_page(buyers["hind"], hired)
        contract = m.hire_bid(buyers["hind"], hired, page.bids[0].bid.id, key=self.key())
        self.demo.contracts.append(contract)
        noura = sellers["noura_writes"]
        m.answer_offer(noura, contract, accept=True, key=self.key())
        m.fund_milestone(buyers["hind"], contract, 1, lg.Gateway.CARD, key=self.key())
        m.submit_milestone(noura, contract, 1, "الترجمة كاملة مع المراجعة.", key=self.key())


def load_demo(market: Marketplace, clock: ManualClock) -> Demo:
    """Play the demo month on ``market``, whose clock is ``clock``; return the cast.

    The clock moves from its current time to ``DEMO_DAYS`` days later. Load it into an
    empty store: usernames are unique, so a second load is refused.
    """
    player = _Player(Demo(market), clock, clock.now())
    player.cast()
    player.stories()
    player.requests_and_inquiries()
    player.run()
    return player.demo
