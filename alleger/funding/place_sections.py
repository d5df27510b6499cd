"""The place page's part « Un projet de financement participatif crée ce lieu » (core.sections page "place")."""

from .models import Project

SHOWN = (Project.Status.PUBLISHED, Project.Status.SUCCEEDED)


def place_section(request, place) -> dict | None:
    projects = list(Project.objects.filter(place=place, status__in=SHOWN).order_by("-published_at", "pk"))
    return {"projects": projects} if projects else None


def created_place(project) -> dict | None:
    """{"place", "url"} of the published place the project creates (url None while places pages are absent)."""
    from alleger.places.models import Place
    from alleger.places.nearby import place_url

    place = project.place
    if place is None or place.moderation != Place.Moderation.PUBLISHED:
        return None
    return {"place": place, "url": place_url(place)}


def place_form(request, project):
    """The holder's form on the edit page (None for anyone else)."""
    from .forms.places import ProjectPlaceForm

    if not request.user.has_perm("funding.change_project", project):
        return None
    return ProjectPlaceForm(project=project, initial={"place": project.place_id})
