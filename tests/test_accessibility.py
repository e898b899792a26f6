"""The seed site in a real browser: axe-core finds no accessibility violations on each kind of
page, and the keyboard reaches the skip link first, which moves focus to the main content.

Needs Chromium (Debian's `chromium`, installed by scripts/setup.sh); skipped without it.
"""

from __future__ import annotations

import shutil

import pytest



sync_api = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

PAGES = {
    "home": "/",
    "review": "/reviews/kazakhstan/cycle-2/",
    "recommendation": "/reviews/kazakhstan/cycle-2/125.8/",
    "state": "/states/hungary/",
    "states index": "/states/",
    "themes index": "/themes/",
    "theme": "/themes/torture/",
    "recommendation list": "/reviews/kazakhstan/cycle-2/recommendations/",
    "all recommendations": "/recommendations/",
    "about": "/about/",
    "search": "/search/",
    "search results": "/search/?q=torture&position=supported",
}


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (bash scripts/setup.sh installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"       {node['failureSummary']}".replace("\n", "\n       "))
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(page, seed_server, name):  # noqa: F811
    response = page.goto(seed_server + PAGES[name])
    assert response is not None and response.ok, f"{PAGES[name]}: HTTP {response and response.status}"
    if "?q=" in PAGES[name]:  # the results are drawn after the page loads
        page.wait_for_selector(".results > li")
    results = axe_playwright.Axe().run(page)
    violations = results.response["violations"]
    assert not violations, f"{name} page {PAGES[name]}:\n{describe(violations)}"


def test_axe_is_really_running(page):
    """Guards the test above against passing vacuously."""
    page.set_content("<!doctype html><html><head><title>t</title></head><body><img src='x.png'></body></html>")
    ids = {v["id"] for v in axe_playwright.Axe().run(page).response["violations"]}
    assert {"image-alt", "html-has-lang"} <= ids, ids


def focused(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: (e.textContent || '').trim().slice(0, 40),
                inMain: !!e.closest('main')};
    }""")


@pytest.mark.parametrize("name", ["home", "review", "recommendation"])
def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, seed_server, name):  # noqa: F811
    page.goto(seed_server + PAGES[name])
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "a" and "skip-link" in first["cls"], f"first Tab stop is {first}"
    box = page.evaluate("() => { const r = document.activeElement.getBoundingClientRect();"
                        " return [r.left, r.top, r.width, r.height, innerWidth]; }")
    assert box[2] > 0 and box[3] > 0 and 0 <= box[0] < box[4] and box[1] >= 0, \
        f"the focused skip link is not on screen: {box}"
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#main'")
    after = focused(page)
    assert after["tag"] == "main", f"after the skip link, focus is on {after}"
    page.keyboard.press("Tab")
    following = focused(page)
    assert following["inMain"], f"the next Tab after the skip link leaves main: {following}"
