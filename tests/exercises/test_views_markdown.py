"""Instructions are Markdown, rendered so that no script gets through."""

from django.template import Context, Template

from exercises.markdown import render_markdown


def test_markdown_is_rendered_to_html():
    assert (
        render_markdown("Try **one** thing:\n\n- listen")
        == "<p>Try <strong>one</strong> thing:</p>\n<ul>\n<li>listen</li>\n</ul>"
    )


def test_script_tags_are_removed_with_their_content():
    html = render_markdown("Hello <script>alert('x')</script> there")
    assert "<script" not in html
    assert "alert" not in html


def test_javascript_links_lose_their_href():
    html = render_markdown("[click](javascript:alert(1))")
    assert "javascript:" not in html
    assert ">click</a>" in html


def test_event_handler_attributes_are_removed():
    html = render_markdown('<img src="x" onerror="alert(1)"><a href="https://example.test" onclick="x()">ok</a>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert 'href="https://example.test"' in html


def test_the_template_filter_renders_safely():
    rendered = Template("{% load exercise_tags %}{{ text|markdown }}").render(
        Context({"text": "*hi* <script>bad()</script>"})
    )
    assert rendered == "<p><em>hi</em> </p>"
