"""User-written Markdown: rendered by markdown-it-py, sanitised by nh3."""

from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from alleger.core.markdown import render_markdown


class _Tags(HTMLParser):
    """Collects the elements and attributes a browser would actually build."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _tags(html):
    return _Tags(html).tags


def _assert_inert(html):
    for tag, attrs in _tags(html):
        assert tag not in {"script", "style", "iframe", "object", "embed", "svg", "form", "input"}, html
        assert not any(name.startswith("on") for name in attrs), html
        assert "style" not in attrs, html
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Bonjour <script>alert(1)</script> tout le monde",
        "[cliquez](javascript:alert(1))",
        "[cliquez](JaVaScRiPt:alert(1))",
        "[cliquez](  javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">lien</a>",
        "![photo](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "![photo](x.png \"titre\" onerror=\"alert(1)\")",
        "<div style=\"position:fixed\" onclick=\"alert(1)\">clic</div>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<svg onload=alert(1)>",
        "```\n<script>alert(1)</script>\n```",
    ],
)
def test_it_neutralises_active_content(source):
    # When hostile Markdown is rendered
    html = render_markdown(source)
    # Then no element, attribute or URL scheme that could run code survives
    _assert_inert(html)


def test_it_escapes_raw_html_instead_of_rendering_it():
    html = render_markdown("<b>gras</b> et <em>penché</em>")
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert ("b", {}) not in _tags(html)


def test_it_renders_ordinary_markdown():
    html = render_markdown(
        "## Le projet\n\nDu **gras**, de l'*italique*, du ~~barré~~ et `du code`.\n\n"
        "- un\n- deux\n\n1. premier\n\n> une citation\n\n"
        "[Le site](https://example.org \"Titre\")\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    tags = [tag for tag, _ in _tags(html)]
    for tag in ("h2", "strong", "em", "s", "code", "ul", "li", "ol", "blockquote", "a", "table", "td"):
        assert tag in tags, tag
    link = next(attrs for tag, attrs in _tags(html) if tag == "a")
    assert link["href"] == "https://example.org"
    assert link["title"] == "Titre"
    # Links written by users must not pass reputation nor the opener
    assert set(link["rel"].split()) >= {"nofollow", "noopener", "ugc"}


def test_it_keeps_the_text_of_a_top_level_heading_but_not_the_h1():
    # The page owns its one <h1>; a "# Title" in a description must not add another
    html = render_markdown("# Titre\n\ntexte")
    assert "Titre" in html
    assert "h1" not in [tag for tag, _ in _tags(html)]


def test_it_allows_mailto_and_makes_an_outside_image_a_link_to_it():
    # An outside image would be blocked by the CSP (a broken image) and fetched by every reader: a link
    html = render_markdown("[écrire](mailto:a@example.org) ![carte](https://example.org/c.png) ![plan](/media/p.png)")
    tags = [(tag, attrs) for tag, attrs in _tags(html)]
    assert ("a", {"href": "mailto:a@example.org", "rel": "nofollow noopener ugc"}) in tags
    assert ("a", {"href": "https://example.org/c.png", "rel": "nofollow noopener ugc"}) in tags and ">carte</a>" in html
    assert [attrs["src"] for tag, attrs in tags if tag == "img"] == ["/media/p.png"]  # the site's own stays


def test_a_comment_has_no_headings():
    html = render_markdown("# Titre énorme\n\ntexte", 0)
    assert [tag for tag, _ in _tags(html)] == ["p", "p"] and "Titre énorme" in html


def test_it_renders_nothing_for_empty_text():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_template_filter_sanitises_and_is_not_escaped_twice():
    rendered = Template("{% load alleger %}{{ text|markdown }}").render(
        Context({"text": "**ok** <script>alert(1)</script>"})
    )
    assert "<strong>ok</strong>" in rendered
    _assert_inert(rendered)


def test_inline_markdown_keeps_emphasis_and_links_but_no_blocks():
    from alleger.core.markdown import render_markdown_inline

    html = render_markdown_inline("Thème **à la Une** : [le site](https://a.example)\n\n# titre")
    assert "<strong>à la Une</strong>" in html and '<a href="https://a.example"' in html
    assert "**" not in html and "<p>" not in html and "<h1>" not in html


@pytest.mark.parametrize("source", ["<script>alert(1)</script>x", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>"])
def test_inline_markdown_is_sanitised(source):
    from alleger.core.markdown import render_markdown_inline

    tags = _Tags(render_markdown_inline(source)).tags
    assert all(tag in {"em", "strong", "del", "s", "code", "a", "br"} for tag, _ in tags)
    assert not any(v and "javascript:" in v for _, attrs in tags for v in attrs.values())


def test_markdown_to_text_keeps_the_words_only():
    from alleger.core.markdown import markdown_to_text

    source = "## Le projet\n\nRetirer les **grilles** & planter.\n\n- un [lien](https://a.example)\n- `code` <b>brut</b>"
    assert markdown_to_text(source) == "Le projet Retirer les grilles & planter. un lien code <b>brut</b>"


def test_headings_start_at_the_level_the_page_gives_them():
    source = "# Titre\n\n## Étapes\n\n### Matériel\n\n###### Détail"
    levels = lambda html: [tag for tag, _ in _tags(html) if tag.startswith("h")]  # noqa: E731
    # The page's body (under its <h1>): from h2
    assert levels(render_markdown(source)) == ["h2", "h2", "h3", "h6"]
    # In a section under an <h2> (a project's story, a kit's steps): from h3, never past h6
    assert levels(render_markdown(source, top=3)) == ["h3", "h3", "h4", "h6"]
    assert "Étapes" in render_markdown(source, top=3)


def test_markdown_as_text_keeps_words_paragraphs_and_link_addresses():
    from alleger.core.markdown import markdown_as_text

    text = markdown_as_text("On **creuse** samedi.\n\nRendez-vous [au jardin](https://ex.org/j) :\n\n- pelles\n- gants")
    assert text == "On creuse samedi.\n\nRendez-vous au jardin (https://ex.org/j) :\n\n- pelles\n- gants"
