"""Text that cannot break what we write it into: XML, feeds, PostgreSQL, spreadsheets.

`clean_text` removes the characters XML 1.0 forbids: the C0 controls except tab,
newline and carriage return (U+0000 NUL among them, which PostgreSQL refuses
too), the non-characters U+FFFE and U+FFFF, and lone surrogates (they cannot be
encoded in UTF-8). It also removes the bidirectional embedding, override and isolate
controls (U+202A–U+202E, U+2066–U+2069): one of them in a name turns the rest of the line around it
backwards — « Bac à fleurs » followed by its status read « sruelf … » in a list — and in a
file or a feed it hides what the text says (« Trojan Source », CVE-2021-42574). Right-to-left
writing needs none of them; the marks U+200E and U+200F, which reorder nothing around them, stay.
It is applied once to everything that comes in —
`TextInputMiddleware` for query strings and form posts (pages and Open311),
`alleger.core.api.TextParser` for the API's JSON bodies, the asset import for files — and again
on the way out by the XML writers (Open311 XML, Atom/RSS feeds), for text
stored before this guard existed.

Stripping rather than refusing: these characters are never typed on purpose
(copied from a PDF or a terminal, or sent to break things), and every system
that meets them in the wild drops them.
"""

import csv
import io
import re
from decimal import Decimal

from django.http import QueryDict

#: Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets), and the bidirectional
#: embedding, override and isolate controls.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """`value` without the characters XML 1.0 forbids nor the bidirectional controls."""
    return _NOT_XML.sub("", value)


def clean_data(value):
    """Every string in a JSON-like value (dicts, lists, their keys) cleaned with `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    return value


def _clean_querydict(data: QueryDict) -> QueryDict:
    """The same query, every key and value cleaned (the same object when nothing needs it)."""
    if not any(_NOT_XML.search(k) or any(_NOT_XML.search(v) for v in data.getlist(k)) for k in data):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(v) for v in values])
    return QueryDict(cleaned.urlencode(), encoding=data.encoding)  # read-only, as Django hands it


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class TextInputMiddleware:
    """Cleans the query string and form fields of every request before any view or form reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _clean_querydict(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = _clean_querydict(request.POST)
        return self.get_response(request)


#: A formula sign (= + - @, or their full-width forms) after any blanks, which spreadsheets skip.
_FORMULA = re.compile("^[\\s\ufeff\u200b-\u200d\u2060]*[=+\\-@\uff1d\uff0b\uff0d\uff20]")


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text and never runs as a formula (OWASP "CSV injection").

    A cell that starts with a tab or a carriage return, or whose first visible
    character starts a formula, gets a leading apostrophe: spreadsheets skip
    spaces, no-break spaces and line breaks before the sign, so "  =1+1" is a formula.
    """
    text = clean_text("" if value is None else str(value))
    if text[:1] in ("\t", "\r") or _FORMULA.match(text):
        return "'" + text
    return text


def spreadsheet_value(value) -> str:
    """A value as a French spreadsheet reads it: decimal commas (6 decimals at most, no trailing zeros but
    for money's cents), « oui »/« non », nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float | Decimal):
        if isinstance(value, float):
            value = Decimal(repr(round(value, 6)))
        text = f"{value:f}" if value.as_tuple().exponent == -2 else f"{value.normalize():f}"
        return text.replace(".", ",")
    return str(value)


def spreadsheet_csv(columns, rows) -> str:
    """Rows (dicts) as the CSV a French spreadsheet opens as is: a byte order mark (UTF-8), semicolons, CRLF,
    decimal commas, and every cell through the formula guard (`csv_cell`). Every export writes this."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([csv_cell(spreadsheet_value(row.get(column))) for column in columns])
    return out.getvalue()
