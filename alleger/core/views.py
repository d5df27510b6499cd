from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from alleger.territories.selectors import territory_list


def home(request):
    return render(request, "core/home.html", {"territories": territory_list()})


@never_cache
def healthz(request):
    """Liveness probe for load balancers; also the framework floor in bench/."""
    return HttpResponse("ok", content_type="text/plain")
