"""The black-box run's driver: a production-style installation driven over HTTP only.

It acts as applicants (the API, and the links in their e-mails, read from the mail folder as a
person reads an inbox), as the payment gateway (signed callbacks) and, for two checks, as the
operator (stopping Redis, killing the worker) through `control.sh`. It never imports the
portal's code nor reads its database. One line per check; the exit status is non-zero if any
check failed, and any answer >= 500 seen at any time fails the run.

scripts/e2e.sh starts it with: E2E_BASE_URL, E2E_MAIL_DIR, E2E_PAYMENT_SECRET, E2E_BILL_TTL,
E2E_OFFICE (a small office: 8 places a session) and E2E_CONTROL (the path of control.sh). Check 14
draws a day of E2E_DRAW_OFFICE (tests/e2e/office.json: one session a day, so that every place a
waitlist is offered is one a winner gave back).
"""

from __future__ import annotations

import collections
import email
import email.policy
import hashlib
import hmac
import io
import json
import os
import random
import re
import secrets
import string
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PIL import Image

BASE = os.environ["E2E_BASE_URL"].rstrip("/")
MAIL_DIR = Path(os.environ["E2E_MAIL_DIR"])
PAYMENT_SECRET = os.environ["E2E_PAYMENT_SECRET"].encode()
BILL_TTL = int(os.environ.get("E2E_BILL_TTL", "20"))
OFFICE = os.environ.get("E2E_OFFICE", "e2e-lab")
DRAW_OFFICE = os.environ.get("E2E_DRAW_OFFICE", "e2e-draw")
CONTROL = os.environ["E2E_CONTROL"]
OUTAGE_SECONDS = float(os.environ.get("E2E_REDIS_OUTAGE_SECONDS", "30"))
RUN = secrets.token_hex(3)
STARTED = time.monotonic()
print_lock = threading.Lock()


def say(text: str) -> None:
    with print_lock:
        print(f"[{time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


# --- HTTP ---------------------------------------------------------------------------------------


class TransportError(Exception):
    """No HTTP answer at all: refused, reset or timed out."""


class Response:
    def __init__(self, method: str, path: str, status: int, headers, body: bytes):
        self.method, self.path, self.status, self.headers, self.body = method, path, status, headers, body

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def code(self) -> str | None:
        data = self.json()
        return data.get("code") if isinstance(data, dict) else None

    def __repr__(self):
        return f"{self.method} {self.path} -> {self.status} {self.body[:300]!r}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Http:
    """Every request of the run goes through here, so every 5xx is counted, whoever sent it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: collections.Counter = collections.Counter()
        self.server_errors: list[str] = []
        self.transport_errors: list[str] = []
        self.plain = urllib.request.build_opener()
        self.no_redirect = urllib.request.build_opener(_NoRedirect)

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body=None,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: dict | None = None,
        timeout: float = 30,
        follow: bool = True,
    ) -> Response:
        url = path if path.startswith("http") else BASE + path
        head = {"Accept-Language": "en", "Accept": "application/json", **(headers or {})}
        if json_body is not None:
            body, content_type = json.dumps(json_body).encode(), "application/json"
        if content_type:
            head["Content-Type"] = content_type
        if token:
            head["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=body, headers=head, method=method)  # noqa: S310 - loopback
        opener = self.plain if follow else self.no_redirect
        try:
            with opener.open(request, timeout=timeout) as answer:
                response = Response(method, path, answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(method, path, error.code, error.headers, error.read())
        except (OSError, urllib.error.URLError) as error:
            with self.lock:
                self.transport_errors.append(f"{method} {path}: {error!r}")
            raise TransportError(f"{method} {path}: {error!r}") from None
        with self.lock:
            self.statuses[response.status] += 1
            if response.status >= 500:
                self.server_errors.append(f"{response!r}")
        return response

    def count_5xx(self) -> int:
        with self.lock:
            return len(self.server_errors)


http = Http()


def expect_status(response: Response, *statuses: int) -> Response:
    if response.status not in statuses:
        raise Failed(f"expected {'/'.join(map(str, statuses))}: {response!r}")
    return response


# --- The inbox ----------------------------------------------------------------------------------

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class Mail:
    def __init__(self, raw: bytes):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.to = str(message.get("To", "")).strip().lower()
        self.subject = " ".join(str(message.get("Subject", "")).split())
        self.message_id = str(message.get("Message-ID", ""))
        part = message.get_body(preferencelist=("plain",)) or message
        self.body = part.get_content()


class Inbox:
    """The file e-mail backend's folder: one file per connection, messages separated by a line of dashes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.lock = threading.Lock()
        self.files: dict[str, tuple[int, list[Mail]]] = {}

    def all(self) -> list[Mail]:
        with self.lock:
            for path in sorted(self.folder.glob("*.log")):
                size = path.stat().st_size
                if self.files.get(path.name, (-1,))[0] == size:
                    continue
                data = path.read_bytes()
                complete = data[: data.rfind(SEPARATOR) + len(SEPARATOR)] if SEPARATOR in data else b""
                mails = [Mail(chunk) for chunk in complete.split(SEPARATOR) if chunk.strip()]
                self.files[path.name] = (size, mails)
            return [mail for _size, mails in self.files.values() for mail in mails]

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.all() if address.lower() in mail.to]

    def status_mails(self, number: str) -> list[str]:
        """Labels of the status e-mails about one application ("M-Paspor <number>: <label>")."""
        prefix = f"M-Paspor {number}: "
        return [mail.subject[len(prefix) :] for mail in self.all() if mail.subject.startswith(prefix)]


inbox = Inbox(MAIL_DIR)


def wait_until(predicate, timeout: float, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


# --- Checks -------------------------------------------------------------------------------------


class Failed(Exception):
    pass


class Check:
    def __init__(self, name: str):
        self.name, self.problems, self.notes = name, [], []
        self.started = time.monotonic()
        self.seconds = 0.0

    def expect(self, ok, what: str) -> bool:
        if not ok:
            self.problems.append(what)
        return bool(ok)

    def note(self, text: str) -> None:
        self.notes.append(text)


RESULTS: list[Check] = []


@contextmanager
def check(name: str, *, deferred: bool = False):
    """One check: its failures are collected, and its line printed at the end, or by `report`
    later (`deferred`: a check run in the background, reported at its place in the order)."""
    current = Check(name)
    try:
        yield current
    except Failed as exc:
        current.problems.append(str(exc))
    except TransportError as exc:
        current.problems.append(f"no answer: {exc}")
    except Exception as exc:  # noqa: BLE001 - a broken check is a failed check, with its trace
        current.problems.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    current.seconds = time.monotonic() - current.started
    if not deferred:
        report(current)


def report(current: Check) -> None:
    seconds = current.seconds
    with print_lock:
        RESULTS.append(current)
        verdict = "\033[32mOK  \033[0m" if not current.problems else "\033[1;31mFAIL\033[0m"
        print(f"{verdict} {current.name:<58} {seconds:6.1f}s  {'; '.join(current.notes)}", flush=True)
        for problem in current.problems:
            print(f"       - {problem}", flush=True)


# --- People -------------------------------------------------------------------------------------

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Ani", "Joko", "Rina", "Hendra", "Lestari", "Wayan", "Putu"]
LAST = ["Santoso", "Rahayu", "Wijaya", "Lestari", "Saputra", "Hidayat", "Nugroho", "Kusuma", "Pratama"]
_serial = iter(range(1, 10000))
_serial_lock = threading.Lock()


def jpeg(seed: int) -> bytes:
    """A document photo with enough edges to count as sharp."""
    image = Image.new("RGB", (900, 640), (220 - seed % 40, 200, 180))
    pixels = image.load()
    for x in range(0, 900, 6):
        for y in range(0, 640, 2):
            pixels[x, y] = (20, 20, 30)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes, content_type: str):
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Applicant:
    def __init__(self, role: str):
        with _serial_lock:
            self.n = next(_serial)
        rng = random.Random(f"{RUN}-{self.n}")
        self.role = role
        self.email = f"{role}-{self.n}-{RUN}@example.id"
        self.password = f"Paspor-{secrets.token_urlsafe(10)}"
        self.female = self.n % 2 == 0
        self.name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        self.born = date(rng.randint(1970, 2000), rng.randint(1, 12), rng.randint(1, 28))
        day = self.born.day + (40 if self.female else 0)
        self.nik = f"317101{day:02d}{self.born.month:02d}{self.born.year % 100:02d}{self.n:04d}"
        self.phone = f"+62812{rng.randint(1000000, 9999999)}"
        self.token = ""
        self.id = ""
        self.number = ""
        self.first_bill: dict = {}

    def __repr__(self):
        return f"{self.role}#{self.n}"

    def call(self, method, path, **kwargs) -> Response:
        return http.call(method, path, token=self.token, **kwargs)

    # The journey, step by step --------------------------------------------------------------
    def register(self) -> None:
        expect_status(
            http.call(
                "POST",
                "/api/v1/auth/register/",
                json_body={"email": self.email, "password": self.password, "name": self.name, "phone": self.phone},
            ),
            202,
        )

    def confirm_email(self) -> None:
        """Open the link in the confirmation e-mail, as a person would."""
        pattern = re.compile(r"https?://\S+/accounts/verify/\S+/")

        def link():
            for mail in inbox.to(self.email):
                found = pattern.search(mail.body)
                if found:
                    return found.group(0)
            return None

        url = wait_until(link, 20)
        if not url:
            raise Failed(f"no confirmation e-mail for {self.email}")
        expect_status(http.call("GET", url, headers={"Accept": "text/html"}), 200)

    def sign_in(self) -> None:
        answer = expect_status(
            http.call("POST", "/api/v1/auth/token/", json_body={"email": self.email, "password": self.password}), 200
        )
        self.token = answer.json()["access"]

    def biodata(self) -> dict:
        return {
            "passport_type": "ordinary",
            "validity_years": 10,
            "service": "regular",
            "reason": "new",
            "purpose": "tourism",
            "nik": self.nik,
            "kk_number": f"3171{self.n:012d}",
            "full_name": self.name,
            "sex": "female" if self.female else "male",
            "place_of_birth": "Jakarta",
            "date_of_birth": self.born.isoformat(),
            "marital_status": "single",
            "occupation": "Karyawan swasta",
            "phone": self.phone,
            "address_line": "Jl. Enggano No. 10, RT 001/RW 002",
            "village": "Tanjung Priok",
            "district": "Tanjung Priok",
            "city": "Jakarta Utara",
            "province": "DKI Jakarta",
            "postal_code": "14310",
            "mother_name": "Siti Aminah",
            "father_name": "Slamet",
            "emergency_contact_name": "Ani Susanti",
            "emergency_contact_phone": "+6281298765432",
            "emergency_contact_relationship": "Kakak",
        }

    def create_application(self) -> dict:
        answer = expect_status(
            self.call(
                "POST", "/api/v1/applications/", json_body=self.biodata(), headers={"Idempotency-Key": uuid.uuid4().hex}
            ),
            201,
        )
        data = answer.json()
        self.id, self.number = data["id"], data["number"]
        return data

    def upload_documents(self) -> None:
        for index, kind in enumerate(("ktp", "kk", "birth_certificate")):
            body, content_type = multipart({"kind": kind}, "file", f"{kind}.jpg", jpeg(self.n + index), "image/jpeg")
            expect_status(
                self.call("POST", f"/api/v1/applications/{self.id}/documents/", body=body, content_type=content_type),
                201,
            )

    def submit(self) -> dict:
        return expect_status(self.call("POST", f"/api/v1/applications/{self.id}/submit/"), 200).json()

    def prepare(self) -> Applicant:
        """Registered, e-mail confirmed, signed in, a complete application submitted."""
        self.register()
        self.confirm_email()
        self.sign_in()
        self.create_application()
        self.upload_documents()
        submitted = self.submit()
        if submitted["status"] != "submitted":
            raise Failed(f"{self}: submitted application has status {submitted['status']}")
        return self

    def book(self, session: int, idempotent: bool = True) -> Response:
        headers = {"Idempotency-Key": uuid.uuid4().hex} if idempotent else {}
        return self.call(
            "POST", f"/api/v1/applications/{self.id}/booking/", json_body={"session": session}, headers=headers
        )

    def book_ok(self, session: int) -> dict:
        return expect_status(self.book(session), 201).json()

    def bill(self) -> dict:
        return expect_status(self.call("GET", f"/api/v1/applications/{self.id}/bill/"), 200).json()

    def renew(self) -> dict:
        return expect_status(
            self.call(
                "POST", f"/api/v1/applications/{self.id}/bill/renew/", headers={"Idempotency-Key": uuid.uuid4().hex}
            ),
            201,
        ).json()

    def application(self) -> dict:
        return expect_status(self.call("GET", f"/api/v1/applications/{self.id}/"), 200).json()

    def status(self) -> str:
        return self.application()["status"]

    def booking(self) -> Response:
        return self.call("GET", f"/api/v1/applications/{self.id}/booking/")

    def timeline(self) -> list[dict]:
        return expect_status(self.call("GET", f"/api/v1/applications/{self.id}/timeline/"), 200).json()

    def actions(self) -> list[str]:
        return [entry["action"] for entry in self.timeline()]


# --- The payment gateway ------------------------------------------------------------------------


def ntpn() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def notice(code: str, amount: int, paid_at: datetime, number: str | None = None) -> dict:
    return {
        "billing_code": code,
        "amount": amount,
        "ntpn": number or ntpn(),
        "ntb": f"{secrets.randbelow(10**12):012d}",
        "channel": "mobile_banking",
        "paid_at": paid_at.isoformat(),
    }


def send_notice(body: dict) -> Response:
    """POST a notice signed as the gateway signs it: hex HMAC-SHA256 of `timestamp.raw_body`."""
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(PAYMENT_SECRET, stamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    return http.call(
        "POST",
        "/api/v1/payments/notifications/",
        body=raw,
        content_type="application/json",
        headers={"X-Timestamp": stamp, "X-Signature": signature},
    )


def answer_of(response: Response) -> str:
    data = response.json() if response.status < 300 else None
    status = data.get("status") if isinstance(data, dict) else None
    return f"{response.status} {status or response.code}"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def now() -> datetime:
    return datetime.now(UTC)


# --- The operator -------------------------------------------------------------------------------


def control(action: str, *args: str) -> str:
    done = subprocess.run([CONTROL, action, *args], capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise Failed(f"control.sh {' '.join([action, *args])} failed: {done.stderr.strip()[-800:]}")
    return done.stdout.strip()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


# --- Offices and places -------------------------------------------------------------------------


def availability(office: str, day: str | None = None) -> dict:
    query = f"?from={day}&to={day}" if day else ""
    return expect_status(http.call("GET", f"/api/v1/offices/{office}/availability/{query}"), 200).json()


def sessions_of(office: str) -> list[dict]:
    return [
        {**session, "date": day["date"]}
        for day in availability(office)["dates"]
        if day["open"]
        for session in day["sessions"]
    ]


def remaining(office: str, session: dict) -> int:
    for day in availability(office, session["date"])["dates"]:
        for found in day["sessions"]:
            if found["id"] == session["id"]:
                return found["remaining"]
    raise Failed(f"session {session['id']} is not in the availability of {office}")


def wait_remaining(office: str, session: dict, expected: int, timeout: float = 15) -> int:
    """The session's places left once they equal `expected`, or as they are after `timeout`
    (the availability is cached for a few seconds)."""
    wait_until(lambda: remaining(office, session) == expected, timeout, every=0.5)
    return remaining(office, session)


# Steps with an e-mail of their own: the subject after "M-Paspor <number>: " is not the step's label.
OWN_SUBJECTS = {"bill_reminder": "your billing code expires soon"}
# Steps the applicant took on the page themselves, told once in the submission's e-mail (which
# lists every document) instead of one e-mail each (applicants.notifications.QUIET_ACTIONS).
TOLD_AT_SUBMISSION = {"document_uploaded"}
# The draw's steps the applicant sees on the page at once, and a draw won (the booking's e-mail,
# with the bill, says it): no e-mail each (the same QUIET_ACTIONS).
QUIET_DRAW_STEPS = {"draw_entered", "draw_changed", "draw_withdrawn", "draw_won", "waitlist_joined", "waitlist_left"}


def mails_match_timeline(person: Applicant) -> tuple[list[str], list[str]]:
    """(steps without their e-mail, e-mails beyond one per step) for one application.

    E-mails that are not about a step (a reminder, where reminders are not steps) are neither."""
    steps = collections.Counter(
        OWN_SUBJECTS.get(entry["action"], entry["label"])
        for entry in person.timeline()
        if entry["action"] not in TOLD_AT_SUBMISSION | QUIET_DRAW_STEPS
    )
    mailed = collections.Counter(inbox.status_mails(person.number))
    missing = sorted((steps - mailed).elements())
    extra = sorted(label for label in (mailed - steps).elements() if steps[label])
    return missing, extra


def wait_mails(people: list[Applicant], timeout: float) -> dict[Applicant, tuple[list[str], list[str]]]:
    deadline = time.monotonic() + timeout
    while True:
        state = {person: mails_match_timeline(person) for person in people}
        if all(not missing for missing, _extra in state.values()) or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


# --- 1. Register to paid --------------------------------------------------------------------------


def check_register_to_paid() -> Applicant:
    person = Applicant("journey")
    with check("1 register to paid (one applicant, whole journey)") as c:
        person.register()
        person.confirm_email()
        person.sign_in()
        me = expect_status(person.call("GET", "/api/v1/auth/me/"), 200).json()
        c.expect(me["email_verified"] is True, f"e-mail not confirmed after opening the link: {me}")
        person.create_application()
        person.upload_documents()
        c.expect(person.submit()["status"] == "submitted", "not submitted")
        offices = expect_status(http.call("GET", "/api/v1/offices/"), 200).json()
        c.expect(any(o["code"] == "jkt-priok" for o in offices), "the reference offices are not listed")
        fees = {fee["product"]: fee["amount"] for fee in expect_status(http.call("GET", "/api/v1/fees/"), 200).json()}
        session = next(s for s in sessions_of("jkt-priok") if s["remaining"] > 0)
        before = remaining("jkt-priok", session)
        booking = person.book_ok(session["id"])
        bill = person.bill()
        c.expect(re.fullmatch(r"\d{15}", bill["code"] or ""), f"billing code {bill['code']!r} is not 15 digits")
        c.expect(bill["status"] == "unpaid", f"a new bill is {bill['status']}")
        c.expect(bill["amount"] == fees.get("ordinary_10"), f"bill {bill['amount']} != fee {fees.get('ordinary_10')}")
        c.expect(booking["bill"]["code"] == bill["code"], "the booking's bill is not the bill")
        c.expect(wait_remaining("jkt-priok", session, before - 1) == before - 1, "the place was not taken")
        paid = send_notice(notice(bill["code"], bill["amount"], now()))
        c.expect(answer_of(paid) == "200 paid", f"payment notice: {paid!r}")
        bill = person.bill()
        c.expect(bill["status"] == "paid", f"bill after payment is {bill['status']}")
        c.expect(bill["payment"] and bill["payment"]["ntpn"], "the paid bill shows no payment")
        c.expect(person.status() == "paid", "application not paid")
        booked = expect_status(person.booking(), 200).json()
        c.expect(booked["status"] == "confirmed", f"booking is {booked['status']}, not confirmed")
        proof = expect_status(person.call("GET", f"/api/v1/applications/{person.id}/proof/"), 200)
        c.expect(
            proof.headers.get("Content-Type", "").startswith("application/pdf") and proof.body[:5] == b"%PDF-",
            f"the proof is not a PDF: {proof.headers.get('Content-Type')}",
        )
        actions = person.actions()
        for step in ("submit", "book", "pay"):
            c.expect(step in actions, f"the timeline lacks the {step!r} step: {actions}")
        pay_label = next((e["label"] for e in person.timeline() if e["action"] == "pay"), None)
        mailed = wait_until(lambda: pay_label in inbox.status_mails(person.number), 30)
        c.expect(mailed, f"no status e-mail for the payment ({pay_label!r}) within 30 s")
        c.note(
            f"application {person.number}, bill {bill['amount']:,} IDR, timeline {len(actions)} steps, "
            f"proof {len(proof.body):,} bytes, {len(inbox.status_mails(person.number))} status e-mails"
        )
    return person


# --- 3. Late notices and renewals (the payment rules) ---------------------------------------------


def lapsed(person: Applicant) -> dict:
    bill = person.first_bill
    wait_until(lambda: now() > at(bill["expires_at"]) + timedelta(seconds=0.5), BILL_TTL + 10)
    return bill


def in_time(bill: dict) -> datetime:
    """A payment made before the deadline (and after the issue), whose notice comes late."""
    return at(bill["expires_at"]) - timedelta(seconds=3)


def paid_once(c: Check, person: Applicant) -> None:
    c.expect(person.status() == "paid", f"application is {person.status()}, not paid")
    pays = person.actions().count("pay")
    c.expect(pays == 1, f"the application was paid {pays} times")


def place_confirmed(c: Check, person: Applicant) -> None:
    answer = person.booking()
    status = answer.json().get("status") if answer.status == 200 else answer.status
    c.expect(status == "confirmed", f"the place is not confirmed (booking: {status})")


def check_old_before_renew(person: Applicant) -> None:
    with check("3a late notice of a lapsed bill, before any renewal") as c:
        bill = lapsed(person)
        swept = wait_until(lambda: person.status() == "expired", 30)
        c.expect(swept, "the lapsed bill was not swept (application not expired)")
        answer = send_notice(notice(bill["code"], bill["amount"], in_time(bill)))
        c.expect(answer_of(answer) == "200 paid", f"old code, paid in time: {answer!r}")
        paid_once(c, person)
        place_confirmed(c, person)
        c.note(f"notice {answer_of(answer)}")


def check_renew_then_old(person: Applicant) -> None:
    with check("3b renewal, then the old code's in-time notice") as c:
        old = lapsed(person)
        new = person.renew()
        c.expect(new["code"] != old["code"], "renewal gave the same code")
        first = send_notice(notice(old["code"], old["amount"], in_time(old)))
        c.expect(answer_of(first) == "200 paid", f"old code, paid in time: {first!r}")
        paid_once(c, person)
        shown = person.bill()
        c.expect(shown["status"] == "paid", f"the bill endpoint shows {shown['status']} ({shown['code']}), not paid")
        place_confirmed(c, person)
        second = send_notice(notice(new["code"], new["amount"], now()))
        c.expect(answer_of(second) == "200 refund_due", f"renewed code paid too: {second!r}")
        paid_once(c, person)
        c.note(f"old {answer_of(first)}, then new {answer_of(second)}")


def check_renew_pay_new_then_old(person: Applicant) -> None:
    with check("3c renewal paid, then the old code's in-time notice") as c:
        old = lapsed(person)
        new = person.renew()
        first = send_notice(notice(new["code"], new["amount"], now()))
        c.expect(answer_of(first) == "200 paid", f"renewed code: {first!r}")
        second = send_notice(notice(old["code"], old["amount"], in_time(old)))
        c.expect(answer_of(second) == "200 refund_due", f"old code after the new one was paid: {second!r}")
        paid_once(c, person)
        place_confirmed(c, person)
        c.note(f"new {answer_of(first)}, then old {answer_of(second)}")


def check_both_at_once(person: Applicant) -> None:
    with check("3d old and renewed codes' notices at the same moment") as c:
        old = lapsed(person)
        new = person.renew()
        bodies = [notice(old["code"], old["amount"], in_time(old)), notice(new["code"], new["amount"], now())]
        start = threading.Barrier(2)

        def send(body):
            start.wait()
            return send_notice(body)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(send, bodies))
        outcomes = sorted(answer_of(a) for a in answers)
        c.expect(outcomes == ["200 paid", "200 refund_due"], f"answers {outcomes}: {answers}")
        paid_once(c, person)
        c.note(f"answers {outcomes}")


def check_paid_before_issue(person: Applicant) -> None:
    with check("3e notice paid before the bill was issued: 422") as c:
        bill = person.bill()
        answer = send_notice(notice(bill["code"], bill["amount"], at(bill["issued_at"]) - timedelta(minutes=1)))
        c.expect(answer.status == 422 and answer.code == "paid_before_issue", f"answer: {answer!r}")
        status = person.bill()["status"]
        c.expect(status == "unpaid", f"the bill is {status}, not unpaid")
        c.note(f"answer {answer.status} {answer.code}, bill {status}")


def check_amount_and_duplicate(person: Applicant) -> None:
    bill = person.bill()
    with check("3f notice with a wrong amount: 422") as c:
        answer = send_notice(notice(bill["code"], bill["amount"] + 1000, now()))
        c.expect(answer.status == 422 and answer.code == "amount_mismatch", f"answer: {answer!r}")
        status = person.bill()["status"]
        c.expect(status == "unpaid", f"the bill is {status}, not unpaid")
        c.note(f"answer {answer.status} {answer.code}, bill {status}")
    with check("3g the same notice twice (same NTPN): duplicate") as c:
        body = notice(bill["code"], bill["amount"], now())
        first, second = send_notice(body), send_notice(body)
        c.expect(answer_of(first) == "200 paid", f"first: {first!r}")
        c.expect(answer_of(second) == "200 duplicate", f"repeat: {second!r}")
        paid_once(c, person)
        c.note(f"{answer_of(first)}, then {answer_of(second)}")


# --- 2. An unpaid bill expires through the worker ------------------------------------------------


class ExpiryWatch(threading.Thread):
    """Reads the application's status from its booking on, and notes when it turns `expired`."""

    def __init__(self, person: Applicant):
        super().__init__(daemon=True)
        self.person, self.seen_at, self.statuses = person, None, collections.Counter()

    def run(self):
        stop = at(self.person.first_bill["expires_at"]) + timedelta(seconds=60)
        while now() < stop:
            try:
                status = self.person.status()
            except (Failed, TransportError) as exc:
                status = f"unreadable: {exc}"
            self.statuses[status] += 1
            if status == "expired":
                self.seen_at = now()
                return
            time.sleep(0.3)


def check_expiry(watch: ExpiryWatch, session: dict, before: int) -> None:
    with check("2 unpaid bill expires through the worker (beat sweeper)") as c:
        person = watch.person
        deadline = at(person.first_bill["expires_at"])
        watch.join()
        c.expect(watch.seen_at, f"application still {person.status()} 60 s after the deadline")
        c.expect(not watch.seen_at or watch.seen_at >= deadline, "expired before its deadline")
        c.expect(watch.statuses["booked"] > 0, "never seen booked")
        late = ((watch.seen_at or now()) - deadline).total_seconds()
        actions = person.actions()
        c.expect("expire" in actions, f"the timeline has no expiry step: {actions}")
        c.expect(person.bill()["status"] == "expired", "the bill is not expired")
        back = wait_remaining(OFFICE, session, before)
        c.expect(back == before, f"the place did not come back: {back} remaining, {before} before booking")
        c.note(
            f"seen expired {late:.1f} s after the deadline (TTL {BILL_TTL} s, sweep every 2 s); "
            f"remaining back to {back}"
        )


# --- 4. Redis stopped during bookings and reads -----------------------------------------------------


def check_redis_outage(crowd: list[Applicant], session: dict, spare: dict) -> list[Applicant]:
    winners: list[Applicant] = []
    with check(f"4 Redis stopped {OUTAGE_SECONDS:.0f} s during bookings and reads") as c:
        capacity = session["capacity"]
        c.expect(remaining(OFFICE, session) == capacity, "the session is not empty at the start")
        worker = int(control("worker-pid"))
        errors_before = http.count_5xx()
        control("redis-stop")
        stopped = time.monotonic()
        end = stopped + OUTAGE_SECONDS
        answers: dict[Applicant, list[str]] = collections.defaultdict(list)
        unclean: list[str] = []
        reads = collections.Counter()
        lock = threading.Lock()

        def reader(index: int):
            while time.monotonic() < end:
                path = [
                    f"/api/v1/offices/{OFFICE}/availability/",
                    f"/api/v1/offices/{OFFICE}/availability/?from={session['date']}&to={session['date']}",
                    "/health/",
                    "/api/v1/offices/",
                ][index % 4]
                try:
                    response = http.call("GET", path, timeout=20)
                    with lock:
                        reads[response.status] += 1
                except TransportError:
                    pass
                if index % 4 == 3 and crowd:  # an applicant reading their own application
                    try:
                        person = crowd[index % len(crowd)]
                        http.call("GET", f"/api/v1/applications/{person.id}/", token=person.token)
                    except TransportError:
                        pass
                time.sleep(0.05)
                index += 1

        def booker(pair):
            index, person = pair
            time.sleep(max(0.0, stopped + 1 + index * (OUTAGE_SECONDS * 0.6 / len(crowd)) - time.monotonic()))
            while True:
                try:
                    response = person.book(session["id"], idempotent=index % 2 == 0)
                except TransportError as exc:
                    with lock:
                        unclean.append(f"{person}: {exc}")
                    return
                answers[person].append("201" if response.status == 201 else f"{response.status} {response.code}")
                if response.status == 201:
                    with lock:
                        winners.append(person)
                    # Paid at once, as the winners of a rush do: a confirmed place never lapses,
                    # so the places taken stay countable however long the outage lasts.
                    bill = response.json()["bill"]
                    try:
                        paid = send_notice(notice(bill["code"], bill["amount"], now()))
                    except TransportError as exc:
                        paid = exc
                    if not isinstance(paid, Response) or answer_of(paid) != "200 paid":
                        with lock:
                            unclean.append(f"{person} payment: {paid!r}")
                    return
                if response.status == 409 and response.code == "slot_full":
                    if time.monotonic() + 4 < end:
                        time.sleep(4)  # and try again: still full, still a clean refusal
                        continue
                    return
                if response.status == 503 and response.code == "busy" and response.headers.get("Retry-After"):
                    if time.monotonic() < end + 15:
                        time.sleep(min(float(response.headers["Retry-After"]), 3))
                        continue
                    return
                with lock:
                    unclean.append(f"{person}: {response!r}")
                return

        readers = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(3)]
        for thread in readers:
            thread.start()
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(booker, enumerate(crowd)))
        for thread in readers:
            thread.join()
        time.sleep(max(0.0, end - time.monotonic()))
        control("redis-start")
        restarted = time.monotonic()
        during = http.count_5xx() - errors_before
        c.expect(during == 0, f"{during} answers >= 500 while Redis was down")
        c.expect(not unclean, f"{len(unclean)} unclean answers to bookings or their payments: {unclean[:5]}")
        c.expect(
            len(winners) == capacity, f"{len(winners)} bookings made (201, each paid at once) for {capacity} places"
        )
        left = wait_remaining(OFFICE, session, 0)
        c.expect(left == 0, f"availability shows {left} remaining after the rush, not 0")
        holding = sum(1 for person in crowd if person.booking().status == 200)
        c.expect(holding == capacity, f"{holding} applicants hold a place in a session of {capacity}")
        c.expect(alive(worker) and int(control("worker-pid")) == worker, "the worker process did not survive")
        # The same worker must pick up again: the booking e-mails of the outage, and that of a
        # booking made after Redis came back (someone who found the session full books another).
        latecomer = next(person for person in crowd if person not in winners)
        late = latecomer.book(spare["id"])
        c.expect(late.status == 201, f"booking after Redis came back: {late!r}")
        waiting = [*winners, latecomer] if late.status == 201 else winners
        labels = {
            person: next((e["label"] for e in person.timeline() if e["action"] == "book"), None) for person in waiting
        }
        mailed = wait_until(lambda: all(labels[p] in inbox.status_mails(p.number) for p in waiting), 90, every=1)
        unmailed = [p for p in waiting if labels[p] not in inbox.status_mails(p.number)]
        c.expect(
            mailed,
            f"{len(unmailed)} of {len(waiting)} booking e-mails not sent within 90 s of Redis's return "
            "(the same worker should pick up again)",
        )
        after = http.count_5xx() - errors_before - during
        c.expect(after == 0, f"{after} answers >= 500 after Redis came back")
        outcome = collections.Counter(a for person_answers in answers.values() for a in person_answers)
        c.note(
            f"C={capacity}: {len(winners)} booked and paid, attempts {dict(outcome)}, reads {dict(reads)}, "
            f"e-mails resumed {time.monotonic() - restarted:.1f} s after Redis came back"
        )
    return winners


# --- 5. A worker killed and restarted -----------------------------------------------------------------


def check_worker_killed(payers: list[Applicant], lapsing: Applicant, session: dict) -> None:
    with check("5 worker killed (kill -9) and restarted: nothing lost") as c:
        old = int(control("worker-pid"))
        lapsing.first_bill = lapsing.book_ok(session["id"])["bill"]
        control("kill-worker")
        c.expect(wait_until(lambda: not alive(old), 10), "the worker survived kill -9")
        killed = time.monotonic()
        for person in payers:  # public steps while no worker runs
            bill = person.book_ok(session["id"])["bill"]
            answer = send_notice(notice(bill["code"], bill["amount"], now()))
            c.expect(answer_of(answer) == "200 paid", f"{person} payment while the worker is dead: {answer!r}")
        wait_until(lambda: now() > at(lapsing.first_bill["expires_at"]) + timedelta(seconds=1.5), BILL_TTL + 10)
        c.expect(lapsing.status() == "booked", "the lapsed bill was swept while no worker ran")
        dead = time.monotonic() - killed
        control("start-worker")
        new = int(control("worker-pid"))
        restarted = time.monotonic()
        swept = wait_until(lambda: lapsing.status() == "expired", 30, every=0.3)
        c.expect(swept, "the bill that lapsed while the worker was dead was not swept after the restart")
        c.expect("expire" in lapsing.actions(), "no expiry step in the timeline")
        state = wait_mails([*payers, lapsing], 60)
        missing = {str(p): m for p, (m, _x) in state.items() if m}
        extra = {str(p): x for p, (_m, x) in state.items() if x}
        c.expect(not missing, f"steps without an e-mail: {missing}")
        c.expect(not extra, f"e-mails sent twice (or not matching a step): {extra}")
        c.note(
            f"worker {old} dead {dead:.0f} s, new worker {new}; swept and all "
            f"{sum(len(p.timeline()) for p in [*payers, lapsing])} steps mailed "
            f"{time.monotonic() - restarted:.1f} s after the restart"
        )


# --- 14. A fair draw, recomputed from outside ---------------------------------------------------

DRAW_SECONDS = int(os.environ.get("E2E_DRAW_SECONDS", "15"))  # the entry window opened by hand


def draw_ticket(seed: str, key: str) -> str:
    return hmac.new(seed.encode("ascii"), key.encode("utf-8"), hashlib.sha256).hexdigest()


def recomputed_draw(seed: str, entries: list[dict], places: dict) -> dict[str, str]:
    """{entry key: session id} as the published rule gives it, written again from its description:
    entries in (ticket, key) order; a priority pass over priority places, then a regular pass,
    each entry taking its best-ranked session (of its first three) with a place left."""
    order = sorted(entries, key=lambda entry: (draw_ticket(seed, entry["key"]), entry["key"]))
    left = {str(session): list(counts) for session, counts in places.items()}  # [regular, priority]
    won: dict[str, str] = {}
    for lane in (1, 0):
        for entry in order:
            if entry["key"] in won or (lane == 1 and not entry["priority"]):
                continue
            free = [str(s) for s in entry["choices"][:3] if left.get(str(s), [0, 0])[lane] > 0]
            if free:
                left[free[0]][lane] -= 1
                won[entry["key"]] = free[0]
    return won


def draw_record(day: str, code: str | None = None) -> dict:
    query = f"?code={code}" if code else ""
    return expect_status(http.call("GET", f"/api/v1/draws/{DRAW_OFFICE}/{day}/{query}"), 200).json()


def day_opening(day: str) -> str | None:
    return next((d["opening"] for d in availability(DRAW_OFFICE, day)["dates"] if d["date"] == day), None)


class DrawCheck(threading.Thread):
    """Check 14, run beside checks 1-3 (its window and the beat's draw take a minute of waiting);
    the driver waits for it before stopping Redis, and reports it at its place in the order."""

    def __init__(self, day: dict):
        super().__init__(daemon=True)
        self.day = day
        self.entrants = [Applicant("draw") for _ in range(day["sessions"][0]["capacity"] + 3)]
        self.quitter = Applicant("draw-quit")  # books directly (refused), enters and withdraws
        self.people = [*self.entrants, self.quitter]
        self.result: Check | None = None

    def run(self):
        with check("14 a fair draw, recomputed from outside", deferred=True) as c:
            self.result = c
            self.body(c)

    def entry(self, person: Applicant) -> dict:
        return expect_status(person.call("GET", f"/api/v1/applications/{person.id}/draw-entry/"), 200).json()

    def body(self, c: Check) -> None:  # noqa: PLR0915 - one story, told in order
        day = self.day["date"]
        wanted = self.day["sessions"][0]["id"]
        places = self.day["sessions"][0]["capacity"]
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(Applicant.prepare, self.people))

        # Open the day's draw as an operator; its commitment is public from the first second.
        shown = control("open-draw", day, str(DRAW_SECONDS), DRAW_OFFICE)
        opened = json.loads(next(line for line in reversed(shown.splitlines()) if line.startswith("{")))
        commitment, closes = opened.get("commitment") or "", at(opened["closes_at"])
        c.expect(re.fullmatch(r"[0-9a-f]{64}", commitment), f"no commitment at the opening: {opened}")
        c.expect(opened.get("seed") is None, f"the seed is public before the close: {opened}")
        public = draw_record(day)
        c.expect(
            public["commitment"] == commitment and public["seed"] is None and public["opening"] == "draw",
            f"the public record while open: {public}",
        )
        shows = wait_until(lambda: day_opening(day) == "draw", 10, every=0.5)
        c.expect(shows, f"the availability shows {day} as {day_opening(day)!r}, not 'draw'")
        direct = self.quitter.book(wanted)
        c.expect(direct.status == 409 and direct.code == "draw_open", f"direct booking while open: {direct!r}")

        # Enter: everyone ranks the same session only, so its places + 3 entries leave 3 not drawn.
        def enter(person: Applicant, sessions: list[int]) -> Response:
            body = {"office": DRAW_OFFICE, "date": day, "sessions": sessions, "priority": False}
            return person.call("PUT", f"/api/v1/applications/{person.id}/draw-entry/", json_body=body)

        changer = self.entrants[0]
        first = expect_status(enter(changer, [wanted]), 201).json()
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda p: enter(p, [wanted]), [changer, *self.entrants[1:], self.quitter]))
        c.expect(answers[0].status == 200, f"changing an entry: {answers[0]!r} (200 expected)")
        c.expect(answers[0].json().get("code") == first["code"], "changing the entry gave it another code")
        for person, answer in zip([changer, *self.entrants[1:], self.quitter], answers, strict=True):
            if answer is answers[0]:
                continue
            c.expect(answer.status == 201, f"{person} entering: {answer!r}")
        codes = {}
        for person in self.entrants:
            shown_entry = self.entry(person)
            codes[person] = shown_entry["code"]
            c.expect(
                shown_entry["status"] == "entered" and shown_entry["sessions"] == [wanted],
                f"{person}'s entry: {shown_entry}",
            )
            c.expect(shown_entry["draw"]["commitment"] == commitment, f"{person} is shown another commitment")
            c.expect(shown_entry["draw"]["seed"] is None, f"{person} is shown the seed before the close")
        quit_code = answers[-1].json().get("code") if answers[-1].status == 201 else None
        withdrawn = self.quitter.call("DELETE", f"/api/v1/applications/{self.quitter.id}/draw-entry/")
        c.expect(withdrawn.status == 204, f"withdrawing before the close: {withdrawn!r}")
        gone = self.quitter.call("GET", f"/api/v1/applications/{self.quitter.id}/draw-entry/")
        c.expect(gone.status == 404, f"the withdrawn entry: {gone!r}")
        if now() >= closes:
            raise Failed(f"the entries took longer than the {DRAW_SECONDS} s window (closed {closes})")
        entered_by = now()

        # The close: the seed stays secret until the beat job has drawn.
        wait_until(lambda: now() > closes + timedelta(seconds=0.3), DRAW_SECONDS + 5)
        pending = draw_record(day)
        if pending["seed"] is None:
            c.expect(pending["opening"] == "drawing", f"the public record after the close: {pending}")
            late = self.quitter.book(wanted)
            if late.status == 409 and late.code == "slot_full":  # drawn between the two requests
                c.note("drawn between reading the record and booking")
            else:
                c.expect(late.status == 409 and late.code == "draw_pending", f"booking after the close: {late!r}")
        last: dict = {}

        def drawn() -> dict | None:
            last.update(draw_record(day))
            return dict(last) if last["seed"] else None

        record = wait_until(drawn, 90, every=0.5)
        if not record:
            raise Failed(f"not drawn 90 s after the close (the beat draws every 30 s): {last}")
        seen = now()
        seed, drawn_at = record["seed"], at(record["drawn_at"])

        # At once, before the winners' bills (deadline BILL_TTL) lapse: the results, the bills, and
        # every winner but one pays; the others join the waitlist and that one cancels.
        with ThreadPoolExecutor(4) as pool:
            results = dict(zip(self.entrants, pool.map(self.entry, self.entrants), strict=True))
        winners = sorted((p for p in self.entrants if results[p]["status"] == "won"), key=lambda p: codes[p])
        losers = [p for p in self.entrants if results[p]["status"] == "not_drawn"]
        if len(winners) != places or len(losers) != 3:
            raise Failed(
                f"{len(winners)} won, {len(losers)} not drawn of {len(self.entrants)} entries for {places} places"
            )
        with ThreadPoolExecutor(4) as pool:
            bills = dict(zip(winners, pool.map(Applicant.bill, winners), strict=True))
        for person, bill in bills.items():
            c.expect(bill["status"] == "unpaid", f"{person}'s bill after the draw is {bill['status']}")
            c.expect(
                at(bill["issued_at"]) >= drawn_at - timedelta(seconds=1)
                and at(bill["expires_at"]) >= drawn_at + timedelta(seconds=BILL_TTL - 1),
                f"{person}'s bill {bill['issued_at']} to {bill['expires_at']} does not run from the draw {drawn_at}",
            )
        canceller, payers = winners[-1], winners[:-1]
        with ThreadPoolExecutor(4) as pool:
            paid = list(pool.map(lambda p: send_notice(notice(bills[p]["code"], bills[p]["amount"], now())), payers))
        c.expect(all(answer_of(a) == "200 paid" for a in paid), f"winners paying: {[answer_of(a) for a in paid]}")
        with ThreadPoolExecutor(3) as pool:
            joined = list(pool.map(lambda p: p.call("PUT", f"/api/v1/applications/{p.id}/waitlist/"), losers))
        for person, answer in zip(losers, joined, strict=True):
            status = answer.json().get("status") if answer.status == 200 else None
            c.expect(status == "waitlisted", f"{person} joining the waitlist: {answer!r}")
        in_time = now() < at(bills[canceller]["expires_at"])
        cancelled = canceller.call("DELETE", f"/api/v1/applications/{canceller.id}/booking/")
        c.expect(cancelled.status == 204, f"a winner cancelling the unpaid booking: {cancelled!r}")
        if not in_time:
            c.note("(the driver cancelled after the winner's bill lapsed: slow machine)")
        cancelled_at = time.monotonic()

        # The freed place goes to the first waitlisted entry in ticket order, and only to it.
        line = sorted(losers, key=lambda p: (draw_ticket(seed, codes[p]), codes[p]))
        offered = wait_until(lambda: (e := self.entry(line[0]))["status"] == "offered" and e, 60, every=0.5)
        waited = time.monotonic() - cancelled_at
        c.expect(offered, f"no offer to the first in line within 60 s of the cancel: {self.entry(line[0])}")
        for person in line[1:]:
            status = self.entry(person)["status"]
            c.expect(status == "waitlisted", f"{person}, not first in line, is {status}")
        if offered:
            c.expect(offered["offered_session"] == wanted, f"the offer is not the freed session: {offered}")
            c.expect(offered["offer_until"] and at(offered["offer_until"]) > now(), f"the offer lapsed: {offered}")
            accepted = line[0].call("POST", f"/api/v1/applications/{line[0].id}/waitlist/accept/")
            c.expect(accepted.status == 201, f"accepting the offer: {accepted!r}")
            if accepted.status == 201:
                booking = accepted.json()
                c.expect(booking["session"]["id"] == wanted, f"the accepted booking: {booking}")
                bill = line[0].bill()
                c.expect(bill["status"] == "unpaid" and bill["code"] == booking["bill"]["code"], f"its bill: {bill}")
                payment = send_notice(notice(bill["code"], bill["amount"], now()))
                c.expect(answer_of(payment) == "200 paid", f"paying the accepted place: {payment!r}")
                c.expect(self.entry(line[0])["status"] == "accepted", "the entry is not accepted")
        # The session is full again (a full session is refused before the day's rules: slot_full).
        refused = self.quitter.book(wanted)
        c.expect(
            refused.status == 409 and refused.code in ("waitlist_only", "slot_full"),
            f"a direct booking of the waitlisted day: {refused!r}",
        )

        # From outside: the seed opens the commitment, and the published entries and places give
        # exactly the results each applicant was shown.
        c.expect(hashlib.sha256(seed.encode("ascii")).hexdigest() == commitment, "sha256(seed) != the commitment")
        c.expect(record["commitment"] == commitment, "the commitment changed after the opening")
        c.expect(drawn_at >= closes, f"drawn at {drawn_at}, before the close at {closes}")
        published = expect_status(http.call("GET", f"/api/v1/draws/{DRAW_OFFICE}/{day}/entries/"), 200).json()[
            "entries"
        ]
        keys = sorted(e["key"] for e in published)
        c.expect(keys == sorted(codes.values()), f"published entries {keys} are not the {len(codes)} entered")
        c.expect(quit_code not in keys, "the withdrawn entry is in the draw")
        c.expect(record["entries"] == len(codes), f"the record counts {record['entries']} entries")
        c.expect(record["places"].get(str(wanted), [0])[0] == places, f"places published: {record['places']}")
        mine = recomputed_draw(seed, published, record["places"])
        for person in self.entrants:
            shown_entry, code = results[person], codes[person]
            expected = ("won", int(mine[code])) if code in mine else ("not_drawn", None)
            c.expect(
                (shown_entry["status"], shown_entry["won_session"]) == expected,
                f"{person} {code}: shown {shown_entry['status']}/{shown_entry['won_session']}, recomputed {expected}",
            )
            c.expect(shown_entry["draw"]["ticket"] == draw_ticket(seed, code), f"{person}'s ticket differs")
            c.expect((shown_entry["booking"] is not None) == (code in mine), f"{person}'s booking: {shown_entry}")
        for person in (winners[0], line[-1]):
            result = draw_record(day, codes[person]).get("result") or {}
            c.expect(
                result.get("ticket") == draw_ticket(seed, codes[person])
                and result.get("status") == self.entry(person)["status"],
                f"the public result of {codes[person]}: {result}",
            )
        shows = wait_until(lambda: day_opening(day) == "waitlist", 10, every=0.5)
        c.expect(shows, f"the availability shows {day} as {day_opening(day)!r} with a waitlist, not 'waitlist'")
        c.note(
            f"{day}: {len(codes)} entries for {places} places, drawn {(drawn_at - closes).total_seconds():.1f} s "
            f"after the close (seen {(seen - drawn_at).total_seconds():.1f} s later; entries done "
            f"{(closes - entered_by).total_seconds():.0f} s before it), recomputed {len(mine)} winners; "
            f"offer to the first of 3 in line {waited:.1f} s after the cancel; "
            f"direct bookings: {direct.code}, {late.code if pending['seed'] is None else '-'}, {refused.code}"
        )


# --- 6. The outbox over the whole run ----------------------------------------------------------------


def check_every_step_mailed(people: list[Applicant]) -> None:
    with check("6 every public step of every application e-mailed exactly once") as c:
        state = wait_mails(people, 60)
        missing = {f"{p} {p.number}": m for p, (m, _x) in state.items() if m}
        extra = {f"{p} {p.number}": x for p, (_m, x) in state.items() if x}
        steps = sum(len(p.timeline()) for p in people)
        c.expect(not missing, f"{sum(map(len, missing.values()))} steps without an e-mail: {missing}")
        c.expect(not extra, f"{sum(map(len, extra.values()))} e-mails beyond one per step: {extra}")
        c.note(f"{len(people)} applications, {steps} steps, {len(inbox.all())} e-mails in the inbox in all")


# --- The run ---------------------------------------------------------------------------------------


def main() -> int:
    say(f"driving {BASE} (office {OFFICE}, bill TTL {BILL_TTL} s, Redis outage {OUTAGE_SECONDS:.0f} s)")
    # Check 14 draws the last day of the draw office still booked plainly, beside checks 1-3.
    draw_days = [
        day
        for day in availability(DRAW_OFFICE)["dates"]
        if day["open"] and day["opening"] == "book" and day["sessions"]
        if all(s["remaining"] == s["capacity"] > 0 for s in day["sessions"])
    ]
    if not draw_days:
        raise SystemExit(f"the office {DRAW_OFFICE} has no untouched day for the draw")
    draw_check = DrawCheck(draw_days[-1])
    draw_check.start()
    fresh = [s for s in sessions_of(OFFICE) if s["remaining"] == s["capacity"] and s["capacity"] > 0]
    if len(fresh) < 5:
        raise SystemExit(f"the office {OFFICE} has only {len(fresh)} empty sessions")
    s_expiry, s_renewals, s_crowd, s_worker, s_spare = fresh[:5]
    capacity = s_crowd["capacity"]
    people: list[Applicant] = []

    with ThreadPoolExecutor(4) as pool:
        # The people whose bills must lapse go first, so that their deadlines run while the rest happens.
        lapsers = {role: Applicant(role) for role in ("expiry", "late-a", "late-b", "late-c", "late-d")}
        for future in [pool.submit(p.prepare) for p in lapsers.values()]:
            future.result()
        expiry_before = remaining(OFFICE, s_expiry)
        for role, person in lapsers.items():
            person.first_bill = person.book_ok((s_expiry if role == "expiry" else s_renewals)["id"])["bill"]
        watch = ExpiryWatch(lapsers["expiry"])
        watch.start()
        say(f"5 unpaid bills issued (deadline {BILL_TTL} s); preparing {2 * capacity + 5} more applicants")
        crowd = [Applicant("crowd") for _ in range(2 * capacity)]
        early, dup, payers, lapsing = (
            Applicant("early"),
            Applicant("dup"),
            [Applicant("w"), Applicant("w")],
            Applicant("lapse"),
        )
        ready = [pool.submit(p.prepare) for p in [early, dup, *crowd, *payers, lapsing]]
        journey = check_register_to_paid()
        for future in ready:
            future.result()
    people += [journey, *lapsers.values(), early, dup, *crowd, *payers, lapsing]
    say(f"{len(people)} applicants registered, confirmed and submitted; {http.statuses[201]} resources created")

    early.book_ok(s_renewals["id"])
    dup.book_ok(s_renewals["id"])
    check_paid_before_issue(early)
    check_amount_and_duplicate(dup)
    check_expiry(watch, s_expiry, expiry_before)
    check_old_before_renew(lapsers["late-a"])
    check_renew_then_old(lapsers["late-b"])
    check_renew_pay_new_then_old(lapsers["late-c"])
    check_both_at_once(lapsers["late-d"])
    # The draw's waitlist offer needs Redis and the worker: it ends before either is stopped.
    waited = time.monotonic()
    draw_check.join(timeout=300)
    say(f"waited {time.monotonic() - waited:.0f} s for check 14 (the draw) before stopping Redis")
    check_redis_outage(crowd, s_crowd, s_spare)
    check_worker_killed(payers, lapsing, s_worker)
    if draw_check.result is None or draw_check.is_alive():
        with check("14 a fair draw, recomputed from outside") as c:
            c.expect(False, "still running after 300 s")
    else:
        report(draw_check.result)
    check_every_step_mailed([*people, *draw_check.people])

    with check("0 answers >= 500 (and none unanswered) over the whole run") as c:
        c.expect(not http.server_errors, f"{len(http.server_errors)} answers >= 500, first: {http.server_errors[:3]}")
        c.expect(
            not http.transport_errors,
            f"{len(http.transport_errors)} requests without an answer, first: {http.transport_errors[:3]}",
        )
        c.note(
            f"{sum(http.statuses.values())} answers: {dict(sorted(http.statuses.items()))}; "
            f"{len(http.transport_errors)} without an answer"
        )
    failed = [r for r in RESULTS if r.problems]
    say(f"{len(RESULTS) - len(failed)} checks passed, {len(failed)} failed, in {time.monotonic() - STARTED:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
