"""Article bodies cannot run anything: raw HTML is text, event handlers and javascript: links
are gone, ordinary Markdown still renders."""

from portal.knowledge.markdown import render_markdown


def test_script_onerror_and_javascript_links_come_out_inert():
    html = render_markdown(
        "<script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) <a href='javascript:x'>c</a>"
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text
    assert "<a" not in html  # no link survives: all three were javascript:


def test_markdown_still_renders():
    html = render_markdown("**bold** [docs](https://acme.example)")
    assert "<strong>bold</strong>" in html
    assert 'href="https://acme.example"' in html and "noopener" in html
