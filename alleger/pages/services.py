from django.db import transaction

from alleger.core.services import audit_record

from .models import Page


@transaction.atomic
def page_save(*, actor, slug: str, language: str, content: str) -> Page:
    """Publish a new text for a trust page; the previous one is kept in the audit trail."""
    page = Page.objects.select_for_update().filter(slug=slug, language=language).first()
    previous = page.content if page else None
    if page is None:
        page = Page(slug=slug, language=language)
    page.content = content
    page.updated_by = actor if actor is not None and actor.is_authenticated else None
    page.full_clean()
    page.save()
    audit_record(actor=actor, action="pages.page_saved", target=page, slug=slug, language=language,
                 previous=previous, content=content)
    return page


@transaction.atomic
def page_reset(*, actor, page: Page) -> None:
    """Drop the edited text: the page shows the shipped default again (audited with the dropped text)."""
    audit_record(actor=actor, action="pages.page_reset", target=page, slug=page.slug, language=page.language,
                 previous=page.content)
    page.delete()
