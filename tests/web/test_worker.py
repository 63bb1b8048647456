"""The periodic worker runs ``tick`` in its own process: what falls due happens."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from microgigs import Actor, ManualClock, Money, bootstrap
from microgigs.ids import CategoryId, MemberId
from microgigs.ledger import Gateway
from microgigs.orders import OrderStatus

WORKER = Path(__file__).resolve().parents[2] / "examples" / "web" / "worker.py"


def test_the_worker_accepts_a_delivery_left_unanswered(tmp_path):
    db = str(tmp_path / "market.sqlite3")
    clock = ManualClock(datetime.now(UTC) - timedelta(days=5))
    market = bootstrap(db, clock=clock)
    sara = Actor.member(market.register_member(username="sara", email="sara@example.com",
                                               first_name="سارة", family_name="أحمد"))  # fmt: skip
    ahmad = Actor.member(market.register_member(username="ahmad", email="ahmad@example.com",
                                                first_name="أحمد", family_name="خالد"))  # fmt: skip
    logo = market.publish_service(
        sara, category_id=CategoryId("logo-design"), title="تصميم شعار احترافي لشركتك",
        description="شعار فريد يعبر عن هوية شركتك، مع ثلاثة نماذج وتعديلات حتى ترضى.",
        instructions="أرسل اسم الشركة.", base_price=Money.of(5, "USD"), delivery_days=2,
    )  # fmt: skip
    market.moderate_service(Actor.admin(MemberId("staff")), logo.id)
    market.top_up(ahmad, Money.of(5, "USD"), Gateway.CARD)
    order = market.order_now(ahmad, logo.id)
    market.send_message(ahmad, order, "اسم الشركة: نخلة")
    market.deliver(sara, order, "إليك الشعار")
    market.close()

    ran = subprocess.run(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(WORKER), "--db", db, "--once"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert 0 == ran.returncode, ran.stderr
    assert "tick: 1 transitions" in ran.stderr
    market = bootstrap(db)
    assert OrderStatus.COMPLETED == market.order(sara, order).status
    market.close()
    # each move of the order is mailed to whom it concerns, once (a walk-through: nothing
    # told a seller that an order waited; RULES §6: events a host uses for notifications);
    # the moves of five days ago are old news, acknowledged untold (a probe: a first run
    # mailed every order's whole history)
    lines = ran.stderr.splitlines()
    mailed = [line for line in lines if line.startswith("mail to ")]
    assert ["mail to sara@example.com: اكتمل طلب، وأُضيف ربحك إلى أرباحك المعلّقة"] == [
        line.split(" / ")[0] for line in mailed
    ]
    body = lines[lines.index(mailed[0]) + 1]
    assert body == "اكتمل طلب، وأُضيف ربحك إلى أرباحك المعلّقة: تصميم شعار احترافي لشركتك"
    again = subprocess.run(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(WORKER), "--db", db, "--once"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert "mailed 0 notices" in again.stderr


def test_the_worker_ticks_with_the_sites_policy_and_database(tmp_path, monkeypatch):
    # the site's rules (its verification gate, its milestones) are the worker's too: a tick
    # under another policy would time and clear what the site shows otherwise
    monkeypatch.syspath_prepend(str(WORKER.parent))
    import app  # noqa: PLC0415 (the example's modules, from its folder)
    import worker  # noqa: PLC0415

    used = []

    def recording(db, **settings):
        used.append((db, settings.get("policy")))
        return bootstrap(db, **settings)

    monkeypatch.setattr(worker.microgigs, "bootstrap", recording)
    monkeypatch.setenv("MICROGIGS_DATABASE", str(tmp_path / "site.sqlite3"))

    assert 0 == worker.main(["--once"])

    assert [(str(tmp_path / "site.sqlite3"), app.POLICY_OF_THE_SITE)] == used
