"""The PT Pos client against a real HTTP server that misbehaves: every failure is a clean
`pos_unavailable`, the API key never follows a redirect, and answers are bounded."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.errors import DomainError
from delivery.pos import MAX_ANSWER_BYTES, HttpGateway


class Server:
    """A loopback HTTP server answering every request with what `answer` says."""

    def __init__(self):
        self.answer = (200, {"Content-Type": "application/json"}, b"{}")
        self.requests: list[tuple[str, str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                owner.requests.append((self.command, self.path, self.headers.get("X-Api-Key", "")))
                answer = owner.answer() if callable(owner.answer) else owner.answer
                status, headers, body = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _any

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


@pytest.fixture
def elsewhere():
    running = Server()
    yield running
    running.close()


def json_answer(value, status=200):
    return (status, {"Content-Type": "application/json"}, json.dumps(value).encode())


def unavailable(call):
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.code == "pos_unavailable" and refused.value.status == 503
    return refused.value


def quote(gateway):
    return gateway.quote(province="Bali", postal_code="80234")


def test_a_well_formed_answer_is_read(server):
    server.answer = json_answer({"fee": 25_000})
    assert quote(HttpGateway(server.url, "kunci")) == 25_000
    assert server.requests == [("GET", "/quote?province=Bali&postal_code=80234", "kunci")]


def test_a_redirect_is_refused_and_the_key_never_reaches_the_other_address(server, elsewhere):
    elsewhere.answer = json_answer({"fee": 1})
    server.answer = (302, {"Location": elsewhere.url + "/quote"}, b"")
    unavailable(lambda: quote(HttpGateway(server.url, "kunci")))
    assert elsewhere.requests == []


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/pos", "file:///etc/passwd", "http://pos.example.id/api", "gopher://x", "not a url", ""]
)
def test_only_https_or_loopback_http_is_called(url):
    unavailable(lambda: quote(HttpGateway(url, "kunci")))


def test_an_answer_beyond_the_size_cap_is_refused(server):
    server.answer = (
        200,
        {"Content-Type": "application/json"},
        b'{"fee": 1, "pad": "' + b"x" * MAX_ANSWER_BYTES + b'"}',
    )
    unavailable(lambda: quote(HttpGateway(server.url, "kunci")))


@pytest.mark.parametrize(
    "answer",
    [
        (200, {}, b"<html>maintenance</html>"),
        json_answer([1, 2, 3]),
        json_answer({"fee": "25000"}),
        json_answer({"fee": -5}),
        json_answer({"fee": True}),
        json_answer({}),
        json_answer({"detail": "bad key"}, status=401),
        json_answer({"detail": "down"}, status=500),
    ],
)
def test_every_malformed_or_failed_quote_is_pos_unavailable(server, answer):
    server.answer = answer
    unavailable(lambda: quote(HttpGateway(server.url, "kunci")))


@pytest.mark.parametrize("value", [{"tracking_number": 42}, {"tracking_number": ""}, {}])
def test_a_shipment_without_a_valid_tracking_number_is_pos_unavailable(server, value):
    server.answer = json_answer(value)
    gateway = HttpGateway(server.url, "kunci")
    unavailable(lambda: gateway.create_shipment(reference="MP1", recipient={"name": "Dewi"}))


@pytest.mark.parametrize("value", [{"events": "posted"}, {"events": [1]}, {}])
def test_tracking_without_a_list_of_events_is_pos_unavailable(server, value):
    server.answer = json_answer(value)
    unavailable(lambda: HttpGateway(server.url, "kunci").track("P123"))


def test_a_slow_partner_times_out_into_pos_unavailable(server):
    def slow():
        time.sleep(1.5)
        return json_answer({"fee": 1})

    server.answer = slow
    unavailable(lambda: quote(HttpGateway(server.url, "kunci", timeout=0.3)))


def test_a_closed_port_is_pos_unavailable(server):
    url = server.url
    server.close()
    unavailable(lambda: quote(HttpGateway(url, "kunci", timeout=1)))
