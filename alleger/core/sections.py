"""Sections that other apps add to a page: how a page of a lower layer shows what higher apps hold
without importing them (dependencies point inward: the "layers" contract in pyproject.toml).

A page has a name ("home", "territory", "organisation", "profile", "place" — a shared place's
page, whose subject is the Place). Each app adds its sections in
its AppConfig.ready(), as it registers its feed source:

    sections.register("territory", "funding", template="funding/_territory_section.html",
                      context=territory_section, order=10, stylesheet="funding/funding.css")

where `territory_section(request, territory)` returns the section's variables (its template reads
them as `section`), or None to leave the section out for this request. The page's view passes
`sections.of("territory", request, territory)` as `sections`; its template places them with
{% include "core/_sections.html" %} and their stylesheets with {% include "core/_section_styles.html" %}.

The home and territory pages place their sections in a shared fragment (alleger/core/fragments.py):
there, `context` gets the request as an anonymous visitor's (`request.user` is anonymous) and the
template renders as for a visitor, whoever asked, since the result is shown to everyone.
"""

from collections.abc import Callable
from dataclasses import dataclass

Context = Callable[[object, object], dict | None]


@dataclass(frozen=True)
class Section:
    template: str
    context: Context
    order: int
    stylesheet: str = ""


@dataclass(frozen=True)
class Part:
    """A section ready for its template: `context` is what the template reads as `section`."""

    template: str
    context: dict
    stylesheet: str


_pages: dict[str, dict[str, Section]] = {}


def register(page: str, name: str, *, template: str, context: Context, order: int,
             stylesheet: str = "") -> None:
    _pages.setdefault(page, {})[name] = Section(template, context, order, stylesheet)


def of(page: str, request, subject=None) -> list[Part]:
    """The page's sections for this request and subject, in their order."""
    parts = []
    for section in sorted(_pages.get(page, {}).values(), key=lambda s: s.order):
        context = section.context(request, subject)
        if context is not None:
            parts.append(Part(section.template, context, section.stylesheet))
    return parts
