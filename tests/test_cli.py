"""The CLI host: a deterministic simulation with its report, and any use case by name."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from microgigs import ledger as lg
from microgigs.l10n import format_money
from microgigs.orders import OrderEvent, OrderStatus
from microgigs.storage.sqlite import SQLiteStorage

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "examples" / "cli" / "main.py"
# Every event the simulation can take an order through (examples/cli/simulation.py), and the
# seed and size that walk them all; a run shows the rest (auto-accepting a cancellation)
# only by chance.
SIMULATED_EVENTS = {
    OrderEvent.SEND_INSTRUCTIONS, OrderEvent.DELIVER, OrderEvent.ACCEPT,
    OrderEvent.AUTO_ACCEPT, OrderEvent.REQUEST_MODIFICATION, OrderEvent.REPORT_PROBLEM,
    OrderEvent.RESOLVE_COMPLETE, OrderEvent.RESOLVE_FULL_REFUND,
    OrderEvent.RESOLVE_PARTIAL_REFUND, OrderEvent.CANCEL_LATE, OrderEvent.DECLINE,
    OrderEvent.REQUEST_CANCELLATION,
}  # fmt: skip
SIMULATION = ("simulate", "--members", "80", "--days", "20", "--seed", "14")  # walks every path
# The statuses as RULES.md §6 names them in Arabic (disputed has no label there).
ARABIC = {
    "في انتظار التعليمات": OrderStatus.AWAITING_INSTRUCTIONS,
    "جارٍ التنفيذ": OrderStatus.IN_PROGRESS,
    "في انتظار الاستلام": OrderStatus.AWAITING_ACCEPTANCE,
    "تم التسليم": OrderStatus.COMPLETED,
    "ملغى": OrderStatus.CANCELLED,
    "متنازع عليه": OrderStatus.DISPUTED,
}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(CLI), *args], capture_output=True, text=True, check=False, timeout=300
    )


def stored(db: Path) -> tuple[dict[OrderStatus, int], set[OrderEvent]]:
    """What the simulation left in its database: orders by status, and every event walked."""
    counts: dict[OrderStatus, int] = {}
    walked: set[OrderEvent] = set()
    storage = SQLiteStorage(db, currency="USD")
    try:
        with storage.unit_of_work() as uow:
            for status in OrderStatus:
                orders = uow.orders.in_status(status, limit=1000)
                if orders:
                    counts[status] = len(orders)
                walked |= {entry.event for o in orders for entry in o.history if entry.event}
    finally:
        storage.close()
    return counts, walked


def reported(report: str, heading: str, labels: dict[str, OrderStatus]) -> dict[OrderStatus, int]:
    """The report's orders by status: the indented lines under ``heading``."""
    section = report.split(f"{heading}\n", 1)[1]
    lines = re.match(r"((?:  .+\n)*)", section)
    assert lines is not None
    counts = [line.strip().rsplit(": ", 1) for line in lines.group(1).splitlines()]
    return {labels[name]: int(count) for name, count in counts}


def test_simulate_is_deterministic_walks_every_path_and_audits_clean(tmp_path):
    runs = [cli("--db", str(tmp_path / f"sim{n}.db"), *SIMULATION, "--lang", "en")
            for n in range(2)]  # fmt: skip
    assert [0, 0] == [run.returncode for run in runs], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    report = runs[0].stdout
    assert "ledger audit: issues: 0" in report
    counts, walked = stored(tmp_path / "sim0.db")
    assert SIMULATED_EVENTS == walked
    english = {status.value.replace("_", " "): status for status in OrderStatus}
    assert counts == reported(report, "Orders by status:", english)
    assert "GMV (completed orders): $" in report
    assert "20/20" in runs[0].stderr  # the progress bar
    projects = reported(report, "Projects by status:", {"complete": "complete", "open": "open",
                        "in progress": "in progress"})  # fmt: skip
    assert projects["complete"] > 0
    assert "Released to freelancers (projects): $" in report


def test_the_report_shows_the_platform_commission_the_ledger_holds(tmp_path):
    db = tmp_path / "sim.db"
    run = cli("--db", str(db), *SIMULATION, "--lang", "en")
    assert 0 == run.returncode, run.stderr
    storage = SQLiteStorage(db, currency="USD")
    try:
        with storage.unit_of_work() as uow:
            revenue = uow.ledger.balance(lg.revenue())
    finally:
        storage.close()
    assert revenue.minor > 0
    assert f"Platform commission: {format_money(revenue, 'en')}\n" in run.stdout


def test_the_report_speaks_arabic(tmp_path):
    run = cli("--db", str(tmp_path / "sim.db"), *SIMULATION)
    assert 0 == run.returncode, run.stderr
    assert "تدقيق الدفتر: عدد المشكلات: 0" in run.stdout
    counts, _ = stored(tmp_path / "sim.db")
    assert counts == reported(run.stdout, "الطلبات حسب الحالة:", ARABIC)
    assert {OrderStatus.COMPLETED, OrderStatus.CANCELLED} <= set(counts)


def huda(db: str) -> str:
    """A member registered through ``call``: the id it prints."""
    return cli("--db", db, "call", "register_member", "username=huda", "email=huda@example.com",
               "first_name=هدى", "family_name=علي").stdout.strip()  # fmt: skip


def test_call_runs_a_use_case_by_name_and_translates_refusals(tmp_path):
    db = str(tmp_path / "calls.db")
    member = huda(db)
    topped = cli("--db", db, "call", "--actor", f"member:{member}", "top_up",
                 "amount=25 USD", "method=card")  # fmt: skip
    assert (0, "ok") == (topped.returncode, topped.stdout.strip())
    assert "buyers' wallets: $25.00" in cli("--db", db, "report", "--lang", "en").stdout
    refused = cli("--db", db, "call", "--actor", "member:nobody", "--lang", "en", "top_up",
                  "amount=25 USD", "method=card")  # fmt: skip
    assert (2, "not_found") == (refused.returncode, refused.stderr.split(":")[0])


def test_demo_loads_a_month_with_every_status_once(tmp_path):
    db = str(tmp_path / "demo.db")
    first = cli("--db", db, "demo", "--lang", "en")
    assert 0 == first.returncode, first.stderr
    assert "demo: 6 sellers, 4 buyers, 24 services, 27 orders" in first.stdout
    for status in ("awaiting instructions", "in progress", "awaiting acceptance", "completed",
                   "cancelled", "disputed"):  # fmt: skip
        assert f"  {status}: " in first.stdout
    assert "ledger audit: issues: 0" in first.stdout
    again = cli("--db", db, "demo")  # in Arabic, as the program speaks by default
    assert 2 == again.returncode
    assert "فيه سوق من قبل" in again.stderr
    assert "already holds a marketplace" in cli("--db", db, "demo", "--lang", "en").stderr


def test_call_publishes_a_service_with_upgrades_and_prints_their_ids(tmp_path):
    db = str(tmp_path / "upgrades.db")
    member = cli("--db", db, "call", "register_member", "username=sara", "email=sara@example.com",
                 "first_name=سارة", "family_name=أحمد").stdout.strip()  # fmt: skip
    published = cli(
        "--db", db, "call", "--actor", f"member:{member}", "publish_service",
        "category_id=logo-design", "title=تصميم شعار احترافي لشركتك",
        "description=أصمم لك شعارًا احترافيًا فريدًا يعبر عن هوية شركتك، مع ثلاثة نماذج أولية.",
        "instructions=أرسل اسم الشركة", "base_price=5 USD", "delivery_days=2",
        'upgrades=[{"title": "تسليم بصيغة PNG", "price": "5 USD", "extra_days": 1}]',
    )  # fmt: skip
    assert 0 == published.returncode, published.stderr
    assert "(pending review); upgrades: " in published.stdout
    assert "(تسليم بصيغة PNG)" in published.stdout


def test_call_reads_a_record_typed_as_json_a_payout_method(tmp_path):
    # a payout method could not be given: "method must be of the type kind, account, not str"
    db = str(tmp_path / "payouts.db")
    member = huda(db)
    as_huda = ("--db", db, "call", "--actor", f"member:{member}", "--lang", "en")
    paypal = '{"kind": "paypal", "account": "huda@paypal.example"}'
    methods = cli(*as_huda, "set_payout_methods", f"methods=[{paypal}]")
    assert (0, "ok") == (methods.returncode, methods.stdout.strip())
    withdrawal = cli(*as_huda, "request_withdrawal", "amount=10 USD", f"method={paypal}")
    assert 2 == withdrawal.returncode  # nothing earned yet: refused by the rules, typed
    assert "available earnings" in withdrawal.stderr
    other = '{"kind": "paypal", "account": "other@paypal.example"}'
    not_hers = cli(*as_huda, "request_withdrawal", "amount=10 USD", f"method={other}")
    assert (2, "not_found") == (not_hers.returncode, not_hers.stderr.split(":")[0])


def test_call_says_who_must_act_and_suggests_a_mistyped_name(tmp_path):
    db = str(tmp_path / "mistakes.db")
    no_actor = cli("--db", db, "call", "--lang", "en", "top_up", "amount=25 USD", "method=card")
    mistyped = cli("--db", db, "call", "--lang", "en", "toppup")
    assert (1, "top_up needs --actor member:ID (or admin:ID): who does it") == (
        no_actor.returncode,
        no_actor.stderr.strip(),
    )
    assert "did you mean top_up?" in mistyped.stderr
    assert (
        "  order_now service_id upgrade_ids? quantity? method?"
        in cli("--db", db, "call", "--help").stdout
    )


def test_a_second_simulation_on_the_same_file_says_why_not(tmp_path):
    db = str(tmp_path / "sim.db")
    first = cli("--db", db, "simulate", "--members", "20", "--days", "3", "--lang", "en")
    again = cli("--db", db, "simulate", "--members", "20", "--days", "3", "--lang", "en")
    assert 0 == first.returncode, first.stderr
    assert (2, "already holds a marketplace") == (
        again.returncode,
        again.stderr[len(db) + 1 :][:27],
    )


def test_call_runs_project_mode_with_milestones_written_as_json(tmp_path):
    db = str(tmp_path / "projects.db")
    client, designer = (
        cli("--db", db, "call", "register_member", f"username={name}",
            f"email={name}@example.com", "first_name=اسم", "family_name=عائلة").stdout.strip()
        for name in ("hala", "yusuf")
    )  # fmt: skip
    project = cli("--db", db, "call", "--actor", f"member:{client}", "post_project",
                  "category_id=logo-design", "title=هوية بصرية لمتجر عطور",
                  "description=شعار وألوان وخطوط ودليل استخدام لمتجر عطور جديد.",
                  "bracket=2", "duration_days=10", "visibility=public").stdout.strip()  # fmt: skip
    assert "ok" == cli("--db", db, "call", "--actor", "admin:staff", "moderate_project",
                       f"project_id={project}").stdout.strip()  # fmt: skip
    bid = cli("--db", db, "call", "--actor", f"member:{designer}", "place_bid",
              f"project_id={project}", "amount=200 USD", "delivery_days=7",
              "text=أنجز الهوية كاملة خلال أسبوع.").stdout.strip()  # fmt: skip
    hired = cli("--db", db, "call", "--actor", f"member:{client}", "hire_bid",
                f"project_id={project}", f"bid_id={bid}",
                'milestones=[{"title": "الشعار", "amount": "200 USD"}]')  # fmt: skip
    assert (0, 26) == (hired.returncode, len(hired.stdout.strip()))


def test_call_reads_money_as_an_object_too_and_refuses_a_field_given_twice(tmp_path):
    # '{"minor": 500, "currency": "USD"}' was cut at its first space; amount= twice paid $6
    db = str(tmp_path / "money.db")
    member = huda(db)
    as_object = cli("--db", db, "call", "--actor", f"member:{member}", "top_up",
                    'amount={"minor": 500, "currency": "USD"}', "method=card")  # fmt: skip
    assert (0, "ok") == (as_object.returncode, as_object.stdout.strip()), as_object.stderr
    twice = cli("--db", db, "call", "--actor", f"member:{member}", "top_up",
                "amount=5 USD", "amount=6 USD", "method=card")  # fmt: skip
    assert (1, "amount: مكتوب مرتين؛ اكتبه مرة واحدة") == (twice.returncode, twice.stderr.strip())
    assert "buyers' wallets: $5.00" in cli("--db", db, "report", "--lang", "en").stdout
    # an empty amount is said as typed (a new user's probe: it said ' USD', never typed)
    empty = cli("--db", db, "call", "--lang", "en", "--actor", f"member:{member}", "top_up",
                "amount=", "method=card")  # fmt: skip
    assert "not ''" in empty.stderr
    assert "' USD'" not in empty.stderr


def test_call_refuses_hostile_json_plainly(tmp_path):
    """A value nested 3,000 deep or a 5,000-digit number is bad input, not a traceback."""
    db = str(tmp_path / "hostile.db")
    for value in ("[" * 3000 + "]" * 3000, "9" * 5000):
        run = cli("--db", db, "call", "--actor", "member:01X", "add_to_cart",
                  "service_id=01Y", f"quantity={value}")  # fmt: skip
        assert (1, "") == (run.returncode, run.stdout), run.stderr[-300:]
        assert "Traceback" not in run.stderr
        assert run.stderr.startswith("quantity: "), run.stderr[:300]
        assert len(run.stderr) < 300  # the value is not echoed back


def test_a_storage_that_cannot_be_opened_is_a_plain_refusal_not_a_traceback(tmp_path):
    # a probe (2026-12-06): each command printed StorageUnavailable's traceback
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n" * 100)
    for db in (str(tmp_path / "no" / "such" / "dir.sqlite3"), str(text_file)):
        for command in (["simulate", "--members", "5", "--days", "1"], ["demo"], ["call", "x"]):
            answer = cli("--db", db, *command)
            assert 2 == answer.returncode, (db, command, answer.stderr)
            assert "Traceback" not in answer.stderr
            assert answer.stderr.startswith("storage."), answer.stderr


def test_a_report_of_a_file_that_does_not_exist_says_so_and_makes_none(tmp_path):
    missing = tmp_path / "mistyped.sqlite3"
    answer = cli("--db", str(missing), "report", "--lang", "en")
    assert (2, False) == (answer.returncode, missing.exists())
    assert "no marketplace" in answer.stderr


def test_sizes_of_a_simulation_are_positive_and_values_are_refused_by_name(tmp_path):
    db = str(tmp_path / "sim.db")
    # refused as the program's own refusals are, in the reader's language, exit code 1
    for size in (["--members", "-5"], ["--days", "0"], ["--members", "abc"]):
        answer = cli("--db", db, "simulate", *size)
        assert (1, f"{size[0]} '{size[1]}': اكتب عددًا صحيحًا من 1 فأكثر\n") == (
            answer.returncode,
            answer.stderr,
        )
        english = cli("--db", db, "simulate", *size, "--lang", "en")
        assert f"{size[0]} '{size[1]}': write a whole number from 1\n" == english.stderr
    seed = cli("--db", db, "simulate", "--seed", "x", "--lang", "en")
    assert (1, "--seed 'x': write a whole number\n") == (seed.returncode, seed.stderr)
    assert not Path(db).exists()  # nothing made of a refused call
    days = cli("--db", db, "call", "--actor", "member:x", "edit_service", "service_id=s",
               "delivery_days=abc")  # fmt: skip
    assert (1, "delivery_days: 'abc'") == (days.returncode, days.stderr[:20])


def test_the_reports_balances_add_up_to_what_came_in(tmp_path):
    # a new user's probe (2026-12-06): the demo's report left out omar_voice's $56 being paid
    # out, so its balances fell $56 short of what the gateways took in
    db = str(tmp_path / "demo.sqlite3")
    assert 0 == cli("--db", db, "demo").returncode
    run = cli("--db", db, "report", "--lang", "en")
    assert 0 == run.returncode, run.stderr
    storage = SQLiteStorage(Path(db), currency="USD")
    try:
        with storage.unit_of_work() as uow:
            balances = uow.ledger.balances()
    finally:
        storage.close()
    came_in = -sum(m.minor for a, m in balances.items() if str(a).startswith("gateway:"))
    being_paid = sum(m.minor for a, m in balances.items() if str(a).startswith("withdrawing:"))
    assert being_paid > 0  # the demo leaves a withdrawal awaiting payout
    shown = {
        line.split(":")[0].strip(): int(re.sub(r"[^0-9]", "", line.split(":")[1]))
        for line in run.stdout.splitlines()
        if line.startswith("  ") and "$" in line
    }
    assert being_paid == shown["being paid out"]
    held = ("buyers' wallets", "in escrow", "pending earnings", "available earnings")
    commission = int(
        re.sub(r"[^0-9]", "", run.stdout.split("Platform commission:")[1].split("\n")[0])
    )
    total = sum(shown[name] for name in held) + shown["being paid out"] + shown["paid out"]
    assert came_in == total + commission


def test_read_asks_any_query_by_name_and_tick_runs_the_periodic_work(tmp_path):
    # a new user's probe (2026-12-06): no query could be asked from the shell (a seller's
    # withdrawals, an admin's payout queue, a member's balances), and nothing ran tick
    db = str(tmp_path / "demo.sqlite3")
    assert 0 == cli("--db", db, "demo").returncode
    found = cli("--db", db, "read", "profile_by_username", "username=omar_voice")
    assert 0 == found.returncode, found.stderr
    omar = json.loads(found.stdout)["member_id"]
    queue = cli("--db", db, "read", "--actor", "admin:staff", "payout_queue")
    (waiting,) = json.loads(queue.stdout)
    assert (omar, "requested") == (waiting["seller_id"], waiting["status"])
    mine = cli("--db", db, "read", "--actor", f"member:{omar}", "withdrawals", "limit=1")
    assert [waiting["id"]] == [w["id"] for w in json.loads(mine.stdout)]
    held = json.loads(cli("--db", db, "read", "--actor", f"member:{omar}", "balances").stdout)
    assert {"minor": 5600, "currency": "USD"} == held["withdrawing"]
    ticked = cli("--db", db, "tick")
    assert 0 == ticked.returncode, ticked.stderr
    assert {"transitions", "cleared", "expired"} <= set(json.loads(ticked.stdout))
    refused = cli("--db", db, "read", "--lang", "en", "withdrawalz")
    assert (1, "no query 'withdrawalz'; did you mean withdrawals?") == (
        refused.returncode,
        refused.stderr.strip(),
    )
    nobody = cli("--db", db, "read", "balances")
    assert (1, "يحتاج balances إلى --actor member:ID (أو admin:ID): من يسأل") == (
        nobody.returncode,
        nobody.stderr.strip(),
    )
    assert (
        "  withdrawals member_id? limit? starting_after?"
        in cli("--db", db, "read", "--help").stdout
    )


def test_read_searches_the_catalogue_with_a_query_given_as_json(tmp_path):
    # a hostile review (2026-12-06): read search crashed with a traceback (no hook for
    # Decimal, the lowest rating's type)
    db = str(tmp_path / "demo.sqlite3")
    assert 0 == cli("--db", db, "demo").returncode
    found = cli("--db", db, "read", "search", 'query={"text": "شعار", "min_rating": "0"}')
    assert 0 == found.returncode, found.stderr
    assert json.loads(found.stdout)["listings"]
    refused = cli("--db", db, "read", "--lang", "en", "search", 'query={"min_rating": 4.5}')
    assert (2, "validation.invalid_type") == (refused.returncode, refused.stderr.split(":")[0])


def test_options_may_follow_the_name_and_its_fields(tmp_path):
    # argparse stopped at the first field: `read withdrawals --actor member:X limit=5` said
    # "unrecognized arguments: limit=5", though the options may come anywhere after `read`
    db = str(tmp_path / "demo.sqlite3")
    assert 0 == cli("--db", db, "demo").returncode
    omar = json.loads(cli("--db", db, "read", "profile_by_username", "username=omar_voice").stdout)
    first = cli("--db", db, "read", "withdrawals", "--actor", f"member:{omar['member_id']}")
    later = cli(
        *("--db", db, "read", "withdrawals", "limit=1", "--lang", "en"),
        *("--actor", f"member:{omar['member_id']}", "starting_after=nothing-older"),
    )
    assert (0, 1) == (first.returncode, len(json.loads(first.stdout))), first.stderr
    assert (2, "not_found: No withdrawal with the key nothing-older exists.") == (
        later.returncode,
        later.stderr.strip(),
    )
    stray = cli("--db", db, "read", "withdrawals", "--actor", "admin:staff", "--colour", "red")
    assert (2, "unrecognized arguments: --colour red") == (
        stray.returncode,
        stray.stderr.strip().splitlines()[-1].split("error: ")[1],
    )


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path):
    # a new user's probe (2026-12-07): `read … | head -5` ended in a BrokenPipeError traceback
    db = str(tmp_path / "m.sqlite3")
    cli("--db", db, "demo")
    reading = subprocess.Popen(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(CLI), "--db", db, "read", "is_empty"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reading.stdout is not None
    reading.stdout.close()  # the reader is gone before a line is written
    _out, errors = reading.communicate(timeout=60)
    assert "Traceback" not in errors
    assert "BrokenPipeError" not in errors


def test_read_takes_a_list_as_json_as_call_does(tmp_path):
    # a new user's probe (2026-12-07): a list to a query (upgrade_ids, skills) was read one
    # character at a time: "no upgrade [" and no project found with skills='["ووردبريس"]'
    db = str(tmp_path / "demo.sqlite3")
    assert 0 == cli("--db", db, "demo").returncode
    projects = json.loads(cli("--db", db, "read", "open_projects").stdout)
    skill = next(s for p in projects for s in p["skills"])
    found = cli("--db", db, "read", "open_projects", f"skills={json.dumps([skill])}")
    assert 0 == found.returncode, found.stderr
    assert json.loads(found.stdout)
    assert all(skill in p["skills"] for p in json.loads(found.stdout))
