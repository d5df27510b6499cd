"""« Ce projet crée le lieu … »: a crowdfunding project can be the creation of a shared place."""

from django.db import transaction
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record
from alleger.places.models import Place

from ..models import Project


@transaction.atomic
def project_set_place(*, project: Project, actor, place: Place | None) -> Project:
    """The holder says which place the project creates (None: none). A published place of its territory."""
    if not actor.has_perm("funding.change_project", project):
        raise Refused("forbidden", _("Seul le porteur du projet choisit le lieu qu'il crée."), status=403)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if place is not None and (place.territory_id != project.territory_id
                              or place.moderation != Place.Moderation.PUBLISHED):
        raise Refused("place_elsewhere", _("Choisissez un lieu publié du territoire du projet."))
    old = project.place_id
    if old == (place.pk if place else None):
        return project
    project.place = place
    project.save(update_fields=["place", "updated_at"])
    audit_record(actor=actor, action="project.place", target=project, old=old, new=place.pk if place else None)
    return project
