import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from alleger.pages.structured import describe

register = template.Library()

# What json_script escapes: the JSON can then never close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict, nonce: str = "") -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json" nonce="{}">{}</script>', nonce, mark_safe(text))


@register.inclusion_tag("pages/_meta.html", takes_context=True)
def page_meta(context, obj):
    """OpenGraph tags and a schema.org JSON-LD block for a public object (in the page's meta_extra block)."""
    request = context["request"]
    description = describe(obj, request)
    return {
        "d": description,
        "json_ld": json_ld_script(description.json_ld, str(getattr(request, "csp_nonce", ""))) if description else "",
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }
