"""Turn the wrk phases into bench/results/latest.json and a chart (latest.png); latest-2-nodes.* for BENCH_NODES=2.

Throughputs are medians over the interleaved rounds, and each ratio is the median of the
per-round ratios to the health check measured seconds before it on the same server.
Bookings beyond capacity are counted from the database itself (must be 0), and so are the
places bots won (fairness): in the race (the rush, where each bot asked ten times as often as
each other applicant) and in the draw, each with a one-sided Fisher exact test of whether
bots won more often than the others.
"""

import json
import math
import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpaspor.settings.production")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from queueing.models import Booking, SessionSlot, holds_place_q  # noqa: E402

TMP = Path(__file__).resolve().parent / "tmp"

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"availability_ratio": 0.9, "booking_ratio": 0.7, "p99_ms": 250}


def load(run_dir: Path, name: str) -> dict:
    data = json.loads((run_dir / f"{name}.json").read_text())
    return summarise(data)


def summarise(data: dict) -> dict:
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "per_second": round(data["requests"] / seconds, 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "max_ms": round(data["max_us"] / 1000, 1),
        "succeeded": data["ok"],
        "slot_full": data["slot_full"],
        "already_booked": data.get("already_booked", 0),
        "server_errors": data["server_error"],
        "other_errors": data["client_error"] + data["other"] + data["socket_errors"],
        "socket_errors": data["socket_errors"],
    }


def postgres_settings() -> dict:
    """What the server actually ran with (PG_DURABLE=1 in bench/run.sh)."""
    names = ("fsync", "synchronous_commit", "full_page_writes", "max_connections", "server_version")
    with connection.cursor() as cursor:
        found = {}
        for name in names:
            cursor.execute(f"SHOW {name}")  # noqa: S608 - names from the tuple above
            found[name] = cursor.fetchone()[0]
    return found


def fisher_greater(a: int, b: int, c: int, d: int) -> float:
    """One-sided Fisher exact test on [[a, b], [c, d]] (bots won, lost; others won, lost):
    the probability, if bots and others had the same chance, of bots winning a or more."""
    bots, winners, total = a + b, a + c, a + b + c + d

    def log_choose(n: int, k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    denominator = log_choose(total, winners)
    p = sum(
        math.exp(log_choose(bots, k) + log_choose(total - bots, winners - k) - denominator)
        for k in range(a, min(bots, winners) + 1)
    )
    return min(p, 1.0)


def fairness(won: set, bots: set, people: set, requests: dict | None = None) -> dict:
    """Bots' share of the places against their share of the people who competed for them."""
    bots_in = bots & people
    bots_won = len(won & bots_in)
    others = len(people) - len(bots_in)
    others_won = len(won) - bots_won
    result = {
        "people": len(people),
        "bots": len(bots_in),
        "places_won": len(won),
        "bots_won": bots_won,
        "bots_population_share": round(len(bots_in) / len(people), 4) if people else None,
        "bots_places_share": round(bots_won / len(won), 4) if won else None,
        "bots_win_rate": round(bots_won / len(bots_in), 4) if bots_in else None,
        "others_win_rate": round(others_won / others, 4) if others else None,
        "p_value_bots_not_better": round(
            fisher_greater(bots_won, len(bots_in) - bots_won, others_won, others - others_won), 6
        ),
        "test": "one-sided Fisher exact (hypergeometric): P(bots win >= observed | same chance for everyone)",
    }
    if requests:
        per_bot = requests["bot_requests"] / max(requests["bots"], 1)
        per_other = requests["human_requests"] / max(requests["humans"], 1)
        result["requests_per_bot"] = round(per_bot, 2)
        result["requests_per_other"] = round(per_other, 2)
        result["bot_to_other_request_rate"] = round(per_bot / per_other, 2) if per_other else None
    return result


def applicants_of(first: int, last: int) -> set:
    lines = (TMP / "applicants.txt").read_text().splitlines()[first - 1 : last]
    return {line.split()[1] for line in lines}


def ids(queryset) -> set:
    """The application ids (UUIDs, as text like the files) of the rows of `queryset`."""
    return {str(pk) for pk in queryset.values_list("application_id", flat=True)}


def layout() -> dict:
    return {
        name: (int(a), int(b))
        for name, a, b in (line.split() for line in (TMP / "layout.txt").read_text().splitlines())
    }


def bots_of() -> set:
    return set((TMP / "bots.txt").read_text().split())


def overbooked(office: str = "bench-office") -> int:
    """Places taken beyond capacity, summed over every session and lane."""
    excess = 0
    for slot in SessionSlot.objects.filter(office__code=office):
        taken = (
            Booking.objects.filter(slot=slot)
            .filter(holds_place_q())
            .aggregate(regular=Count("id", filter=Q(lane="regular")), priority=Count("id", filter=Q(lane="priority")))
        )
        excess += max(taken["regular"] - slot.capacity, 0) + max(taken["priority"] - slot.priority_capacity, 0)
    return excess


def median(values) -> float:
    return round(statistics.median(values), 3)


def chart(result: dict, path: Path) -> None:
    """Per-round throughput of the three endpoints, and the latencies, drawn with Pillow."""
    rounds = result["rounds"]
    image = Image.new("RGB", (1060, 440), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (20, 10),
        f"M-Paspor bench {result['measured_at'][:16]} UTC, {result['clients']} clients, {result['machine']}, "
        f"{result['gunicorn']}",
        fill="black",
    )
    colours = {"health": (140, 149, 159), "availability": (31, 95, 160), "booking": (212, 167, 44)}
    x0, top, height, width = 40, 60, 300, 560
    peak = max(r[m]["per_second"] for r in rounds for m in colours) or 1
    group = width / len(rounds)
    for i, one in enumerate(rounds):
        for j, mode in enumerate(colours):
            value = one[mode]["per_second"]
            h = height * value / peak
            x = x0 + i * group + j * group / 3.4
            draw.rectangle([x, top + height - h, x + group / 3.8, top + height], fill=colours[mode])
        draw.text((x0 + i * group + group / 3, top + height + 6), f"round {i + 1}", fill="black")
    for j, (mode, colour) in enumerate(colours.items()):
        draw.rectangle([x0 + j * 150, top - 22, x0 + j * 150 + 12, top - 10], fill=colour)
        draw.text((x0 + j * 150 + 18, top - 22), f"{mode} req/s", fill="black")
    lines = [
        f"availability / health: {result['availability_ratio']:.2f} (target 0.9)",
        f"booking / health:      {result['booking_ratio']:.2f} (target 0.7)",
        f"p50 / p95 / p99 ms:    {result['p50_ms']} / {result['p95_ms']} / {result['p99_ms']} (p99 target < 250)",
        f"p99 during the rush:   {result['rush_p99_ms']} ms",
        f"errors: {result['server_errors']} 5xx, {result['other_errors']} other",
        f"bookings made: {result['bookings_made']} of {result['places_opened']} places",
        f"beyond capacity: {result['bookings_beyond_capacity']}",
        f"rush: {result['phases']['rush_reads']['per_second']:.0f} reads/s + "
        f"{result['phases']['rush_bookings']['per_second']:.0f} bookings/s",
    ]
    race = result["fairness"]["race"]
    lines.append(
        f"race: bots {race['bots_population_share']:.1%} of people, won {race['bots_places_share'] or 0:.1%}"
        f" of places (p={race['p_value_bots_not_better']:.2g})"
    )
    made = result.get("draw", {})
    if "entries" in made:
        fair = result["fairness"]["draw"]
        lines += [
            f"draw: {made['entries']['per_second']:.0f} entries/s ({made['entry_ratio']:.2f}x health),"
            f" p99 {made['entries']['p99_ms']} ms",
            f"draw: {made['entries_stored']} entries, allocation {made['allocation']['seconds']:.2f} s,"
            f" {made['errors']} errors, {made['places_beyond_capacity']} beyond capacity",
            f"draw: bots won {fair['bots_places_share'] or 0:.1%} of places (p={fair['p_value_bots_not_better']:.2g})",
        ]
    stale = result.get("availability_staleness")
    if stale:
        lines.append(f"availability staleness: median {stale['median_s']} s, max {stale['max_s']} s")
    pg = result["postgres"]
    lines.append(f"postgres: fsync {pg['fsync']}, synchronous_commit {pg['synchronous_commit']}")
    for k, line in enumerate(lines):
        draw.text((630, top + k * 22), line, fill="black")
    image.save(path)


def main() -> None:
    run_dir = Path(sys.argv[1])
    clients, workers, rounds_n, round_seconds, rush_seconds, nodes = map(int, sys.argv[2:8])
    rounds = [
        {mode: load(run_dir, f"round{i}_{mode}") for mode in ("health", "availability", "booking")}
        for i in range(1, rounds_n + 1)
    ]
    phases = {name: load(run_dir, name) for name in ("rush_reads", "rush_bookings")}
    measured = [r[m] for r in rounds for m in ("availability", "booking")] + list(phases.values())
    every = [r[m] for r in rounds for m in ("health", "availability", "booking")] + list(phases.values())
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "clients": clients,
        "nodes": nodes,
        "gunicorn": f"{workers} sync workers" if nodes == 1 else f"{nodes} nodes x {workers} sync workers",
        "stack": "gunicorn" if nodes == 1 else "HAProxy -> gunicorn nodes; PgBouncer (transaction pooling)",
        "postgres": postgres_settings(),
        "rounds": rounds_n,
        "round_seconds": round_seconds,
        "rush_seconds": rush_seconds,
        "health_per_second": median(r["health"]["per_second"] for r in rounds),
        "availability_reads_per_second": median(r["availability"]["per_second"] for r in rounds),
        "booking_attempts_per_second": median(r["booking"]["per_second"] for r in rounds),
        "availability_ratio": median(r["availability"]["per_second"] / r["health"]["per_second"] for r in rounds),
        "booking_ratio": median(r["booking"]["per_second"] / r["health"]["per_second"] for r in rounds),
        "p50_ms": median(p["p50_ms"] for p in measured),
        "p95_ms": median(p["p95_ms"] for p in measured),
        "p99_ms": median(p["p99_ms"] for p in measured),
        "rush_p99_ms": max(p["p99_ms"] for p in phases.values()),
        "server_errors": sum(p["server_errors"] for p in every),
        "other_errors": sum(p["other_errors"] for p in every),
        "bookings_made": Booking.objects.filter(slot__office__code="bench-office").count(),
        "places_opened": phases_capacity(),
        "bookings_beyond_capacity": overbooked(),
        "phases": phases,
        "rounds_detail": rounds,
    }
    result["rounds"] = rounds
    result["targets_met"] = {
        "availability_ratio": result["availability_ratio"] >= TARGETS["availability_ratio"],
        "booking_ratio": result["booking_ratio"] >= TARGETS["booking_ratio"],
        "p99_under_250ms": result["p99_ms"] < TARGETS["p99_ms"],
        "rush_p99_under_250ms": result["rush_p99_ms"] < TARGETS["p99_ms"],
        "no_errors": result["server_errors"] == 0 and result["other_errors"] == 0,
        "no_overbooking": result["bookings_beyond_capacity"] == 0,
    }
    del result["rounds_detail"]
    groups, bots = layout(), bots_of()
    first, last = groups["race"]
    rush_people = applicants_of(first, first - 1 + (last - first + 1) // (rounds_n + 1))
    rush_requests = json.loads((run_dir / "rush_bookings.json").read_text())
    race_won = ids(Booking.objects.filter(slot__office__code="bench-office"))
    result["fairness"] = {
        "race": {
            "phase": "the rush: bookings of the newest day at bench-office, bots asking 10x as often",
            **fairness(race_won & rush_people, bots, rush_people, rush_requests),
        }
    }
    if (run_dir / "draw_entries.json").exists():
        draw_result, draw_fairness = draw_report(run_dir, bots)
        result["draw"] = draw_result
        result["fairness"]["draw"] = draw_fairness
        result["targets_met"].update(draw_result["targets_met"])
    else:
        result["draw"] = {"skipped": "this tree has no draw (queueing.releases)"}
    if (run_dir / "staleness.json").exists():
        result["availability_staleness"] = json.loads((run_dir / "staleness.json").read_text())
        result["bookings_beyond_capacity"] += overbooked("bench-stale")
        result["targets_met"]["no_overbooking"] = result["bookings_beyond_capacity"] == 0
    RESULTS.mkdir(exist_ok=True)
    name = "latest" if nodes == 1 else f"latest-{nodes}-nodes"  # both layouts' figures stay in the tree
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    chart(result, RESULTS / f"{name}.png")
    print(json.dumps({k: v for k, v in result.items() if k not in ("phases", "rounds")}, indent=2))


def draw_report(run_dir: Path, bots: set) -> tuple[dict, dict]:
    """The draw's opening (entries while others read), its allocation, and who won."""
    from queueing.models import DrawEntry

    raw = json.loads((run_dir / "draw_entries.json").read_text())
    entries = summarise(raw)
    answered = raw["requests"] - raw["extra"]  # the health checks after a thread's last entry left out
    entries["per_second"] = round(answered / (raw["duration_us"] / 1e6), 1)
    entries.update({key: raw[key] for key in ("created", "changed", "refused", "extra")})
    reads = load(run_dir, "draw_reads")
    health = load(run_dir, "draw_health")
    allocation = json.loads((run_dir / "draw_allocate.json").read_text())
    office, day = (TMP / "draw.txt").read_text().split()[:2]
    rows = DrawEntry.objects.filter(release__office__code=office, release__date=day).exclude(status="void")
    people = ids(rows)
    won = ids(Booking.objects.filter(slot__office__code=office))
    errors = entries["server_errors"] + entries["socket_errors"] + reads["server_errors"] + reads["socket_errors"]
    result = {
        "office": office,
        "date": day,
        "entries": entries,
        "reads_during_entries": reads,
        "health_per_second": health["per_second"],
        "entry_ratio": round(entries["per_second"] / health["per_second"], 3),
        "entries_stored": len(people),
        "allocation": allocation,
        "places_beyond_capacity": overbooked(office),
        "errors": errors,
    }
    result["targets_met"] = {
        "draw_entry_p99_under_250ms": entries["p99_ms"] < TARGETS["p99_ms"],
        "draw_entry_ratio": result["entry_ratio"] >= TARGETS["booking_ratio"],
        "draw_no_errors": errors == 0 and entries["other_errors"] == 0,
        "draw_allocation_under_10s": allocation["seconds"] < 10,
        "draw_no_overbooking": result["places_beyond_capacity"] == 0,
    }
    requests = {key: raw[key] for key in ("bot_requests", "human_requests", "bots", "humans")}
    return result, {"phase": f"the draw of {office} {day}", **fairness(won & people, bots, people, requests)}


def phases_capacity() -> int:
    """Regular and priority places of the sessions the crowd was booking (the newest day)."""
    newest = (
        SessionSlot.objects.filter(office__code="bench-office").order_by("-date").values_list("date", flat=True).first()
    )
    slots = SessionSlot.objects.filter(office__code="bench-office", date=newest)
    return sum(s.capacity + s.priority_capacity for s in slots)


if __name__ == "__main__":
    main()
