"""End to end in Debian's Chromium (headless, driven by Playwright) against a real uvicorn serving the demo
desk: reading, following a sentence to its source, search, admin, keyboard, a phone, and no script from
outside ever running. Screenshots go to tests/artifacts/screenshots/."""

import re
import threading
from pathlib import Path

import pytest

from newsdesk.model import NewArticle
from newsdesk.storage import open_storage
from newsdesk.web import create_app

from tests.site import Site

from .conftest import ADMIN, PASSWORD, LiveServer, web_settings
from .small_desk import READER_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
pytestmark = [pytest.mark.slow,            # a real Chromium
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium "
                                                               "(apt-get install chromium)")]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lantern Street Bulletin</title><link>http://127.0.0.1/</link>
<description>d</description><item><title>Lamps relit on Lantern Street</title><link>http://127.0.0.1/a</link>
<guid>lantern-1</guid><description>The lamps are back.</description></item></channel></rss>"""
EVIL = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2;alert(2)</script>'


@pytest.fixture(scope="module")
def live(desk_db):
    path, _ = desk_db
    storage = open_storage(path)
    source_id = storage.list_sources()[0].id
    evil_id = storage.insert_article(NewArticle(
        url="http://127.0.0.1:9/evil-page", text=f"Harmless start.\n{EVIL}\n<a href=\"javascript:alert(3)\">x</a>",
        text_hash="evil-browser", source_id=source_id, outlet=f"Evil {EVIL}", title=f"Evil title {EVIL}",
        summary=EVIL, author=EVIL, full_text=False))
    storage.close()
    with LiveServer(create_app(path, web_settings(db=path))) as server:
        server.evil_id = evil_id
        yield server


@pytest.fixture(scope="module")
def feed_url():
    with Site() as site:
        site.add("*", FEED, content_type="application/rss+xml")
        yield f"{site.url}/lantern.xml"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Watched:
    """A page whose console errors, CSP violations and dialogs are recorded."""

    def __init__(self, browser, viewport):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def close(self):
        self.context.close()


@pytest.fixture
def desktop(browser):
    watched = Watched(browser, DESKTOP)
    yield watched
    watched.close()


@pytest.fixture
def phone(browser):
    watched = Watched(browser, PHONE)
    yield watched
    watched.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_home_story_and_a_source_sentence(live, desktop):
    page = desktop.page
    page.goto(live.url + "/")
    cards = page.locator("li.story-card")
    assert cards.count() >= 5
    assert re.search(r"\b20\d\d\b", page.locator("li.story-card time[datetime]").first.get_attribute("title")), \
        "the full date on hover"
    page.wait_for_load_state("networkidle")
    images = page.locator("li.story-card img")
    assert images.count() >= 1
    assert images.first.evaluate("img => img.complete && img.naturalWidth > 0"), "lead image served by the desk"
    shot(page, "home-desktop")
    headline = cards.first.locator("h2 a").inner_text()
    cards.first.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert page.locator("h1").inner_text() == headline
    assert page.get_by_role("heading", name="Key takeaways").is_visible()
    shot(page, "story-desktop")
    cite = page.locator("details.cite").first
    cite.locator("summary").click()
    box = cite.locator(".cite-box")
    assert box.is_visible()
    sentence = box.locator("blockquote").inner_text().strip()
    outlet = box.locator("a.source-link").inner_text().split(":")[0]
    box.locator("a.source-link").click()
    page.wait_for_url(re.compile(r"/articles/\d+"))
    assert outlet in page.locator(".kicker").text_content()
    assert sentence in " ".join(page.locator(".text").inner_text().split())
    assert not desktop.problems, desktop.problems


def test_search_finds_a_story(live, desktop):
    page = desktop.page
    page.goto(live.url + "/")
    headline = page.locator("li.story-card h2 a").first.inner_text()
    word = max(re.findall(r"[A-Za-z]{6,}", headline), key=len)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("mark").count() >= 1
    shot(page, "search-desktop")
    results = page.locator("ol.results > li h2 a")
    titles = [results.nth(i).inner_text() for i in range(results.count())]
    assert headline in titles
    page.locator("ol.results > li h2 a", has_text=headline).first.click()
    assert page.locator("h1").inner_text() == headline
    assert not desktop.problems, desktop.problems


def test_log_in_and_add_a_feed(live, desktop, feed_url):
    page = desktop.page
    page.goto(live.url + "/sources")
    assert page.locator("form.add").count() == 0
    page.get_by_role("link", name="Log in").first.click()
    page.fill("input[name=name]", ADMIN)
    page.fill("input[name=password]", "wrong password")
    page.click("form button[type=submit]")
    assert "wrong user name or password" in page.locator(".notice.err").inner_text()
    assert desktop.problems == ["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]
    desktop.problems.clear()
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/sources"))
    page.fill("form.add input[name=url]", feed_url)
    page.fill("form.add input[name=folder]", "Local news")
    page.click("form.add button[type=submit]")
    assert "Subscribed to Lantern Street Bulletin" in page.locator(".notice.ok").inner_text()
    row = page.locator("tr", has_text="Lantern Street Bulletin")
    assert row.count() == 1
    row.locator("button.danger").click()
    assert "Removed Lantern Street Bulletin" in page.locator(".notice.ok").inner_text()
    assert not desktop.problems, desktop.problems


def test_keyboard_shortcuts(live, desktop):
    page = desktop.page
    page.goto(live.url + "/")
    cards = page.locator("li.story-card")
    page.keyboard.press("j")
    assert "selected" in cards.nth(0).get_attribute("class")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "selected" in cards.nth(2).get_attribute("class")
    assert "selected" not in cards.nth(0).get_attribute("class")
    page.keyboard.press("k")
    assert "selected" in cards.nth(1).get_attribute("class")
    expected = cards.nth(1).locator("h2 a").inner_text()
    help_box = page.locator("#help")
    assert help_box.is_hidden()
    page.keyboard.press("?")
    assert help_box.is_visible()
    assert "next story" in help_box.inner_text()
    page.keyboard.press("Escape")
    assert help_box.is_hidden()
    page.keyboard.press("o")
    page.wait_for_url(re.compile(r"/stories/"))
    assert page.locator("h1").inner_text() == expected
    assert not desktop.problems, desktop.problems


def test_a_lead_image_that_is_gone_leaves_no_broken_frame(live, desktop):
    page = desktop.page
    page.goto(live.url + "/")
    page.wait_for_load_state("networkidle")
    thumbs = page.locator("li.story-card a.thumb")
    assert thumbs.count() >= 2
    assert thumbs.nth(0).is_visible()
    assert thumbs.nth(1).is_visible()
    # the desk's own answer for an image it cannot serve
    assert page.evaluate("fetch('/images/0').then(r => r.status)") == 404
    thumbs.nth(1).locator("img").evaluate("img => { img.src = '/images/0'; }")
    thumbs.nth(1).wait_for(state="hidden", timeout=5000)
    assert thumbs.nth(0).is_visible()
    box = page.locator("li.story-card").nth(1).locator(".card-body").bounding_box()
    assert box["width"] > 0.8 * page.locator("li.story-card").nth(1).bounding_box()["width"]


def test_phone_sized_viewport(live, phone):
    page = phone.page
    for name, path in (("home", "/"), ("story", None), ("search", "/search?q=river")):
        if path is None:
            page.goto(live.url + "/")
            path = page.locator("li.story-card h2 a").first.get_attribute("href")
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: {overflow}px wider than the phone"
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= 16
        shot(page, f"{name}-phone")
    assert not phone.problems, phone.problems


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_why_toggle_opens_and_sources_differ_shows_each_version(live, browser, size):
    watched = Watched(browser, DESKTOP if size == "desktop" else PHONE)
    page = watched.page
    page.goto(live.url + "/search?q=%22death+toll+rises+to+three%22")
    page.goto(live.url + page.locator("a[href^='/stories/']").first.get_attribute("href"))
    block = page.locator("section.differ")
    assert block.is_visible()
    assert "superseded by its later report: 3" in block.inner_text()
    why = page.locator("details.why").nth(1)
    assert not why.locator("ul").is_visible()
    why.locator("summary").click()
    assert why.locator("ul").is_visible()
    assert "similar" in why.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px wider than the window"
    shot(page, f"story-why-differ-{size}")
    assert not watched.problems, watched.problems
    watched.close()


@pytest.fixture(scope="module")
def reader_name(desk_db):
    """A reader of the module's desk: "rita" (password READER_PASSWORD)."""
    from newsdesk.accounts import add_user
    storage = open_storage(desk_db[0])
    if storage.user_named("rita") is None:
        add_user(storage, "rita", READER_PASSWORD)
    storage.close()
    return "rita"


def log_in_as(page, base, name, password):
    page.goto(base + "/login?next=/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("section.login button[type=submit]")
    page.wait_for_url(base + "/")


def test_a_reader_reads_saves_and_marks_unread(live, desktop, reader_name):
    page = desktop.page
    log_in_as(page, live.url, reader_name, READER_PASSWORD)
    assert page.locator("a.who").inner_text() == reader_name
    assert page.locator("a[href='/users']").count() == 0                 # no admin page for a reader
    before = int(page.locator(".new-count strong").inner_text())
    card = page.locator("li.story-card").first
    assert card.locator(".state").first.inner_text() == "New"
    card.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/stories/"))
    controls = page.locator(".reading-controls")
    assert "Read" in controls.inner_text()
    controls.get_by_role("button", name="☆ Save").click()
    assert page.locator(".reading-controls").get_by_role("button", name="★ Saved").is_visible()
    shot(page, "story-reader-desktop")
    headline = page.locator("h1").inner_text()
    page.goto(live.url + "/")
    assert page.locator("li.story-card").first.locator(".state").first.inner_text() == "Read"
    assert int(page.locator(".new-count strong").inner_text()) < before
    shot(page, "home-reader-desktop")
    page.goto(live.url + "/saved")
    assert headline in page.locator("ol.stories").inner_text()
    page.get_by_role("link", name=headline).click()
    page.locator(".reading-controls").get_by_role("button", name="Mark unread").click()
    page.wait_for_url(live.url + "/")
    assert page.locator("li.story-card").first.locator(".state").first.inner_text() == "New"
    assert not desktop.problems, desktop.problems


def test_the_admin_adds_a_user_on_the_users_page(live, desktop):
    page = desktop.page
    log_in_as(page, live.url, ADMIN, PASSWORD)
    page.get_by_role("link", name="Users").click()
    page.fill("form.add input[name=name]", "walter")
    page.click("form.add button[type=submit]")
    password = page.locator("code.secret").inner_text()
    assert len(password) >= 16
    assert page.locator("tr", has_text="walter").count() == 1
    shot(page, "users-desktop")
    page.click("form[action='/logout'] button")
    log_in_as(page, live.url, "walter", password)
    assert page.locator("a.who").inner_text() == "walter"
    assert not desktop.problems, desktop.problems


def test_the_reading_pages_fit_a_phone(live, phone, reader_name):
    page = phone.page
    log_in_as(page, live.url, reader_name, READER_PASSWORD)
    story = page.locator("li.story-card h2 a").first.get_attribute("href")
    for name, path in (("home-reader", "/"), ("story-reader", story), ("saved", "/saved"), ("account", "/account")):
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: {overflow}px wider than the phone"
        shot(page, f"{name}-phone")
    assert not phone.problems, phone.problems


def test_times_are_shown_in_the_readers_time_zone(live, browser):
    context = browser.new_context(viewport=DESKTOP, timezone_id="Asia/Tokyo", locale="en-GB")
    page = context.new_page()
    page.goto(live.url + "/")
    absolute = page.locator("li.story-card time .abs").first.inner_text()
    context.close()
    assert "GMT+9" in absolute


def test_without_the_script_times_stay_in_utc(live, browser):
    context = browser.new_context(viewport=DESKTOP, timezone_id="Asia/Tokyo", java_script_enabled=False)
    page = context.new_page()
    page.goto(live.url + "/")
    absolute = page.locator("li.story-card time .abs").first.inner_text()
    context.close()
    assert absolute.endswith(" UTC")


def test_dark_mode_follows_the_system(live, browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    page = context.new_page()
    page.goto(live.url + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    rgb = [int(x) for x in re.findall(r"\d+", background)[:3]]
    assert sum(rgb) < 150, background
    shot(page, "home-desktop-dark")
    context.close()


def test_hostile_article_runs_no_script(live, desktop):
    page = desktop.page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live.url}/articles/{live.evil_id}")
    page.wait_for_load_state("networkidle")
    assert "Evil title" in page.locator("h1").inner_text()
    assert page.evaluate("window.__xss") is None
    assert desktop.dialogs == []
    assert page.locator(".text img, .text script, .feed-summary img").count() == 0
    page.goto(f"{live.url}/feeds/sources/1.atom")
    assert page.evaluate("window.__xss") is None
    assert desktop.dialogs == []


HOSTILE_VECTORS = [
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '<script>window.__xss=2;alert(2)</script>',
    '<svg onload="window.__xss=3"><circle r=1 /></svg>',
    '<a href="javascript:window.__xss=4">read more</a>',
    '<iframe src="javascript:parent.__xss=5"></iframe>',
    '<body onpageshow="window.__xss=6">',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=7"></style></mglyph></table></mtext></math>',
    '<form action="javascript:window.__xss=8"><button>go</button></form>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==">data link</a>',
    '<div style="background:url(javascript:window.__xss=10)">styled</div>',
]
HOSTILE_PARAGRAPHS = [
    "The harbour authority of Quillmouth closed the north pier on Tuesday after a crane collapsed onto two "
    "fishing boats, injuring four workers.",
    "Harbour master Ines Varro said the pier would stay shut for at least a week while engineers inspect the "
    "remaining cranes along the quay.",
    "Fishing crews moved their boats to the south basin, where the authority has opened temporary berths.",
]


def _hostile_page(title: str, extra: str) -> bytes:
    body = "".join(f"<p>{p} {v}</p>" for p, v in zip(HOSTILE_PARAGRAPHS * 4, HOSTILE_VECTORS))
    return (f"<!doctype html><html><head><title>{title}</title><script>window.__xss=99</script></head><body>"
            f"<article><h1>{title}</h1>{body}<p>{extra}</p></article></body></html>").encode()


@pytest.fixture(scope="module")
def hostile_desk(tmp_path_factory):
    """A feed whose entries and pages carry XSS vectors, ingested by the real pipeline into a fresh desk."""
    import asyncio

    from newsdesk.pipeline import Desk

    import json

    vectors = "".join(HOSTILE_VECTORS)

    def feed(base: str) -> bytes:
        # JSON Feed: newsdesk parses it itself, so no feedparser clean-up stands between these and the page.
        return json.dumps({
            "version": "https://jsonfeed.org/version/1.1", "title": "Quay <script>alert(0)</script> News",
            "home_page_url": f"{base}/", "items": [
                {"id": f"q-{i}", "url": f"{base}/story-{i}",
                 "title": f"Crane collapse shuts Quillmouth pier <img src=x onerror=alert({i})>",
                 "content_html": f"<p>{HOSTILE_PARAGRAPHS[0]}</p><p>{HOSTILE_PARAGRAPHS[1]}</p>{vectors}",
                 "summary": f"{HOSTILE_PARAGRAPHS[2]} {vectors}", "author": {"name": vectors}}
                for i in (1, 2)]}).encode()

    site = Site()

    def serve(request):
        if request.path.endswith(".json"):
            body, kind = feed(site.url), "application/feed+json"
        elif request.path.endswith("-2"):     # no page: the desk keeps the entry's own (hostile) HTML summary
            body, kind = b"gone", "text/plain"
        else:
            body, kind = _hostile_page(f"Crane collapse {request.path}", vectors), "text/html; charset=utf-8"
        request.send_response(404 if body == b"gone" else 200)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    site.handle("*", serve)
    path = str(tmp_path_factory.mktemp("hostile") / "hostile.db")
    settings = web_settings(db=path, respect_robots=False)
    storage = open_storage(path)

    async def ingest():
        async with Desk(storage, settings) as desk:
            await desk.subscribe(f"{site.url}/quay.json")
            await desk.poll(due_only=False)
    runner = threading.Thread(target=asyncio.run, args=(ingest(),))   # Playwright's loop owns this thread
    runner.start()
    runner.join()
    stories = storage.top_stories(limit=5)
    articles = storage.list_articles(limit=10)
    storage.close()
    site.close()
    assert stories, "the hostile feed must have been ingested into a story"
    assert len(articles) == 2, "the hostile feed must have been ingested into a story"
    with LiveServer(create_app(path, web_settings(db=path))) as server:
        server.story_ids = [s.id for s in stories]
        server.article_ids = [a.id for a in articles]
        yield server


def test_a_hostile_feed_through_the_pipeline_runs_no_script_anywhere(hostile_desk, desktop):
    page = desktop.page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    pages = (["/", "/search?q=crane", "/sources", "/feeds/top.atom"]
             + [f"/stories/{i}" for i in hostile_desk.story_ids]
             + [f"/articles/{i}" for i in hostile_desk.article_ids])
    for path in pages:
        response = page.goto(hostile_desk.url + path)
        assert response is not None, path
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, path
    assert desktop.dialogs == []
    assert violations == [], "the sanitiser, not the CSP, must have stopped every vector"
    teasers = 0
    for article_id in hostile_desk.article_ids:
        page.goto(f"{hostile_desk.url}/articles/{article_id}")
        teasers += page.locator(".feed-summary").count()
    assert teasers == 1, "the entry kept as a teaser shows its (cleaned) HTML"
    page.goto(f"{hostile_desk.url}/stories/{hostile_desk.story_ids[0]}")
    assert "Quillmouth" in page.content()
    assert page.locator("main script, main iframe, main form[action^='javascript'], main [onerror], "
                        "main a[href^='javascript'], main a[href^='data:']").count() == 0
