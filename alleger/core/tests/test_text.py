"""Text that cannot break our outputs: cleaned once at every entrance (pages, API, Open311), and again
by the XML writers (feeds, Open311) for text stored before. Runs on SQLite and PostgreSQL alike."""

import json
from xml.etree import ElementTree

import pytest
from django.db import connection

from alleger.accounts.services import api_token_create
from alleger.core.text import clean_data, clean_text, csv_cell
from alleger.kits.models import Kit
from alleger.proposals.models import Proposal
from alleger.reports.models import Report
from alleger.testing.discussions_factories import make_proposal
from alleger.testing.kits_factories import make_kit
from alleger.testing.reports_factories import make_category, make_report

#: NUL (PostgreSQL refuses it), a vertical tab, an escape sequence, a non-character, a lone surrogate.
HOSTILE = "Bancs\x00 \x0bà\x1b[31m\u202e repeindre\u2066\ufffe\ud800"
CLEAN = "Bancs à[31m repeindre"
#: A form post is bytes decoded by Django (a lone surrogate arrives as U+FFFD): the same minus the surrogate.
FORM_HOSTILE = HOSTILE.replace("\ud800", "")

ATOM = "{http://www.w3.org/2005/Atom}"


def test_clean_text_keeps_what_xml_allows_and_drops_the_rest():
    assert clean_text(HOSTILE) == CLEAN
    kept = "tab\tnewline\nreturn\r é € 😀 \u2028 \ufffd \u200e\u200f العربية"
    assert clean_text(kept) == kept
    assert clean_text("".join(map(chr, range(32)))) == "\t\n\r"
    # The bidirectional embeddings, overrides and isolates turn the text around them backwards
    assert clean_text("Bac à\u202a\u202b\u202c\u202d\u202e fleurs\u2066\u2067\u2068\u2069") == "Bac à fleurs"
    assert clean_data({"a\x00": [HOSTILE, 3, None, {"b": "\x1f"}]}) == {"a": [CLEAN, 3, None, {"b": ""}]}


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    (" =1+1", "' =1+1"), ("\u00a0=1+1", "'\u00a0=1+1"), ("\u202f@x", "'\u202f@x"), ("\n\n-2", "'\n\n-2"),
    ("\ufeff=1", "'\ufeff=1"), ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
    ("\t", "'\t"), ("\tplain", "'\tplain"), ("\rplain", "'\rplain"),
    ("plain", "plain"), ("a = b", "a = b"), ("", ""), (None, ""), (12, "12"), ("=\x00x", "'=x"),
])
def test_csv_cell_defuses_formulas_even_behind_blanks(value, expected):
    assert csv_cell(value) == expected


# --- the entrances ----------------------------------------------------------------------------------------


KIT_FORM = {"title": FORM_HOSTILE, "summary": FORM_HOSTILE, "category": "furniture_repair", "axis": "dur", "level": "1",
            "group_size": "", "duration": "temporary", "frequency": "occasional", "steps": f"1. {FORM_HOSTILE}",
            "note": ""}


def test_a_page_form_stores_clean_text(client, resident):
    client.force_login(resident)
    response = client.post("/kits/nouveau/", KIT_FORM)
    assert response.status_code == 302
    kit = Kit.objects.get()
    assert (kit.title, kit.summary, kit.steps) == (CLEAN, CLEAN, f"1. {CLEAN}")
    assert kit.versions.get().content["title"] == CLEAN


def test_a_query_string_is_cleaned_too(client, db):
    make_kit(status=Kit.Status.PUBLISHED, title="Repeindre les bancs")
    make_kit(status=Kit.Status.PUBLISHED, title="Fleurir les pieds d'arbres")
    response = client.get("/kits/", {"q": "Repeindre\x00 bancs\x1b"})
    assert response.status_code == 200
    assert [kit.title for kit in response.context["kits"]] == ["Repeindre les bancs"]


def test_the_api_stores_clean_text(client, resident):
    token = api_token_create(user=resident, name="test")[1]
    body = json.dumps({"title": HOSTILE, "summary": HOSTILE, "category": "furniture_repair", "axis": "dur",
                       "steps": HOSTILE, "note": HOSTILE})
    response = client.post("/api/v1/kits", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    kit = Kit.objects.get()
    assert (kit.title, kit.summary, kit.steps) == (CLEAN, CLEAN, CLEAN)
    assert response.json()["title"] == CLEAN


def test_open311_post_stores_clean_text(client, territory, resident):
    make_category(territory=territory)
    api_key = api_token_create(user=resident, name="Appli")[1]
    response = client.post("/open311/v2/requests.json", {
        "api_key": api_key, "service_code": "velo-partage", "lat": "45.44", "long": "4.39",
        "description": FORM_HOSTILE, "address_string": FORM_HOSTILE, "first_name": FORM_HOSTILE,
    })
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert (report.description, report.address, report.contact_first_name) == (CLEAN, CLEAN, CLEAN)


# --- text stored before the guard: the outputs still hold -------------------------------------------------


@pytest.fixture
def stored():
    """Control characters as an old row may hold them; NUL only where the database can store it."""
    text = "Vieux\x0b titre\x1b\x08 sale\ufffe\uffff"
    return text + ("\x00" if connection.vendor == "sqlite" else ""), "Vieux titre sale"


@pytest.fixture
def dirty_news(territory, stored):
    raw, _clean = stored
    kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED)
    Kit.objects.filter(pk=kit.pk).update(title=raw, summary=raw)
    report = make_report(category=make_category(territory=territory))
    Report.objects.filter(pk=report.pk).update(address=raw, description=raw)
    proposal = make_proposal(territory=territory)
    Proposal.objects.filter(pk=proposal.pk).update(title=raw)
    assert Kit.objects.get(pk=kit.pk).title == raw  # stored as is, past every entrance


@pytest.mark.parametrize("kind, items, title", [("atom", f"{ATOM}entry", f"{ATOM}title"),
                                                ("rss", "channel/item", "title")])
def test_the_feeds_stay_valid_xml_over_stored_control_characters(client, territory, dirty_news, stored, kind,
                                                                 items, title):
    response = client.get(f"/t/{territory.slug}/flux.{kind}")
    assert response.status_code == 200
    entries = ElementTree.fromstring(response.content).findall(items)
    titles = sorted(e.findtext(title) for e in entries)
    assert len(titles) == 3 and all(stored[1] in t for t in titles), titles


def test_open311_xml_stays_valid_over_stored_control_characters(client, territory, dirty_news, stored):
    response = client.get("/open311/v2/requests.xml")
    assert response.status_code == 200
    [request] = ElementTree.fromstring(response.content)
    assert request.findtext("description") == request.findtext("address") == stored[1]
