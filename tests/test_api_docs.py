"""/docs and /redoc work on a network with no way out: every script and style comes from the service."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from browsers import chromium, threaded_server
from conftest import service_settings
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from service.app import create_app

PAGES = ["/docs", "/redoc"]
#: ReDoc's side menu always draws the Redocly logo from its CDN; the page's CSP blocks it (the
#: browser never asks for it, and ReDoc then leaves the logo out), and says so in the console.
REDOC_LOGO_BLOCKED = "Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg' violates the following Content"


@pytest.fixture(scope="module")
def app(triager, tmp_path_factory):
    return create_app(service_settings(tmp_path_factory.mktemp("db"), log_requests=False, model_poll_seconds=0),
                      triager=triager)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


def referenced(html: str) -> list[str]:
    return re.findall(r'(?:src|href|spec-url|data-openapi-url)="([^"]*)"', html)


@pytest.mark.parametrize("path", PAGES)
def test_the_page_and_every_asset_it_names_are_served_by_the_app(client, path):
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "http://" not in page.text and "https://" not in page.text and "//" not in "".join(referenced(page.text))
    assert re.findall(r"<script>", page.text) == []  # no inline script: the CSP below forbids them
    names = referenced(page.text)
    assert any(n.endswith(".js") for n in names) and "/openapi.json" in names
    for name in names:
        assert name.startswith("/"), name
        asset = client.get(name)
        assert asset.status_code == 200 and len(asset.content) > 100, name
        if name.endswith(".css"):
            assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", asset.text), name


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_csp_allows_its_own_assets_only(client, path):
    csp = client.get(path).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "http" not in csp and "*" not in csp
    assert client.get(path).headers["x-content-type-options"] == "nosniff"


def test_the_swagger_start_up_script_is_ours_and_asks_no_validator(client):
    script = client.get("/docs/init.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "validatorUrl: null" in script.text and "http" not in script.text


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.slow  # drives Chromium
@pytest.mark.parametrize(("path", "shown"), [("/docs", "#operations-triage-triage_one_v1_triage_post"),
                                             ("/redoc", "text=Triage one complaint")])
def test_the_page_renders_in_a_browser_that_cannot_leave_the_host(app, browser, path, shown):
    with threaded_server(app) as base:
        context = browser.new_context()
        outside, problems = [], []
        host = urlsplit(base).netloc

        def only_this_host(route):
            if urlsplit(route.request.url).netloc == host or route.request.url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_this_host)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and not m.text.startswith(REDOC_LOGO_BLOCKED)
                and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(base + path)
        expect(page.locator(shown).first).to_be_visible(timeout=20_000)
        context.close()
    assert outside == [] and problems == []
