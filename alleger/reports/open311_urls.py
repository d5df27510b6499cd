from django.urls import path, re_path

from . import open311

app_name = "open311"
FMT = r"\.(?P<fmt>[A-Za-z0-9]+)"

urlpatterns = [
    path("", open311.not_found, name="root"),
    re_path(rf"^discovery{FMT}$", open311.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", open311.service_list, name="services"),
    re_path(rf"^services/(?P<service_code>[-\w]+){FMT}$", open311.service_definition, name="service"),
    re_path(rf"^requests{FMT}$", open311.requests_, name="requests"),
    re_path(rf"^requests/(?P<service_request_id>\d{{1,18}}){FMT}$", open311.request_detail, name="request"),
    re_path(rf"^servicerequestupdates{FMT}$", open311.service_request_updates, name="updates"),
    re_path(rf"^tokens/(?P<token>[-\w]+){FMT}$", open311.token_detail, name="token"),
    re_path(r"^(?P<path>.*)$", open311.not_found),
]
