"""Demo links made once every app has loaded (core's demo_data runs them after every `demo`): a shared
place lends its hall to a live campaign's room need, and the holder's acceptance books it."""

import datetime as dt

from django.utils import timezone

from alleger.bookings.models import Resource
from alleger.core.errors import Refused

from .models import Need, Offer, Project
from .services.needs import need_add, offer_resource, offer_set_status


def load(context) -> None:
    hall = Resource.objects.filter(name="Grande salle", place__name="Salle des fêtes de Jacquard").first()
    manager = context.people.get("martha")
    if hall is None or manager is None or Offer.objects.filter(resource=hall).exists():
        return
    need = (Need.objects.filter(kind__in=(Need.Kind.ROOM, Need.Kind.EQUIPMENT), fulfilled=False,
                                project__status=Project.Status.PUBLISHED, project__territory=hall.place.territory)
            .select_related("project").order_by("-kind", "pk").first())
    if need is None:
        project = Project.objects.filter(status=Project.Status.PUBLISHED, territory=hall.place.territory).first()
        if project is None:
            return
        need = need_add(project=project, actor=project.holder, kind=Need.Kind.ROOM,
                        title="Une salle pour la soirée de lancement")
    day = timezone.localdate() + dt.timedelta(days=(6 - timezone.localdate().weekday()) % 7 + 7)  # a Sunday
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(14)))
    try:
        offer = offer_resource(need=need, author=manager, resource=hall, start=start, end=start + dt.timedelta(hours=4),
                               message="La salle des fêtes vous accueille un dimanche après-midi, gracieusement.")
        offer_set_status(offer=offer, actor=need.project.holder, status=Offer.Status.ACCEPTED,
                         answer="Merci, c'est parfait pour notre réunion publique !")
    except Refused:
        return
