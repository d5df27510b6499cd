import datetime

from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core.cache import public_page
from alleger.core.fragments import deferred, remembered
from alleger.territories.models import Territory

from . import selectors
from .forms import PeriodForm


def index(request):
    """« Innover ensemble »: each territory's challenges, dashboard, open data and watch."""
    from .models import Challenge

    territories = list(Territory.objects.order_by("name"))
    open_counts = dict(Challenge.objects.filter(status=Challenge.Status.OPEN).order_by().values("territory")
                       .annotate(n=Count("pk")).values_list("territory", "n"))
    # The watch is the cell's (and the moderators') own tool: a link for those who read it, and for visitors,
    # whom it asks to log in; a person logged in without the role sees that it is not theirs.
    rows = [{"territory": t, "open_challenges": open_counts.get(t.pk, 0),
             "reads_watch": request.user.has_perm("cell.view_watch", t)} for t in territories]
    return render(request, "cell/index.html", {"rows": rows})


@public_page
def dashboard(request, slug):
    """The territory's (a neighbourhood's) figures over a period, from the metrics table.

    Public and the same for everyone: visitors get it from the page cache, people logged in from one shared
    fragment keyed by the data version (the metrics job's writes change it). Everything below the form is
    deferred, so a cached page runs none of its queries."""
    # The territory and its neighbourhoods' names, remembered by this process for the data version (a GET's).
    territory = remembered(request, "territory", (slug,), lambda: get_object_or_404(Territory, slug=slug))
    neighbourhoods = remembered(request, "territory-neighbourhoods", (territory.pk,), lambda: list(
        territory.neighbourhoods.order_by("name").only("pk", "slug", "name", "territory_id")))
    last = timezone.localdate()
    default = selectors.Period(last - datetime.timedelta(days=29), last)
    data = request.GET.copy()
    if not data.get("du") and not data.get("au"):  # the default period, shown in the form's fields
        data["du"], data["au"] = default.first.isoformat(), default.last.isoformat()
    form = PeriodForm(data, neighbourhoods=neighbourhoods)
    if form.is_valid():
        period = selectors.Period(form.cleaned_data["first"], form.cleaned_data["last"])
        neighbourhood = form.cleaned_data["neighbourhood"]
    else:  # the default period when the one asked for is refused (the form says why)
        period, neighbourhood = default, None
    where = neighbourhood.name if neighbourhood else territory.name

    def money_chart():
        keys = ["pledged_cents", "withdrawn_cents", "contributions"]
        return selectors.chart(
            selectors.series(territory, period, keys, neighbourhood), keys,
            title=_("Promesses de dons à %(where)s") % {"where": where},
            desc=_("Somme des contributions faites chaque période ; le tableau donne aussi les annulations "
                   "et le nombre de contributions."))

    def activity_chart():
        keys = ["interventions_done", "reports_created", "reports_fixed", "assets_opened"]
        return selectors.chart(
            selectors.series(territory, period, keys, neighbourhood), keys,
            title=_("Interventions réalisées à %(where)s") % {"where": where},
            desc=_("Interventions terminées chaque période ; le tableau donne aussi les signalements faits et "
                   "réparés, et les dispositifs ouverts."))

    context = {
        "territory": territory,
        "form": form,
        "period": period,
        "previous": period.previous(),
        "neighbourhood": neighbourhood,
        "figures": deferred(selectors.headline, territory, period, neighbourhood),
        "neighbourhoods": deferred(lambda: selectors.by_neighbourhood(territory, period)
                                   if neighbourhood is None else []),
        "breakdowns": deferred(selectors.breakdowns, territory, period, neighbourhood),
        "money_chart": deferred(money_chart),
        "activity_chart": deferred(activity_chart),
        "occupancy": deferred(selectors.occupancy_by_place, territory, period, neighbourhood),
        "occupancy_chart": deferred(selectors.occupancy_chart, territory, period, neighbourhood, where=where),
        "coverages": deferred(selectors.coverage, territory, neighbourhood),
        "glossary": deferred(selectors.glossary),
        # The figures come from the metrics job (alleger worker), not the live tables: say how fresh they are.
        "every_minutes": dict(settings.PERIODIC_JOBS).get("metrics", 3600) // 60,
    }
    return render(request, "cell/dashboard.html", context)
