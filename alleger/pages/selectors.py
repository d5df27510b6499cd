from functools import cache
from pathlib import Path

from django.conf import settings

from .models import Page

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@cache
def default_content(slug: str, language: str) -> str:
    """The Markdown shipped with the application (French when a language has no file)."""
    path = CONTENT_DIR / language / f"{slug}.md"
    if not path.exists():
        path = CONTENT_DIR / settings.LANGUAGE_CODE / f"{slug}.md"
    return path.read_text(encoding="utf-8")


def page_content(slug: str, language: str) -> str:
    """The page's Markdown: the platform team's edit if any, else the shipped default."""
    edited = Page.objects.filter(slug=slug, language=language).values_list("content", flat=True).first()
    return edited if edited is not None else default_content(slug, language)
