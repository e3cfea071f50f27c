"""How stale can an availability answer be: book on one node, ask another until it shows.

`staleness.py BOOK_URL POLL_URL FIRST LAST`: for each applicant of lines FIRST..LAST of
bench/tmp/applicants.txt, read the probe session's remaining places on POLL_URL for half a
second (so that node's processes hold the answer in their memos), book one place of it on
BOOK_URL, then read POLL_URL every 5 ms until the count drops. Prints one JSON line with the
delays in seconds, counted from the booking's answer. Standard library only.
"""

import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

TMP = Path(__file__).resolve().parent / "tmp"
GIVE_UP_SECONDS = 10.0


def remaining(url: str, office: str, session: int) -> int:
    with urllib.request.urlopen(f"{url}/api/v1/offices/{office}/availability/", timeout=10) as answer:  # noqa: S310
        document = json.load(answer)
    for day in document["dates"]:
        for one in day["sessions"]:
            if one["id"] == session:
                return one["remaining"]
    raise LookupError(f"session {session} is not in {office}'s availability")


def book(url: str, token: str, application: str, session: int) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{url}/api/v1/applications/{application}/booking/",
        data=json.dumps({"session": session}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return answer.status


def main() -> None:
    book_url, poll_url, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    office, session = (TMP / "stale.txt").read_text().split()
    session = int(session)
    people = (TMP / "applicants.txt").read_text().splitlines()[first - 1 : last]
    delays = []
    for line in people:
        token, application = line.split()
        warm_until = time.monotonic() + 0.5
        while time.monotonic() < warm_until:
            before = remaining(poll_url, office, session)
            time.sleep(0.005)
        status = book(book_url, token, application, session)
        if status not in (200, 201):
            raise RuntimeError(f"the probe's booking answered {status}")
        booked = time.monotonic()
        while remaining(poll_url, office, session) >= before:
            if time.monotonic() - booked > GIVE_UP_SECONDS:
                break
            time.sleep(0.005)
        delays.append(round(time.monotonic() - booked, 3))
    print(
        json.dumps(
            {
                "book_on": book_url,
                "poll_on": poll_url,
                "probes": len(delays),
                "median_s": round(statistics.median(delays), 3),
                "max_s": max(delays),
                "delays_s": delays,
            }
        )
    )


if __name__ == "__main__":
    main()
