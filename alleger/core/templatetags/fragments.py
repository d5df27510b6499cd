"""`{% shared "name" part… %}…{% endshared %}`: a part of a page that is the same for everyone.

Rendered as an anonymous visitor sees it and cached by the data version (see
alleger/core/fragments.py). The parts (any template values) join the key, beside
the name, the language and the request's path: what the body reads from the
view's context and is not in the path must be one of them. A last bare word
`sitewide` leaves the path out of the key, for a body that is the same on every
page (the menu, the footer).
"""

from django import template
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe

from alleger.core import fragments

register = template.Library()


def _parse_body(parser, end: str):
    """The fragment's body, which may hold no {% block %}: a page extending base.html walks base's nodes
    for its blocks on every render (ExtendsNode), and the fragments' bodies are left out of that walk."""
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(f"no {{% block %}} inside a fragment (ended by {{% {end} %}})")
    return nodelist


class SharedNode(template.Node):
    # Not walked by get_nodes_by_type (see _parse_body).
    child_nodelists = ()

    def __init__(self, nodelist, name, parts, per_path):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.per_path = per_path

    def render(self, context):
        request = context.get("request")
        name = self.name.resolve(context)
        parts = tuple(str(part.resolve(context)) for part in self.parts)

        def render_as_visitor():
            with context.push(fragments.visitor_context(request)):
                return self.nodelist.render(context)

        return mark_safe(fragments.shared(name, request, parts, render_as_visitor, per_path=self.per_path))  # noqa: S308 — rendered by the template


class PersonalNode(template.Node):
    child_nodelists = ()

    def __init__(self, nodelist, name, parts):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context):
        request = context.get("request")

        def render_as_person():
            with context.push(csrf_token=fragments.holes()[0]):
                return self.nodelist.render(context)

        parts = tuple(str(part.resolve(context)) for part in self.parts)
        return mark_safe(fragments.personal(self.name.resolve(context), request,  # noqa: S308 — rendered by the template
                                            context.get("user"), render_as_person, parts))


@register.tag
def personal(parser, token):
    """`{% personal "name" part… %}…{% endpersonal %}`: a part of the page that is the signed-in person's own.

    Rendered with the real context and cached for this person only (and only while they are signed in
    with the same session hash), keyed by the data version like a shared fragment. The page's path is
    not in the key: what the body reads of the page goes in the parts.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% personal %} needs a name: {% personal \"name\" part… %}")
    nodelist = _parse_body(parser, "endpersonal")
    return PersonalNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]])


@register.tag
def shared(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% shared %} needs a name: {% shared \"name\" part… %}")
    sitewide = bits[-1] == "sitewide"
    parts = bits[2:-1] if sitewide else bits[2:]
    nodelist = _parse_body(parser, "endshared")
    return SharedNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in parts],
                      per_path=not sitewide)
