from newsdesk.model import Span
from newsdesk.web.render import highlight


def test_highlight_marks_each_span_and_escapes_the_rest():
    text = "Fish & <chips> by the harbour"
    assert str(highlight(text, [Span(0, 4), Span(22, 29)])) == \
        "<mark>Fish</mark> &amp; &lt;chips&gt; by the <mark>harbour</mark>"
    assert str(highlight(text, [])) == "Fish &amp; &lt;chips&gt; by the harbour"
    assert str(highlight("<b>", [Span(0, 3)])) == "<mark>&lt;b&gt;</mark>"
