"""Markdown for user-written text: markdown-it-py renders, nh3 sanitises."""

import re
from functools import lru_cache
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


#: Texts up to this long are remembered (comments, summaries, answers: the same ones on every page view).
CACHED_LENGTH = 4000


def render_markdown(text: str, top: int = 2) -> str:
    """Return safe HTML for a Markdown text. Raw HTML in the source is escaped,
    and the result is sanitised again so no script, style or event handler
    can survive whatever the renderer does.

    `top` is the level of the text's first headings: 2 where it is the page's body (under its <h1>),
    3 in a section under an <h2>, so that « ## Étapes » does not sit at the level of the section's own
    heading. « # » and « ## » both give `top` (the page owns its one <h1>); deeper ones follow, to h6.
    `top=0` is for a comment: no headings at all (« # Titre énorme » would enter the page's outline), its
    lines stay paragraphs.

    An image from another site becomes a link to it: the Content-Security-Policy would block it (a broken
    image), and a reader's browser should not fetch whatever a writer points it at. The site's own
    images (a path, « /media/… ») stay images."""
    text = text or ""
    return _render_cached(text, top) if len(text) <= CACHED_LENGTH else _render(text, top)


@lru_cache(maxsize=2048)
def _render_cached(text: str, top: int) -> str:
    # The output depends on the text alone: a page shows the same comments on every view.
    return _render(text, top)


def _outside_images_as_links(children: list[Token]) -> list[Token]:
    kept = []
    for child in children:
        src = child.attrGet("src") if child.type == "image" else None
        if src is None or (str(src).startswith("/") and not str(src).startswith("//")):
            kept.append(child)
            continue
        kept += [Token("link_open", "a", 1, attrs={"href": str(src)}),
                 Token("text", "", 0, content=child.content or str(src)), Token("link_close", "a", -1)]
    return kept


def _render(text: str, top: int = 2) -> str:
    tokens = _md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "p" if top == 0 else f"h{min(6, max(int(token.tag[1]), 2) + top - 2)}"
        elif token.type == "inline" and token.children:
            token.children = _outside_images_as_links(token.children)
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )


INLINE_TAGS = {"em", "strong", "del", "s", "code", "a", "br"}


def render_markdown_inline(text: str) -> str:
    """Safe HTML for a short Markdown text shown inside a line (a list item, a sentence):
    emphasis, code and links, without paragraphs or blocks."""
    html = _md.renderInline(text or "")
    return nh3.clean(html, tags=INLINE_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener ugc")


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without its markup, on one line (feed summaries, excerpts)."""
    html = render_markdown(text)
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


_BLOCK_END = re.compile(r"</(p|li|h[2-6]|blockquote|pre|tr)>|<br ?/?>|<hr ?/?>")


def markdown_as_text(text: str) -> str:
    """A Markdown text as a plain-text e-mail shows it: its words and paragraphs, none of its markup
    (« On **creuse** samedi » reads « On creuse samedi »; a link keeps its address in brackets)."""
    html = render_markdown(text)
    html = re.sub(r'<a href="([^"]+)"[^>]*>(.*?)</a>', lambda m: f"{m[2]} ({unescape(m[1])})"
                  if unescape(m[1]) != unescape(m[2]) else m[2], html)
    html = re.sub(r"<li>", "- ", html)
    html = _BLOCK_END.sub("\n", html)
    lines = [" ".join(unescape(nh3.clean(line, tags=set())).split()) for line in html.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return re.sub(r"(?m)^(- .*)\n\n(?=- )", r"\1\n", text)  # a list's items on consecutive lines
