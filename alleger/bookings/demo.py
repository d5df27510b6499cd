"""Demo bookings on the demo places (created by places.demo; a missing place is skipped).

Everything goes through the services (the rules apply; past states are written with `now=` in the
past). Idempotent: a resource that exists already is left alone, with its bookings.
"""

import datetime as dt

from django.utils import timezone

from alleger.core.errors import Refused
from alleger.places.models import Place

from . import services
from .models import Booking, Resource, Training

LASER_TRAINING = "Initiation à la découpeuse laser"

RESOURCES = {
    "La Fabrique, coworking": [
        dict(name="Salle de réunion Fauriel", kind=Resource.Kind.ROOM, capacity=1, opening_hours="Mo-Fr 09:00-19:00",
             slot_minutes=60, max_slots=4, buffer_minutes=15, cancel_hours=24, pricing=Resource.Pricing.PAID,
             price_cents=1500, description="Douze places, un écran et un tableau blanc."),
        dict(name="Salle de réunion Chappe", kind=Resource.Kind.ROOM, capacity=1, opening_hours="Mo-Fr 09:00-19:00",
             slot_minutes=60, max_slots=4, buffer_minutes=15, cancel_hours=24, pricing=Resource.Pricing.PAID,
             price_cents=1000, description="Six places, pour les entretiens et les petites réunions."),
        dict(name="Postes de travail nomades", kind=Resource.Kind.DESK, capacity=6, opening_hours="Mo-Fr 09:00-18:00",
             slot_minutes=60, max_slots=9, pricing=Resource.Pricing.PAID, price_cents=300,
             description="Six bureaux en open space, wifi et café compris."),
    ],
    "Fab lab de Jacquard": [
        dict(name="Découpeuse laser", kind=Resource.Kind.MACHINE, capacity=1, opening_hours="We,Sa 14:00-19:00",
             slot_minutes=60, max_slots=2, buffer_minutes=15, cancel_hours=12, pricing=Resource.Pricing.PAID,
             price_cents=800, description="Découpe et gravure du bois, du carton et de l'acrylique (60 × 40 cm).",
             training=LASER_TRAINING),
    ],
    "Salle des fêtes de Jacquard": [  # its service (places.demo) says the same hours and price
        dict(name="Grande salle", kind=Resource.Kind.ROOM, capacity=1, opening_hours="Mo-Su 09:00-23:00",
             slot_minutes=60, max_slots=8, buffer_minutes=60, cancel_hours=72, book_ahead_days=120,
             pricing=Resource.Pricing.PAID, price_cents=2500,
             description="120 places assises ou 150 debout, une cuisine équipée ; rangée et nettoyée après usage."),
    ],
    "Atelier de quartier de Carnot": [
        dict(name="Perceuse-visseuse", kind=Resource.Kind.TOOL, capacity=1,
             opening_hours="Tu,Th 17:00-20:00; Sa 10:00-12:00", slot_minutes=60, max_slots=3),
        dict(name="Scie sauteuse", kind=Resource.Kind.TOOL, capacity=1,
             opening_hours="Tu,Th 17:00-20:00; Sa 10:00-12:00", slot_minutes=60, max_slots=3),
    ],
    "Médiathèque de Carnot": [
        dict(name="Atelier numérique de l'EPN", kind=Resource.Kind.SEAT, capacity=5,
             opening_hours="Tu-Sa 10:00-18:00; PH off", slot_minutes=120, max_slots=1, cancel_hours=2,
             description="Cinq postes accompagnés par un médiateur numérique : démarches, courriel, photos."),
    ],
}


def _day(weekday: int, weeks: int = 0, hour: int = 10, minute: int = 0) -> dt.datetime:
    """The next `weekday` (0 = Monday) after today, `weeks` weeks later, at hour:minute local time."""
    today = timezone.localdate()
    days = (weekday - today.weekday()) % 7 or 7
    day = today + dt.timedelta(days=days + 7 * weeks)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _try(fn, **kwargs):
    try:
        return fn(**kwargs)
    except Refused:
        return None


#: Where the demo's places hear of their bookings when they have no address of their own.
DEMO_PLACE_MAILBOX = "reservations@lieux.alleger.localhost"


def load(context) -> None:
    people = context.people
    manager = people.get("martha")  # moderator of the city: she manages every place of Saint-Étienne
    created = {}
    for place_name, specs in RESOURCES.items():
        place = Place.objects.filter(name=place_name).first()
        if place is None:
            continue
        for spec in specs:
            spec = dict(spec)
            training_name = spec.pop("training", None)
            if Resource.objects.filter(place=place, name=spec["name"]).exists():
                continue
            if training_name:
                spec["training"] = Training.objects.get_or_create(
                    place=place, name=training_name,
                    defaults={"validity_days": 365,
                              "description": "Une heure avec un animateur : sécurité, réglages, premier projet."})[0]
            # Told of each booking: the place's address, else a demo mailbox (written to var/mail/ like the rest)
            resource = Resource(place=place, notify_email=place.email or DEMO_PLACE_MAILBOX, **spec)
            created[spec["name"]] = services.resource_save(resource=resource, actor=None)
    if not created or manager is None:
        return
    now = timezone.now()
    _coworking(created, people, manager, now)
    _fablab(created, people, manager, now)
    _hall(created, people, context, now)
    _epn(created, people, now)
    _tools(created, people)
    _history(created, people, now)
    # The in-kind offer of the hall to a campaign is funding's (alleger/funding/demo_links.py).


def _coworking(created, people, manager, now):
    room = created.get("Salle de réunion Fauriel")
    desks = created.get("Postes de travail nomades")
    if room is not None:
        # A past meeting that happened (checked in) and one nobody came to (a no-show).
        for who, hour, status in (("didier", 10, "checked_in"), ("alexis", 14, "no_show")):
            start = _day(1, -3, hour)
            booking = _try(services.booking_create, resource=room, user=people[who], start=start,
                           end=start + dt.timedelta(hours=2), purpose="Réunion", now=start - dt.timedelta(days=2))
            if booking is not None:
                mark = services.booking_check_in if status == "checked_in" else services.booking_no_show
                mark(booking=booking, actor=manager, now=start + dt.timedelta(minutes=20))
        for who, weekday, hour, purpose in (("didier", 0, 9, "Point avec les producteurs"),
                                            ("remi", 2, 14, "Comité de la cellule d'innovation"),
                                            ("helene", 3, 10, "Rencontre avec les porteurs de projets")):
            start = _day(weekday, 0, hour)
            _try(services.booking_create, resource=room, user=people[who], start=start,
                 end=start + dt.timedelta(hours=2), purpose=purpose)
        start = _day(4, 0, 16)
        cancelled = _try(services.booking_create, resource=room, user=people["clemence"], start=start,
                         end=start + dt.timedelta(hours=1))
        if cancelled is not None:
            services.booking_cancel(booking=cancelled, actor=people["clemence"])
    if desks is not None:
        for i, who in enumerate(("didier", "clemence", "alexis", "clement")):
            start = _day(1, 0, 9)
            _try(services.booking_create, resource=desks, user=people[who], start=start,
                 end=start + dt.timedelta(hours=4 + i), purpose="")


def _fablab(created, people, manager, now):
    laser = created.get("Découpeuse laser")
    if laser is None:
        return
    services.training_validate(training=laser.training, user=people["alexis"], actor=manager,
                               now=now - dt.timedelta(days=30))
    services.training_request(training=laser.training, user=people["clemence"])
    start = _day(5, 0, 15)
    _try(services.booking_create, resource=laser, user=people["alexis"], start=start,
         end=start + dt.timedelta(hours=2), purpose="Découpe des panneaux de la boîte à livres")


def _hall(created, people, context, now):
    hall = created.get("Salle des fêtes de Jacquard") or created.get("Grande salle")
    if hall is None:
        return
    start = _day(5, 1, 18)
    _try(services.booking_create, resource=hall, user=people["clemence"], start=start,
         end=start + dt.timedelta(hours=5), purpose="Fête de quartier de la rue Jacquard")
    # A group's rehearsal every Tuesday evening for ten weeks: one Tuesday is taken already.
    taken = _day(1, 3, 18)
    _try(services.booking_create, resource=hall, user=people["alexis"], start=taken,
         end=taken + dt.timedelta(hours=4), purpose="Assemblée générale de l'AMAP")
    association = context.organisations.get("association")
    start = _day(1, 0, 19)
    services.series_book(resource=hall, user=people["clement"], start=start, end=start + dt.timedelta(hours=2),
                         weeks=10, title="Répétition de la chorale du Café d'à Côté", organisation=association)


def _epn(created, people, now):
    epn = created.get("Atelier numérique de l'EPN")
    if epn is None:
        return
    full = _day(3, 0, 14)  # Thursday afternoon: full, with a waitlist
    seats = []
    for who in ("alexis", "clement", "didier", "helene", "remi"):
        seats.append(_try(services.booking_create, resource=epn, user=people[who], start=full,
                          end=full + dt.timedelta(hours=2), purpose="Démarches en ligne"))
    _try(services.waitlist_join, resource=epn, user=people["clemence"], start=full, end=full + dt.timedelta(hours=2))
    _try(services.waitlist_join, resource=epn, user=people["admin"], start=full, end=full + dt.timedelta(hours=2))
    # Hélène frees her seat: it is held for Clémence, first in line, until she confirms.
    if seats[3] is not None:
        services.booking_cancel(booking=seats[3], actor=people["helene"])
    # Another Thursday: full, a freed seat offered to Didier, who lets the hold lapse: it passes on.
    later = _day(3, 1, 10)
    taken = [_try(services.booking_create, resource=epn, user=people[who], start=later,
                  end=later + dt.timedelta(hours=2)) for who in ("alexis", "clement", "clemence", "helene", "remi")]
    _try(services.waitlist_join, resource=epn, user=people["didier"], start=later, end=later + dt.timedelta(hours=2))
    _try(services.waitlist_join, resource=epn, user=people["admin"], start=later, end=later + dt.timedelta(hours=2))
    if taken[4] is not None:
        services.booking_cancel(booking=taken[4], actor=people["remi"])
        held = taken[4].resource.bookings.filter(user=people["didier"], status="held").first()
        if held is not None:
            services.hold_expire(held.pk, now=held.hold_until)


def _tools(created, people):
    drill = created.get("Perceuse-visseuse")
    if drill is not None:
        start = _day(5, 0, 10)
        _try(services.booking_create, resource=drill, user=people["clemence"], start=start,
             end=start + dt.timedelta(hours=2), purpose="Monter les étagères de la boîte à livres")



def _past(resource, user, start: dt.datetime, hours: int, purpose: str = ""):
    """A past booking, made two days before it, as it was then: the rules checked at that time, and its
    creation date set to that day (the dashboards and the watch count bookings on the day they were made)."""
    made = start - dt.timedelta(days=2)
    booking = _try(services.booking_create, resource=resource, user=user, start=start,
                   end=start + dt.timedelta(hours=hours), purpose=purpose, now=made)
    if booking is not None:
        Booking.objects.filter(pk=booking.pk).update(created_at=made, updated_at=made)
    return booking


def _history(created, people, now):
    """Eight weeks of past bookings, for the occupancy figures and the watch's « occupancy rising »: La
    Fabrique's desks fill up (one person a weekday four weeks ago, three people a weekday these last four
    weeks), while the party hall is steady (a Saturday evening a week)."""
    desks = created.get("Postes de travail nomades")
    hall = created.get("Grande salle")
    today = timezone.localdate(now)
    regulars = [people[who] for who in ("didier", "clemence", "alexis", "clement")]
    for days_ago in range(1, 56):
        day = today - dt.timedelta(days=days_ago)
        if desks is not None and day.weekday() < 5:
            recent = days_ago < 28
            for i in range(3 if recent else 1):
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + i)))
                _past(desks, regulars[(days_ago + i) % len(regulars)], start, 6 if recent else 4)
        if hall is not None and day.weekday() == 5:
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(18)))
            _past(hall, regulars[days_ago % len(regulars)], start, 4, "Soirée du quartier")
