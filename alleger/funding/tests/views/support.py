"""Helpers of the crowdfunding pages' tests (alleger/funding/tests/views/, one module per views module):
status, redirects, permissions, database state after each POST.

The cast comes from the root conftest (resident, moderator, sponsor…); a
project held by `holder` is live in Saint-Étienne unless a test says
otherwise. A refused action asserts that nothing changed.
"""

import io
import re
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image


def _body(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _key(response) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', _body(response))[1]


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")


def _meta(response) -> dict:
    parser = _Meta()
    parser.feed(_body(response))
    return parser.meta


def _contribute(client, project, *, amount="20", reward="", key="cle-1", provider="simulated_card",
                card="4242 4242 4242 4242", **extra):
    data = {"amount": amount, "kind": "donation", "reward": reward, "provider": provider, "card_number": card,
            "idempotency_key": key, "message": "", **extra}
    return client.post(reverse("funding:contribute", args=[project.slug]), data)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (31, 95, 74)).save(buffer, "PNG")
    return SimpleUploadedFile("cafe.png", buffer.getvalue(), content_type="image/png")
