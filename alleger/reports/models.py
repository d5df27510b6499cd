import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class ReportCategory(models.Model):
    """A kind of problem in a territory, routed to the service in charge (an Open311 "service")."""

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="report_categories")
    service_code = models.SlugField(_("code du service (Open311)"), max_length=60)
    name = models.CharField(_("nom"), max_length=120, db_collation=NATURAL)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("groupe"), max_length=80, blank=True,
                             help_text=_("Pour regrouper les catégories, par exemple « Voirie » ou « Propreté »."))
    keywords = models.CharField(_("mots-clés"), max_length=200, blank=True,
                                help_text=_("Séparés par des virgules."))
    service_name = models.CharField(_("service en charge"), max_length=150)
    service_email = models.EmailField(_("e-mail du service"),
                                      help_text=_("Chaque nouveau signalement de cette catégorie y est envoyé."))
    service_notice = models.CharField(
        _("délai annoncé"), max_length=300, blank=True,
        help_text=_("Ce que le service s'engage à faire, montré après l'envoi (par exemple : « intervention sous 5 jours »)."))
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("agents du service"), blank=True, related_name="report_categories",
        help_text=_("Les comptes des agents du service, qui peuvent mettre à jour le statut des signalements."))
    kits = models.ManyToManyField("kits.Kit", verbose_name=_("kits pour réparer soi-même"), blank=True,
                                  related_name="report_categories")
    asset_types = models.ManyToManyField(
        "assets.AssetType", verbose_name=_("dispositifs utiles"), blank=True, related_name="report_categories",
        help_text=_("Les types de lieux et de dispositifs qui aident à régler ce problème (armoire de bricolage, "
                    "bureau de tabac partenaire…) : le signalement les propose en premier, et seulement eux "
                    "avec ceux qui portent un des kits de la catégorie."))
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catégorie de signalement")
        verbose_name_plural = _("catégories de signalement")
        ordering = ["territory", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "service_code"], name="report_category_code_unique"),
        ]

    def __str__(self):
        return self.name

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class Datatype(models.TextChoices):
    STRING = "string", _("Texte court")
    NUMBER = "number", _("Nombre")
    DATETIME = "datetime", _("Date et heure")
    TEXT = "text", _("Texte long")
    SINGLE = "singlevaluelist", _("Un choix dans une liste")
    MULTI = "multivaluelist", _("Plusieurs choix dans une liste")


class ServiceAttribute(models.Model):
    """An extra question of a category (an attribute of the Open311 service definition)."""

    Datatype = Datatype
    LISTS = (Datatype.SINGLE, Datatype.MULTI)

    category = models.ForeignKey(ReportCategory, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=60)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("obligatoire"), default=False)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("aide"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    values = models.JSONField(_("valeurs possibles"), default=list, blank=True,
                              help_text=_('Pour les listes : [{"key": "freins", "name": "Freins"}, …]'))

    class Meta:
        verbose_name = _("question complémentaire")
        verbose_name_plural = _("questions complémentaires")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="service_attribute_code_unique"),
            models.CheckConstraint(condition=Q(datatype__in=Datatype.values), name="service_attribute_datatype_known"),
        ]

    def __str__(self):
        return self.code

    def keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values if isinstance(v, dict)]


class Status(models.TextChoices):
    OPEN = "open", _("Ouvert")
    IN_PROGRESS = "in_progress", _("En cours de traitement")
    FIXED = "fixed", _("Réparé")
    CLOSED = "closed", _("Clos")
    DUPLICATE = "duplicate", _("Doublon")


#: Open311 knows two statuses; the others are the detail of these two.
OPEN311_OPEN = (Status.OPEN, Status.IN_PROGRESS)


class Source(models.TextChoices):
    WEB = "web", _("Site")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class Report(models.Model):
    """A problem a resident reports at a place (a "signalement")."""

    Status = Status
    Source = Source

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.PROTECT,
                                  related_name="reports")
    category = models.ForeignKey(ReportCategory, verbose_name=_("catégorie"), on_delete=models.PROTECT,
                                 related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur du signalement"), null=True,
                                 on_delete=models.SET_NULL, related_name="reports")
    show_name = models.BooleanField(_("afficher mon nom"), default=False)
    # Contact details given through Open311 by an application reporting on someone's behalf.
    # Private, like the reporter's account: only the service, moderators and the reporter see them.
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    contact_last_name = models.CharField(_("nom"), max_length=80, blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=40, blank=True)

    description = models.TextField(_("description"), max_length=4000)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    address_id = models.CharField(_("identifiant d'adresse"), max_length=100, blank=True)
    neighbourhood = models.ForeignKey("territories.Neighbourhood", verbose_name=_("quartier"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="reports")
    photo = models.ImageField(_("photo"), upload_to="reports/", blank=True)
    media_url = models.URLField(_("lien vers une photo"), max_length=500, blank=True)
    attributes = models.JSONField(_("réponses aux questions complémentaires"), default=dict, blank=True)

    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.OPEN)
    status_notes = models.TextField(_("dernière note"), blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("doublon de"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates")
    expected_at = models.DateTimeField(_("résolution prévue"), null=True, blank=True)

    source = models.CharField(_("origine"), max_length=10, choices=Source.choices, default=Source.WEB)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_status_known"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="report_source_known"),
            models.CheckConstraint(
                condition=(Q(lat__isnull=True, lon__isnull=True)
                           | Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180)),
                name="report_coordinates_valid_or_both_empty"),
            models.CheckConstraint(
                condition=Q(lat__isnull=False) | ~Q(address="") | ~Q(address_id=""),
                name="report_has_a_location"),
            models.CheckConstraint(condition=Q(status="duplicate") | Q(duplicate_of__isnull=True),
                                   name="report_duplicate_of_only_when_duplicate"),
            models.CheckConstraint(condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                                   name="report_duplicate_points_to_original"),
            models.CheckConstraint(condition=~Q(duplicate_of=F("pk")), name="report_not_duplicate_of_itself"),
        ]
        indexes = [
            models.Index(fields=["lat", "lon"], name="report_lat_lon"),
            models.Index(fields=["territory", "status", "created_at"], name="report_territory_status"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.category}"

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"pk": self.pk})

    @property
    def open311_status(self) -> str:
        return "open" if self.status in OPEN311_OPEN else "closed"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN311_OPEN

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None

    def place_label(self) -> str:
        """Where the problem is, in words: the address, else the neighbourhood, else the coordinates."""
        neighbourhood = self.neighbourhood.name if self.neighbourhood_id else ""
        if self.address:
            return f"{self.address} ({neighbourhood})" if neighbourhood else self.address
        if neighbourhood:
            return _("quartier %(name)s") % {"name": neighbourhood}
        if self.located:
            return _("latitude %(lat)s, longitude %(lon)s") % {"lat": number_format(round(self.lat, 5)),
                                                               "lon": number_format(round(self.lon, 5))}
        return self.address_id

    def photo_alt(self) -> str:
        """The photo's text alternative: what it shows (the kind of problem) and where."""
        place = self.place_label()
        if place:
            return _("Photo du problème signalé : %(category)s, %(place)s") % {
                "category": self.category.name, "place": place}
        return _("Photo du problème signalé : %(category)s") % {"category": self.category.name}

    def public_reporter_name(self) -> str | None:
        """The reporter's public name if they chose to show it, else None."""
        if self.show_name and self.reporter is not None and not self.reporter.deleted_at:
            return self.reporter.public_name
        return None

    def notification_email(self) -> str:
        if self.contact_email:
            return self.contact_email
        if self.reporter is not None and self.reporter.is_active and not self.reporter.deleted_at:
            return self.reporter.email
        return ""


class ReportUpdate(models.Model):
    """One step of a report's timeline: a status and a note. Append-only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True,
                               on_delete=models.SET_NULL, related_name="report_updates")
    #: The id the client gave this update (Open311 servicerequestupdates `update_id`): a retry with the
    #: same id from the same account returns the update already recorded.
    external_id = models.CharField(_("identifiant chez le client"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mise à jour de signalement")
        verbose_name_plural = _("mises à jour de signalement")
        ordering = ["report", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_update_status_known"),
            models.UniqueConstraint(fields=["report", "author", "external_id"], condition=~Q(external_id=""),
                                    name="report_update_external_id_unique"),
        ]
        indexes = [models.Index(fields=["created_at"], name="report_update_created")]

    def __str__(self):
        return f"{self.report} → {self.status}"


class ReportMedia(models.Model):
    """A photo or a link beyond the first of a report (kept on the report itself), or one of an update."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="media")
    update = models.ForeignKey(ReportUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="media")
    photo = models.ImageField(_("photo"), upload_to="reports/", blank=True)
    url = models.URLField(_("lien vers une photo"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("photo de signalement")
        verbose_name_plural = _("photos de signalement")
        ordering = ["report", "update", "pk"]
        constraints = [
            models.CheckConstraint(condition=(Q(photo="") & ~Q(url="")) | (~Q(photo="") & Q(url="")),
                                   name="report_media_photo_or_url"),
        ]

    def __str__(self):
        return self.url or self.photo.name
