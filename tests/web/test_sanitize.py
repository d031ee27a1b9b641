"""The allowlist sanitiser against classic XSS vectors: nothing that can run survives."""

import re

import pytest

from newsdesk.web.sanitize import sanitize_html

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">entities</a>",
    "<a href=\" javascript:alert(1)\">space</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">styled</div>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<p onmouseover=\"alert(1)\">hover</p>",
    "<a href=\"https://ok.example/\" onclick=\"alert(1)\">ok</a>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>alert(1)</script></template>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<a href=\"#\" formaction=\"javascript:alert(1)\">x</a>",
    "<isindex action=javascript:alert(1) type=submit>",
]

DANGEROUS = re.compile(r"<\s*(script|iframe|object|embed|form|input|style|link|meta|base|svg|math|img|body|"
                       r"video|source|template|noscript|button)\b|\son\w+\s*=|javascript:|vbscript:|data:|srcdoc|"
                       r"style\s*=", re.I)


@pytest.mark.parametrize("vector", VECTORS)
def test_nothing_executable_survives(vector):
    clean = sanitize_html(vector)
    assert not DANGEROUS.search(clean), clean
    assert sanitize_html(clean) == clean        # stable: a second pass changes nothing


def test_enough_vectors():
    assert len(VECTORS) >= 30


def test_good_html_is_kept_and_links_get_rel():
    html = ('<p>Hello <strong>world</strong> <a href="https://news.example/a?b=1&amp;c=2" title="t">story</a></p>'
            '<ul><li>one</li></ul><blockquote>quote</blockquote>')
    clean = sanitize_html(html)
    assert "<strong>world</strong>" in clean
    assert "<li>one</li>" in clean
    assert "<blockquote>quote</blockquote>" in clean
    assert 'href="https://news.example/a?b=1&amp;c=2"' in clean
    assert re.search(r'rel="[^"]*noopener[^"]*noreferrer', clean)


def test_script_content_is_dropped_not_shown():
    assert "alert" not in sanitize_html("<p>a</p><script>alert(1)</script><style>p{}</style>")
    assert sanitize_html("plain & <text>") in ("plain &amp; ", "plain &amp; &lt;text&gt;")


@pytest.mark.parametrize("href", ["java\tscript:alert(1)", "java\tsc\x1aript:alert(1)", "java\x01script:alert(1)",
                                  " \x0ejavascript:alert(1)", "https://example.org/\x7f"])
def test_links_with_control_characters_lose_their_url(href):
    out = sanitize_html(f'<a href="{href}">x</a><a href="https://example.org/ok">ok</a>')
    assert 'href="https://example.org/ok"' in out
    assert out.count("href=") == 1


@pytest.mark.parametrize("depth", [40, 120])
def test_markup_that_never_settles_is_shown_as_text(depth):
    # Each parse of an unclosed link inside 40+ nested blocks adds more links (the HTML parser's adoption
    # agency steps), so cleaning never reaches a fixed point: the output must still be stable and tag-free.
    markup = '<a href="https://example.com/one">first' + "<blockquote>" * depth + "<a>second words"
    out = sanitize_html(markup)
    assert sanitize_html(out) == out
    assert "<" not in out
    assert "first" in out
    assert "second words" in out


def test_ordinary_nesting_keeps_its_markup():
    markup = '<a href="https://example.com/one">first</a>' + "<blockquote>" * 10 + "deep" + "</blockquote>" * 10
    out = sanitize_html(markup)
    assert out.count("<blockquote>") == 10
    assert 'href="https://example.com/one"' in out
