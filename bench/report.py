"""Turn the wrk phases into bench/results/latest.json and a chart (latest.png).

Throughputs are medians over the interleaved rounds, and each ratio is the median of the
per-round ratios to the health check measured seconds before it on the same server.
Bookings beyond capacity are counted from the database itself (must be 0).
"""

import json
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

from django.db.models import Count, Q  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from queueing.models import Booking, SessionSlot, holds_place_q  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"availability_ratio": 0.9, "booking_ratio": 0.7, "p99_ms": 250}


def load(run_dir: Path, name: str) -> dict:
    data = json.loads((run_dir / f"{name}.json").read_text())
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
        "server_errors": data["server_error"],
        "other_errors": data["client_error"] + data["other"] + data["socket_errors"],
    }


def overbooked() -> int:
    """Places taken beyond capacity, summed over every session and lane."""
    excess = 0
    for slot in SessionSlot.objects.filter(office__code="bench-office"):
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
    image = Image.new("RGB", (960, 440), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (20, 10),
        f"M-Paspor bench {result['measured_at'][:16]} UTC, {result['clients']} clients, {result['machine']}",
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
    for k, line in enumerate(lines):
        draw.text((630, top + k * 22), line, fill="black")
    image.save(path)


def main() -> None:
    run_dir = Path(sys.argv[1])
    clients, workers, rounds_n, round_seconds, rush_seconds = map(int, sys.argv[2:7])
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
        "gunicorn": f"{workers} sync workers",
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
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    chart(result, RESULTS / "latest.png")
    print(json.dumps({k: v for k, v in result.items() if k not in ("phases", "rounds")}, indent=2))


def phases_capacity() -> int:
    """Regular and priority places of the sessions the crowd was booking (the newest day)."""
    newest = (
        SessionSlot.objects.filter(office__code="bench-office").order_by("-date").values_list("date", flat=True).first()
    )
    slots = SessionSlot.objects.filter(office__code="bench-office", date=newest)
    return sum(s.capacity + s.priority_capacity for s in slots)


if __name__ == "__main__":
    main()
