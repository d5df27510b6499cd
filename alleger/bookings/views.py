"""Pages of the bookings: thin, the rules are the services'. Every form works without JavaScript."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alleger.core import charts
from alleger.core.forms import add_refusal
from alleger.core.grammar import date_format
from alleger.core.templatetags.alleger import semicolon
from alleger.organisations.models import Organisation
from alleger.organisations.rules import belongs_to
from alleger.places import selectors as place_selectors
from alleger.places.models import Place

from . import ics, selectors, services
from .forms import ResourceForm, SeriesForm, SlotForm
from .models import (
    Booking,
    CalendarToken,
    Qualification,
    Resource,
    Series,
    Status,
    Training,
    WaitlistEntry,
)

GRID_DAYS = 7


def _resource(pk) -> Resource:
    return get_object_or_404(Resource.objects.select_related("place__territory", "training"), pk=pk)


def _booking(request, pk, perm="bookings.view_booking") -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("resource__place", "user", "organisation"), pk=pk)
    if not request.user.has_perm(perm, booking):
        raise Http404 if perm == "bookings.view_booking" else PermissionDenied
    return booking


def resource_list(request):
    resources = list(selectors.bookable_resources().order_by("place__name", "name"))
    places = {}
    for r in resources:
        places.setdefault(r.place, []).append(r)
    return render(request, "bookings/list.html", {"places": places})


def _organisations(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def resource_detail(request, pk, *, form=None, series_form=None, waitlist_offer=False, status=200):
    resource = _resource(pk)
    user = request.user
    if not user.has_perm("bookings.view_resource", resource):
        raise Http404
    can_book = user.has_perm("bookings.book_resource", resource)
    week, weeks, since, until = _week_shown(request, resource)
    # Only what may be booked: a slot starting past the booking window would be refused (too_early).
    horizon = timezone.now() + dt.timedelta(days=resource.book_ahead_days)
    grid = [s for s in selectors.slot_grid(resource, since=since, until=until) if s.start <= horizon]
    days = {}
    for slot in grid:
        days.setdefault(timezone.localtime(slot.start).date(), []).append(slot)
    qualification = None
    if resource.training_id and user.is_authenticated:
        qualification = Qualification.objects.filter(training=resource.training, user=user).first()
    initial = {"slots": 1, "seats": 1}
    if grid:
        first_free = next((s for s in grid if s.is_free), grid[0])
        local = timezone.localtime(first_free.start)
        initial |= {"day": local.date(), "start": local.time()}
    training_valid = bool(qualification and qualification.status == Qualification.Status.VALIDATED
                          and (qualification.expires_at is None or qualification.expires_at > timezone.now()))
    return render(request, "bookings/resource.html", {
        "resource": resource,
        "place": resource.place,
        # The bookable hours in words, as on a place's page (the OpenStreetMap expression stays beside them).
        "week": place_selectors.week_schedule(resource.opening_hours, timezone.now()) if resource.opening_hours else [],
        "days": days,
        "can_book": can_book,
        "can_manage": user.has_perm("bookings.manage_resource", resource),
        "form": form or SlotForm(resource=resource, initial=initial),
        "series_form": series_form or (SeriesForm(resource=resource, organisations=_organisations(user),
                                                  initial=initial | {"weeks": 10}, prefix="serie")
                                       if can_book else None),
        "waitlist_offer": waitlist_offer,
        "qualification": qualification,
        "training_valid": training_valid,
        # One-click slots for who may book them now; the form stays for everyone (and says why not).
        "quick_book": can_book and (not resource.training_id or training_valid),
        # A slot starting before this no longer cancels online once booked: the grid says so before the click.
        "cancel_limit": timezone.now() + dt.timedelta(hours=resource.cancel_hours),
        "week_shown": week, "last_week": weeks - 1, "previous_week": week - 1, "next_week": week + 1,
        "first_day": timezone.localtime(since).date(),
        "last_day": timezone.localtime(until - dt.timedelta(microseconds=1)).date(),
    }, status=status)


def _week_shown(request, resource: Resource):
    """Which week of the booking window the page shows (`?semaine=N`: 0 for today and the six days after,
    then each next seven days; anything else is the nearest week there is), how many there are, and the
    instants its grid runs between (from now, for the first; from midnight, for the others)."""
    now = timezone.now()
    weeks = resource.book_ahead_days // GRID_DAYS + 1
    raw = request.GET.get("semaine", "")
    week = min(max(int(raw), 0), weeks - 1) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 0
    first = timezone.localdate(now) + dt.timedelta(days=GRID_DAYS * week)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=GRID_DAYS), dt.time()))
    return week, weeks, max(start, now), end


@login_required
@require_POST
def resource_book(request, pk):
    resource = _resource(pk)
    if not request.user.has_perm("bookings.book_resource", resource):
        raise PermissionDenied
    form = SlotForm(request.POST, resource=resource)
    if form.is_valid():
        start, end = form.range()
        try:
            booking = services.booking_create(resource=resource, user=request.user, start=start, end=end,
                                              seats=form.cleaned_data["seats"], purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_refusal(form, exc)
            return resource_detail(request, pk, form=form, waitlist_offer=exc.code in ("full", "slot_taken"),
                                   status=409 if getattr(exc, "status", 400) == 409 else 400)
        messages.success(request, _("C'est réservé. La confirmation vous est envoyée par courriel."))
        return redirect(booking)
    return resource_detail(request, pk, form=form, status=400)


@login_required
@require_POST
def resource_waitlist(request, pk):
    resource = _resource(pk)
    if not request.user.has_perm("bookings.book_resource", resource):
        raise PermissionDenied
    form = SlotForm(request.POST, resource=resource)
    if form.is_valid():
        start, end = form.range()
        try:
            services.waitlist_join(resource=resource, user=request.user, start=start, end=end,
                                   seats=form.cleaned_data["seats"])
        except ValidationError as exc:
            add_refusal(form, exc)
            return resource_detail(request, pk, form=form, status=409)
        messages.success(request, _("Vous êtes sur la liste d'attente. Si une place se libère, elle vous sera "
                                    "proposée : vous aurez un délai pour la confirmer."))
        return redirect("bookings:mine")
    return resource_detail(request, pk, form=form, status=400)


@login_required
@require_POST
def resource_series(request, pk):
    resource = _resource(pk)
    if not request.user.has_perm("bookings.book_resource", resource):
        raise PermissionDenied
    form = SeriesForm(request.POST, resource=resource, organisations=_organisations(request.user), prefix="serie")
    if form.is_valid():
        start, end = form.range()
        try:
            series = services.series_book(resource=resource, user=request.user, start=start, end=end,
                                          weeks=form.cleaned_data["weeks"], title=form.cleaned_data["title"],
                                          organisation=form.cleaned_data["organisation"])
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            # Its own address (reloading it books nothing again, and it can be found later)
            return redirect("bookings:series_detail", pk=series.pk)
    return resource_detail(request, pk, series_form=form, status=400)


@login_required
def series_detail(request, pk):
    series = get_object_or_404(Series.objects.select_related("resource__place", "organisation"), pk=pk)
    # The person who booked it, the place's managers, and the members of the group it was booked for.
    if (series.user_id != request.user.pk
            and not request.user.has_perm("bookings.manage_place", series.resource.place)
            and not (request.user.is_authenticated and belongs_to(request.user, series.organisation_id))):
        raise Http404
    conflicts = [{**c, "day": dt.date.fromisoformat(c["date"])} for c in series.conflicts]
    bookings = list(series.bookings.order_by("start"))
    now = timezone.now()
    return render(request, "bookings/series.html", {
        "series": series, "resource": series.resource, "conflicts": conflicts, "bookings": bookings,
        "coming": sum(b.status in (Status.HELD, Status.CONFIRMED) and b.start > now for b in bookings),
    })


@login_required
@require_POST
def series_cancel(request, pk):
    series = get_object_or_404(Series, pk=pk, user=request.user)
    try:
        cancelled, kept = services.series_cancel(series=series, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("bookings:series_detail", pk=series.pk)
    parts = []
    if cancelled:
        parts.append(ngettext("%(n)d date annulée ; son créneau est proposé à la liste d'attente.",
                              "%(n)d dates annulées ; leurs créneaux sont proposés à la liste d'attente.",
                              cancelled) % {"n": cancelled})
    if kept:
        parts.append(ngettext(
            "Trop tard pour annuler en ligne la date du %(list)s : prévenez le lieu.",
            "Trop tard pour annuler en ligne les dates des %(list)s : prévenez le lieu.", len(kept)) % {
            "list": (semicolon() + " ").join(date_format(timezone.localtime(b.start), "l j F, H:i") for b in kept)})
    (messages.success if cancelled else messages.warning)(
        request, " ".join(parts) or _("Aucune date à venir à annuler."))
    return redirect("bookings:series_detail", pk=series.pk)


def resource_feed(request, pk):
    """The public iCalendar of a resource: busy periods (no names) and free slots of the coming weeks."""
    resource = _resource(pk)
    if not request.user.has_perm("bookings.view_resource", resource):
        raise Http404
    since = timezone.now()
    until = since + dt.timedelta(days=selectors.SPARE_DAYS)
    body = ics.resource_calendar(resource, selectors.busy_ranges(resource, since=since, until=until),
                                 selectors.free_slots(resource, since=since), since=since, until=until)
    return _ics(body, f"ressource-{resource.pk}.ics")


def _ics(body: bytes, filename: str, *, attachment=False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def booking_detail(request, pk):
    booking = _booking(request, pk)
    until = services.cancel_until(booking)
    mine = booking.user_id == request.user.pk
    # Past its deadline a confirmed booking no longer cancels online: say so, rather than offer a button
    # that would refuse.
    too_late = mine and booking.status == Status.CONFIRMED and timezone.now() > until
    return render(request, "bookings/booking.html", {
        "booking": booking,
        "mine": mine,
        "can_cancel": (booking.is_active and not too_late
                       and request.user.has_perm("bookings.cancel_booking", booking)),
        "too_late": too_late,
        "can_check_in": request.user.has_perm("bookings.check_in", booking),
        "cancel_until": until,
        "reason_max": services.REASON_MAX,
    })


@login_required
def booking_ics(request, pk):
    booking = _booking(request, pk)
    return _ics(ics.booking_calendar(booking), f"reservation-{booking.pk}.ics", attachment=True)


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = _booking(request, pk, "bookings.cancel_booking")
    try:
        services.booking_cancel(booking=booking, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        if booking.user_id == request.user.pk:
            messages.success(request, _("La réservation est annulée."))
        else:
            messages.success(request, _("La réservation est annulée ; %(name)s en est prévenu·e par courriel.")
                             % {"name": booking.user.public_name})
    return redirect(booking)


@login_required
@require_POST
def booking_claim(request, pk):
    booking = _booking(request, pk)
    try:
        services.hold_claim(booking=booking, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Le créneau est à vous : c'est réservé."))
    return redirect(booking)


@login_required
@require_POST
def booking_attendance(request, pk):
    booking = _booking(request, pk, "bookings.check_in")
    action = request.POST.get("action")
    service = {"check_in": services.booking_check_in, "no_show": services.booking_no_show}.get(action)
    if service is None:
        messages.error(request, _("Action inconnue."))
    else:
        try:
            service(booking=booking, actor=request.user)
        except ValidationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Présence constatée.") if action == "check_in" else
                             _("Absence constatée : le créneau est libéré."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/reservations/")
                    else booking.get_absolute_url())


@login_required
def mine(request):
    return render(request, "bookings/mine.html", {
        **selectors.my_bookings(request.user),
        "tokens": list(request.user.calendar_tokens.all()),
        "new_feed": request.session.pop("bookings_new_feed", None),
    })


@login_required
@require_POST
def waitlist_leave(request, pk):
    entry = get_object_or_404(WaitlistEntry, pk=pk, user=request.user)
    services.waitlist_leave(entry=entry, user=request.user)
    messages.success(request, _("Vous avez quitté la liste d'attente."))
    return redirect("bookings:mine")


@login_required
@require_POST
def calendar_token_create(request):
    _token, raw = services.calendar_token_create(user=request.user)
    # Shown once, on the next page: only its hash is kept.
    request.session["bookings_new_feed"] = request.build_absolute_uri(
        f"/reservations/agenda/{raw}.ics")
    return redirect("bookings:mine")


@login_required
@require_POST
def calendar_token_revoke(request, pk):
    token = get_object_or_404(CalendarToken, pk=pk, user=request.user)
    services.calendar_token_revoke(token=token, user=request.user)
    messages.success(request, _("Ce lien d'agenda ne fonctionne plus."))
    return redirect("bookings:mine")


def calendar_feed(request, token):
    found = CalendarToken.objects.select_related("user").filter(key_hash=CalendarToken.hash(token)).first()
    if found is None or not found.user.is_active:
        raise Http404
    return _ics(ics.person_calendar(selectors.feed_bookings(found.user)), "reservations.ics")


@login_required
@require_POST
def training_request(request, pk):
    training = get_object_or_404(Training, pk=pk)
    if not request.user.has_perm("bookings.request_training", training):
        raise PermissionDenied
    services.training_request(training=training, user=request.user)
    messages.success(request, _("Vous êtes inscrit(e) à la formation. Le lieu la validera une fois suivie."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/reservations/")
                    else "bookings:mine")


@login_required
@require_POST
def training_decide(request, pk, user_pk):
    training = get_object_or_404(Training.objects.select_related("place"), pk=pk)
    if not request.user.has_perm("bookings.validate_training", training):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_pk)
    try:
        if request.POST.get("action") == "revoke":
            qualification = get_object_or_404(Qualification, training=training, user=person)
            services.training_revoke(qualification=qualification, actor=request.user)
            messages.success(request, _("La formation de %(name)s est retirée.") % {"name": person.public_name})
        else:
            services.training_validate(training=training, user=person, actor=request.user)
            messages.success(request, _("La formation de %(name)s est validée.") % {"name": person.public_name})
    except ValidationError as exc:
        messages.error(request, exc.message)
    return redirect("bookings:manage", place_pk=training.place_id)


def _place(place_pk) -> Place:
    return get_object_or_404(Place.objects.select_related("territory", "operator"), pk=place_pk)


@login_required
def manage(request, place_pk):
    place = _place(place_pk)
    if not request.user.has_perm("bookings.manage_place", place):
        raise PermissionDenied
    return render(request, "bookings/manage.html", {
        "place": place,
        "resources": list(selectors.place_resources(place)),
        **selectors.manager_view(place),
        "now": timezone.now(),
    })


@login_required
def resource_edit(request, place_pk, pk=None):
    """The place's manager adds or changes a resource: every rule checked by the model, the change audited."""
    place = _place(place_pk)
    if not request.user.has_perm("bookings.manage_place", place):
        raise PermissionDenied
    resource = get_object_or_404(Resource, pk=pk, place=place) if pk else Resource(place=place)
    form = ResourceForm(request.POST or None, instance=resource, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_save(resource=form.instance, actor=request.user)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("La ressource « %(name)s » est enregistrée.") % {"name": resource.name})
            stranded = selectors.stranded_bookings(resource)
            if stranded:
                messages.warning(request, ngettext(
                    "Une réservation à venir n'est plus dans ses horaires ou n'est plus réservable : %(list)s. Elle "
                    "reste confirmée : prévenez la personne, ou annulez-la depuis la réservation (elle en sera "
                    "prévenue par courriel).",
                    "%(n)d réservations à venir ne sont plus dans ses horaires ou ne sont plus réservables : "
                    "%(list)s. Elles restent confirmées : prévenez les personnes, ou annulez-les depuis chaque "
                    "réservation (elles en seront prévenues par courriel).", len(stranded)) % {
                    "n": len(stranded), "list": (semicolon() + " ").join(
                        f"{date_format(timezone.localtime(b.start), 'l j F, H:i')} ({b.user.public_name})"
                        for b in stranded[:10]) + (" …" if len(stranded) > 10 else "")})
            return redirect("bookings:manage", place_pk=place.pk)
    return render(request, "bookings/resource_form.html", {"place": place, "resource": resource, "form": form})


def occupancy_chart(resources, title):
    today = timezone.localdate()
    rows = selectors.occupancy(resources, first=today - dt.timedelta(weeks=8), weeks=12)
    labels = [charts.period_label(r["week"], charts.WEEK) for r in rows]
    return charts.chart_build(
        title=title,
        desc=_("Taux d'occupation par semaine : heures réservées divisées par les heures d'ouverture."),
        kind="bar", row_heading=_("Semaine du"), labels=labels,
        ticks=[charts.period_tick(r["week"], charts.WEEK) for r in rows],
        columns=[charts.Column(_("Taux d'occupation (%)"), [r["percent"] for r in rows]),
                 charts.Column(_("Heures réservées"), [round(r["booked"]) for r in rows]),
                 charts.Column(_("Heures d'ouverture"), [round(r["open"]) for r in rows])])


@login_required
def occupancy(request, place_pk):
    place = _place(place_pk)
    if not request.user.has_perm("bookings.view_occupancy", place):
        raise PermissionDenied
    resources = list(selectors.place_resources(place))
    return render(request, "bookings/occupancy.html", {
        "place": place,
        "chart": occupancy_chart(resources, _("Occupation du lieu, par semaine")),
        "resource_charts": [(r, occupancy_chart([r], _("Occupation : %(name)s") % {"name": r.name}))
                            for r in resources],
    })
