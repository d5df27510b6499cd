"""OpenGraph and schema.org (JSON-LD) descriptions of the public pages' objects.

One builder per model; `describe(obj, request)` returns what the head of the
page needs, or None for a model that has no public description.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language

from alleger.interventions.models import JournalPhoto


@dataclass
class Description:
    title: str
    description: str
    url: str
    og_type: str = "website"
    image: str = ""
    image_alt: str = ""
    json_ld: dict = field(default_factory=dict)


def _place(obj, request, name=None) -> dict:
    place = {"@type": "Place", "geo": {"@type": "GeoCoordinates", "latitude": obj.lat, "longitude": obj.lon}}
    if name:
        place["name"] = name
    return place


def _organisation_ref(organisation, request) -> dict:
    return {"@type": "Organization", "name": organisation.name,
            "url": request.build_absolute_uri(organisation.get_absolute_url())}


def _project(project, request) -> Description:
    url = request.build_absolute_uri(project.get_absolute_url())
    image = request.build_absolute_uri(project.image.url) if project.image else ""
    data = {"@type": "Project", "name": project.title, "description": project.summary, "url": url,
            "areaServed": {"@type": "City", "name": project.territory.name}}
    if image:
        data["image"] = image
    if project.organisation_id:
        data["parentOrganization"] = _organisation_ref(project.organisation, request)
    if project.deadline:
        data["potentialAction"] = {"@type": "DonateAction", "target": url,
                                   "endTime": project.deadline.isoformat()}
    return Description(project.title, project.summary, url, image=image, image_alt=project.image_alt,
                       json_ld=data)


def _kit(kit, request) -> Description:
    url = request.build_absolute_uri(kit.get_absolute_url())
    image = kit.images.first()
    data = {"@type": "HowTo", "name": kit.title, "description": kit.summary, "url": url,
            "step": [{"@type": "HowToStep", "position": position, "text": text}
                     for position, text in enumerate(_lines(kit.steps), start=1)]}
    if kit.tools:
        data["tool"] = [{"@type": "HowToTool", "name": text} for text in _lines(kit.tools)]
    if kit.published_at:
        data["datePublished"] = kit.published_at.isoformat()
    description = Description(kit.title, kit.summary, url, og_type="article", json_ld=data)
    if image is not None:
        description.image = data["image"] = request.build_absolute_uri(image.image.url)
        description.image_alt = image.alt
    return description


def _intervention(intervention, request) -> Description:
    url = request.build_absolute_uri(intervention.get_absolute_url())
    status = {"abandoned": "https://schema.org/EventCancelled"}.get(intervention.status,
                                                                   "https://schema.org/EventScheduled")
    location = (_place(intervention.asset, request, intervention.asset.name) if intervention.asset_id
                else _place(intervention, request))
    data = {"@type": "Event", "name": intervention.title, "url": url, "eventStatus": status,
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "startDate": intervention.starts_on.isoformat(), "location": location,
            "organizer": (_organisation_ref(intervention.organisation, request) if intervention.organisation_id
                          else {"@type": "Person", "name": intervention.organiser.public_name})}
    if intervention.ends_on:
        data["endDate"] = intervention.ends_on.isoformat()
    summary = _first_line(intervention.description)
    if summary:
        data["description"] = summary
    description = Description(intervention.title, summary, url, json_ld=data)
    # The latest photo of its journal shows what was done.
    photo = JournalPhoto.objects.filter(entry__intervention=intervention).order_by("-entry__created_at", "pk").first()
    if photo is not None:
        description.image = data["image"] = request.build_absolute_uri(photo.image.url)
        description.image_alt = photo.alt
    return description


def _asset(asset, request) -> Description:
    url = request.build_absolute_uri(asset.get_absolute_url())
    summary = f"{asset.asset_type.name} · {asset.get_status_display()}"
    data = {**_place(asset, request, asset.name), "url": url, "description": summary,
            "containedInPlace": {"@type": "City", "name": asset.territory.name}}
    if asset.address:
        data["address"] = asset.address
    description = Description(asset.name, summary, url, json_ld=data)
    photo = asset.photos.order_by("pk").first()
    if photo is not None:
        description.image = data["image"] = request.build_absolute_uri(photo.image.url)
        description.image_alt = photo.alt
    return description


def _organisation(organisation, request) -> Description:
    url = request.build_absolute_uri(organisation.get_absolute_url())
    summary = _first_line(organisation.description) or organisation.get_kind_display()
    data = {"@type": "Organization", "name": organisation.name, "url": url, "description": summary}
    if organisation.website:
        data["sameAs"] = organisation.website
    return Description(organisation.name, summary, url, json_ld=data)


def _territory(territory, request) -> Description:
    url = request.build_absolute_uri(territory.get_absolute_url())
    summary = territory.tagline or _first_line(territory.description)
    data = {"@type": "AdministrativeArea", "name": territory.name, "url": url}
    if summary:
        data["description"] = summary
    if territory.min_lat is not None:
        data["geo"] = {"@type": "GeoShape",
                       "box": f"{territory.min_lat} {territory.min_lon} {territory.max_lat} {territory.max_lon}"}
    return Description(territory.name, summary, url, json_ld=data)


def _proposal(proposal, request) -> Description:
    url = request.build_absolute_uri(proposal.get_absolute_url())
    summary = _first_line(proposal.body)
    data = {"@type": "CreativeWork", "name": proposal.title, "url": url, "description": summary,
            "dateCreated": proposal.created_at.isoformat(),
            "spatialCoverage": {"@type": "AdministrativeArea", "name": proposal.territory.name},
            "interactionStatistic": {"@type": "InteractionCounter", "interactionType": "https://schema.org/LikeAction",
                                     "userInteractionCount": proposal.supports_count}}
    return Description(proposal.title, summary, url, og_type="article", json_ld=data)


def _lines(text: str) -> list[str]:
    """The items of a Markdown list or paragraphs, without their markers."""
    items = (line.strip().lstrip("-*+").strip() for line in (text or "").splitlines())
    return [item.split(". ", 1)[1] if item[:1].isdigit() and ". " in item[:4] else item
            for item in items if item]


def _first_line(text: str) -> str:
    lines = _lines(text)
    return lines[0].lstrip("#").strip()[:300] if lines else ""


BUILDERS = {
    "funding.project": _project,
    "kits.kit": _kit,
    "interventions.intervention": _intervention,
    "assets.asset": _asset,
    "organisations.organisation": _organisation,
    "territories.territory": _territory,
    "proposals.proposal": _proposal,
}


def describe(obj, request) -> Description | None:
    builder = BUILDERS.get(obj._meta.label_lower)
    if builder is None:
        return None
    description = builder(obj, request)
    description.json_ld = {"@context": "https://schema.org", "inLanguage": get_language(),
                           **description.json_ld}
    return description
