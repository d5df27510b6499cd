import json
from html.parser import HTMLParser


class HeadParser(HTMLParser):
    """The page's <meta property/name> values and its JSON-LD blocks (parsed)."""

    def __init__(self):
        super().__init__()
        self.meta, self.json_ld, self.links = {}, [], []
        self._in_ld = False
        self._ld_nonce = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld, self._ld_nonce = True, attrs.get("nonce")
        elif tag == "a":
            self.links.append(attrs.get("href"))
        elif tag == "link":
            self.links.append((attrs.get("rel"), attrs.get("href")))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append((json.loads(data), self._ld_nonce))


def parse(response) -> HeadParser:
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser
