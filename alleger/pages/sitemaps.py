"""sitemap.xml: the public pages, with SITE_URL as the address (not the sites framework's example.com)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from alleger.assets.models import Asset
from alleger.discussions.selectors import without_hidden
from alleger.funding.selectors import project_list
from alleger.interventions.models import Intervention
from alleger.kits.selectors import kit_search
from alleger.organisations.models import Organisation
from alleger.proposals.selectors import proposal_list
from alleger.reports.models import Report
from alleger.territories.selectors import territory_list

from .models import Slug


class _Sitemap(Sitemap):
    # Django's default page size (`limit`) is the protocol's maximum, 50 000 addresses per section.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class _Updated(_Sitemap):
    def lastmod(self, item):
        return item.updated_at


class TerritorySitemap(_Sitemap):
    def items(self):
        return territory_list()


class ProjectSitemap(_Updated):
    def items(self):
        return without_hidden(project_list()).order_by("pk")


class KitSitemap(_Updated):
    def items(self):
        return without_hidden(kit_search()).order_by("pk")


class AssetSitemap(_Updated):
    def items(self):
        return without_hidden(Asset.objects.filter(moderation=Asset.Moderation.PUBLISHED)).order_by("pk")


class InterventionSitemap(_Updated):
    def items(self):
        return without_hidden(Intervention.objects.all()).order_by("pk")


class ProposalSitemap(_Updated):
    def items(self):
        return proposal_list().order_by("pk")


class ReportSitemap(_Updated):
    # Reports are public (see reports.view_report); the reporter's identity is not on the page unless chosen.
    def items(self):
        return without_hidden(Report.objects.all()).order_by("pk")


class OrganisationSitemap(_Sitemap):
    def items(self):
        return Organisation.objects.order_by("pk")


class TrustPageSitemap(_Sitemap):
    def items(self):
        return ["core:home", *(f"pages:{slug}" for slug in Slug.values)]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": TrustPageSitemap,
    "territories": TerritorySitemap,
    "projects": ProjectSitemap,
    "kits": KitSitemap,
    "assets": AssetSitemap,
    "interventions": InterventionSitemap,
    "proposals": ProposalSitemap,
    "reports": ReportSitemap,
    "organisations": OrganisationSitemap,
}
