"""Headless Chromium (the system's /usr/bin/chromium) driven by Playwright."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # A small phone screen and the Indonesian a person's phone would ask for.
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    # The Content-Security-Policy must never have to block anything on our pages.
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert blocked == [], blocked


def _axe_source() -> str:
    from pathlib import Path

    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


AXE_RUN = """() => axe.run(document, {resultTypes: ["violations"]}).then(result => result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))"""


def accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA and
    best practice). Evaluated through the DevTools protocol, so the page's CSP stays as it is."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return [f"{page.url}: {problem}" for problem in page.evaluate(AXE_RUN)]


class Phone:
    """The person's thumb and the network's meter: taps beyond typing, and the bytes each page
    costs (the document, what it loads that is not already cached, and its requests)."""

    def __init__(self, page):
        self.page, self.taps, self.problems, self._requests = page, 0, [], []
        page.on("requestfinished", lambda request: self._requests.append(request))

    def weights(self) -> list[tuple[str, int]]:
        """(path, bytes) per page shown: a page is a navigation or an upload whose answer is the
        next page; what it loads and asks afterwards counts to it."""
        from urllib.parse import urlsplit

        pages = []
        for request in self._requests:
            sizes = request.sizes()
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            response = request.response()
            kind = response.headers.get("content-type", "") if response else ""
            shown = request.frame == self.page.main_frame and (
                request.resource_type == "document"
                or (request.resource_type == "xhr" and request.method == "POST" and "text/html" in kind)
            )
            if shown:
                pages.append([urlsplit(request.url).path, 0])
            if pages:
                pages[-1][1] += size
        return [tuple(page) for page in pages]

    def tap(self, selector):
        self.taps += 1
        self.page.click(selector)

    def pick(self, selector, value):
        """A radio button or a checkbox: one tap."""
        self.taps += 1
        self.page.check(f"{selector}[value='{value}']")

    def choose_in_list(self, selector, value):
        """A drop-down list: one tap to open it, one to choose."""
        self.taps += 2
        self.page.select_option(selector, value)

    def choose_file(self, selector, path):
        """The file input, then the photo in the gallery."""
        self.taps += 2
        self.page.set_input_files(selector, str(path))

    def open_link(self, url):
        """A link outside the page (the one in the e-mail): one tap."""
        self.taps += 1
        self.page.goto(url)

    def check_page(self):
        self.page.wait_for_load_state("load")
        self.problems += accessibility_problems(self.page)
