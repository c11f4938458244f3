"""Fixtures for the staff page's browser tests: the service on SQLite or PostgreSQL, one shared chromium,
and logged-in pages each in a browser context of its own (two contexts are two colleagues).

conftest.py loads this module as a plugin, so every test may ask for these fixtures; a module may define its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest
from browsers import chromium, threaded_server
from conftest import service_settings
from playwright.sync_api import Browser, Page, expect

from service.app import create_app

#: The controls a screen reader could not name: no label, no text, no aria-label.
UNLABELED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter(e => !e.labels?.length && !e.textContent.trim() && !e.getAttribute('aria-label')).map(e => e.outerHTML)"""


@pytest.fixture
def server(triager, tmp_path, small_models_dir, database_url) -> Iterator[tuple[str, object]]:
    """The service on a free port, on SQLite or PostgreSQL (``database_url``); yields its address and store."""
    shutil.copytree(small_models_dir, tmp_path / "models")
    app = create_app(service_settings(tmp_path, database_url=database_url, models_dir=tmp_path / "models",
                                      open_intake="never", log_requests=False, model_poll_seconds=0,
                                      escalation_seconds=0), triager=triager)
    with threaded_server(app) as base:
        yield base, app.state.service.store


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def staff_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a context of its own (its own cookies), logged in with a key from the keyboard alone;
    a script error fails the test."""
    contexts = []

    def open_page(base: str, key: str, width: int = 1200) -> Page:
        contexts.append(browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}))
        page = contexts[-1].new_page()
        page.on("pageerror", lambda e: pytest.fail(f"script error: {e}"))
        page.goto(f"{base}/ui/login")
        page.fill("#key", key)
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{base}/ui")
        page.wait_for_load_state("load")  # the queue is parsed to its last ticket before a test reads it
        return page

    yield open_page
    for context in contexts:
        context.close()
