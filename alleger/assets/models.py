from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class AssetType(models.Model):
    """A kind of asset in a territory's dataset: tree pit, bench, wall, parking space, tool cabinet…"""

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="asset_types")
    slug = models.SlugField(_("identifiant"), max_length=60)
    name = models.CharField(_("nom"), max_length=100, db_collation=NATURAL)
    kits = models.ManyToManyField("kits.Kit", verbose_name=_("kits applicables"), blank=True,
                                  related_name="asset_types")

    class Meta:
        verbose_name = _("type de dispositif")
        verbose_name_plural = _("types de dispositif")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["territory", "slug"], name="asset_type_slug_unique")]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    OPEN = "open", _("Ouvert")
    OPENABLE = "openable", _("Pourrait être ouvert")
    CLOSED = "closed", _("Fermé")


class Moderation(models.TextChoices):
    PROPOSED = "proposed", _("Proposé, en attente de relecture")
    PUBLISHED = "published", _("Publié")
    REFUSED = "refused", _("Refusé")


class Asset(models.Model):
    """A place or an object on the map that residents may act on (the signage of seed 000)."""

    Status = Status
    Moderation = Moderation

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.PROTECT,
                                  related_name="assets")
    asset_type = models.ForeignKey(AssetType, verbose_name=_("type"), on_delete=models.PROTECT,
                                   related_name="assets")
    name = models.CharField(_("nom"), max_length=150, db_collation=NATURAL)
    description = models.TextField(_("ce que c'est (Markdown)"), blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    neighbourhood = models.ForeignKey("territories.Neighbourhood", verbose_name=_("quartier"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="assets")
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.OPEN)
    kits = models.ManyToManyField("kits.Kit", verbose_name=_("kits applicables"), blank=True,
                                  related_name="assets")
    max_participants = models.PositiveSmallIntegerField(
        _("nombre maximal d'intervenants simultanés"), null=True, blank=True,
        help_text=_("Laissez vide s'il n'y a pas de limite."))
    private_actors_allowed = models.BooleanField(_("ouvert aux acteurs privés"), default=False)
    required_level = models.PositiveSmallIntegerField(
        _("niveau de réputation requis"), default=0,
        help_text=_("0 : tout le monde ; 1 à 3 : niveau d'intervenant requis."))
    conditions = models.TextField(_("conditions (Markdown)"), blank=True)

    # Imported datasets: the id in the city's dataset, stable across re-imports.
    source_id = models.CharField(_("identifiant dans le jeu de données source"), max_length=100, blank=True)

    moderation = models.CharField(_("relecture"), max_length=10, choices=Moderation.choices,
                                  default=Moderation.PUBLISHED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposé par"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="proposed_assets")

    # A tool cabinet ("armoire de bricolage"): its code is revealed to residents who accept its charter.
    is_tool_cabinet = models.BooleanField(_("armoire de bricolage"), default=False)
    cabinet_code = models.CharField(_("code d'accès de l'armoire"), max_length=30, blank=True)
    cabinet_charter = models.TextField(_("charte de l'armoire (Markdown)"), blank=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gestionnaire"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_assets")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dispositif")
        verbose_name_plural = _("dispositifs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                                   name="asset_coordinates_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="asset_status_known"),
            models.CheckConstraint(condition=Q(moderation__in=Moderation.values), name="asset_moderation_known"),
            models.CheckConstraint(condition=Q(required_level__lte=3), name="asset_required_level_0_to_3"),
            models.CheckConstraint(condition=Q(max_participants__isnull=True) | Q(max_participants__gte=1),
                                   name="asset_max_participants_positive"),
            models.CheckConstraint(condition=Q(is_tool_cabinet=True) | Q(cabinet_code=""),
                                   name="asset_code_only_on_cabinets"),
            models.UniqueConstraint(fields=["territory", "source_id"], condition=~Q(source_id=""),
                                    name="asset_source_id_unique_per_territory"),
        ]
        indexes = [
            # The map's bounding-box query: a range on lat, then lon read from the
            # same index entries; moderation and status filter without a table visit.
            models.Index(fields=["lat", "lon", "moderation", "status"], name="asset_bbox"),
            models.Index(fields=["territory", "moderation", "name"], name="asset_list"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assets:detail", kwargs={"pk": self.pk})


class AssetPhoto(models.Model):
    """A photo of an asset, re-encoded without metadata (alleger.core.images)."""

    asset = models.ForeignKey(Asset, verbose_name=_("dispositif"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="assets/")
    alt = models.CharField(_("description de la photo"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ajoutée par"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="asset_photos")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo de dispositif")
        verbose_name_plural = _("photos de dispositif")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.alt


class AssetImport(models.Model):
    """One import of a city's dataset (command or upload page), with its report."""

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="asset_imports")
    asset_type = models.ForeignKey(AssetType, verbose_name=_("type par défaut"), on_delete=models.PROTECT,
                                   related_name="imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="asset_imports")
    filename = models.CharField(_("fichier"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)
    applied = models.BooleanField(_("appliqué"), default=False)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("mis à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    errors = models.JSONField(_("erreurs"), default=list, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("import de dispositifs")
        verbose_name_plural = _("imports de dispositifs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class AssetChange(models.Model):
    """What changed on an asset, field by field: by an import, a review or an edit."""

    class Source(models.TextChoices):
        IMPORT = "import", _("Import")
        PROPOSAL = "proposal", _("Proposition")
        REVIEW = "review", _("Relecture")
        CABINET = "cabinet", _("Armoire")

    asset = models.ForeignKey(Asset, verbose_name=_("dispositif"), on_delete=models.CASCADE, related_name="changes")
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    asset_import = models.ForeignKey(AssetImport, verbose_name=_("import"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    #: {field: [old, new]}; for the cabinet code, never the values (only "code": ["…", "…"]).
    fields = models.JSONField(_("champs modifiés"), default=dict)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("modification de dispositif")
        verbose_name_plural = _("modifications de dispositif")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.asset_id} · {self.source} · {self.created_at:%Y-%m-%d %H:%M}"


class AssetProposal(models.Model):
    """A resident's proposal: a new asset, or opening an asset that is closed (moderated)."""

    class Kind(models.TextChoices):
        NEW = "new", _("Nouveau dispositif")
        OPENING = "opening", _("Ouverture d'un dispositif fermé")

    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    asset = models.ForeignKey(Asset, verbose_name=_("dispositif"), on_delete=models.CASCADE,
                              related_name="proposals")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposé par"), null=True,
                                    on_delete=models.SET_NULL, related_name="asset_proposals")
    message = models.TextField(_("pourquoi ?"), blank=True)
    status = models.CharField(_("relecture"), max_length=10, choices=Moderation.choices,
                              default=Moderation.PROPOSED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("relu par"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    review_message = models.TextField(_("réponse de la modération"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposition de dispositif")
        verbose_name_plural = _("propositions de dispositif")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Moderation.values), name="asset_proposal_status_known"),
            # One pending request to open a given asset at a time.
            models.UniqueConstraint(fields=["asset"], condition=Q(kind="opening", status="proposed"),
                                    name="asset_one_pending_opening"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.asset}"


class CabinetCodeReveal(models.Model):
    """A tool cabinet's code was shown to this person, who accepted its charter."""

    asset = models.ForeignKey(Asset, verbose_name=_("armoire"), on_delete=models.CASCADE,
                              related_name="code_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE,
                             related_name="cabinet_reveals")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("code d'armoire consulté")
        verbose_name_plural = _("codes d'armoire consultés")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.asset} · {self.created_at:%Y-%m-%d %H:%M}"


class MapVersion(models.Model):
    """One row whose `version` changes in every transaction that may change what the map shows.

    `mapcache.data_changed()` writes it inside the writer's transaction, so the new
    version becomes visible to readers exactly when the new data does; the map's
    response cache is keyed by it. Internal: no admin, no interface strings.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="map_version_single_row")]

    def __str__(self):
        return str(self.version)
