"""The course site (`make site`) in a browser: served over HTTP from a fresh build, read in both languages."""

import functools
import http.server
import os
import re
import sys
import threading

import pytest
from browser_session import HANGUL, REPO, screenshot
from playwright.sync_api import expect

sys.path.insert(0, os.path.join(REPO, "site"))
import build_site  # noqa: E402

pytestmark = pytest.mark.slow

LESSON = "05_cross_entropy"
SOLUTION_ONLY = "flat_ids"  # a name that appears only in the lesson's solution to exercise 1


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("site") / "site")
    build_site.build(out)
    handler = functools.partial(QuietHandler, directory=out)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def check_lesson_page(page, exercise_heading, stub):
    """A formula typeset by MathJax, a plot that loaded, and exercise 1 without its solution."""
    article = page.locator("article")
    formula = article.locator("mjx-container").first
    formula.wait_for(state="attached")
    formula.scroll_into_view_if_needed()
    expect(formula).to_be_visible()
    assert formula.bounding_box()["width"] > 10
    assert "$$" not in article.inner_text(), "display math left as raw TeX"

    plot = article.locator(".cell_output img").first
    plot.scroll_into_view_if_needed()
    assert page.evaluate("img => img.complete && img.naturalWidth > 100", plot.element_handle())

    heading = article.locator("h3", has_text=exercise_heading).first
    heading.scroll_into_view_if_needed()
    expect(heading).to_be_visible()
    text = article.inner_text()
    assert stub in text and "NotImplementedError" in text
    for leaked in ("BEGIN SOLUTION", "HIDDEN TESTS", "hidden_rng", SOLUTION_ONLY):
        assert leaked not in text, f"the site shows {leaked!r}"


def test_site_in_korean_then_english(page, site_url):
    page.goto(f"{site_url}/index.html")
    page.locator("a", has_text="한국어").click()
    page.locator("nav a", has_text="원-핫 인코딩").first.click()
    expect(page).to_have_url(re.compile(rf"/ko/{LESSON}\.html"))
    assert HANGUL.search(page.locator("article h1").first.inner_text())
    check_lesson_page(page, "연습 1", "여기에 코드를 작성하세요")
    screenshot(page, "site_1_korean_exercise")

    page.locator(".course-language-switch a", has_text="English").click()
    expect(page).to_have_url(re.compile(rf"/en/{LESSON}\.html"))
    title = page.locator("article h1").first.inner_text()
    assert "cross-entropy" in title and not HANGUL.search(title)
    check_lesson_page(page, "Exercise 1", "YOUR CODE HERE")
    screenshot(page, "site_2_english_exercise")

    # Only the other language's prose is dropped: no Korean paragraph on the English page.
    korean = [p for p in page.locator("article p").all_inner_texts() if HANGUL.search(p)]
    assert korean == []
