"""Shared places (track 3, seed 003): the registry of third places and the services they host.

A place has one or more of the seed's three profiles, a type from its small
lexicon, an origin (reclaimed, created or transformed, became shared), and
services, each with its own OpenStreetMap opening hours (the CAF desk on
Thursday afternoons, the fab lab on Wednesdays and Saturdays). Its bookable
resources and their bookings live in the bookings app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL

from . import hours


class Profile(models.TextChoices):
    """The seed's three profiles of places (« concrètement - 3 profils de lieux »)."""

    MEDIATION = "mediation", _("Médiation et accès")
    WORK = "work", _("Travail et entrepreneuriat")
    CREATION = "creation", _("Création et projets")


class PlaceType(models.TextChoices):
    """The seed's small lexicon of shared places, and the places that become shared."""

    CONCIERGERIE = "conciergerie", _("Conciergerie")
    EPN = "epn", _("Espace public numérique (EPN)")
    FRANCE_SERVICES = "france_services", _("Maison de services publics / France Services")
    MJC = "mjc", _("MJC")
    MEDIATHEQUE = "mediatheque", _("Médiathèque")
    RELAY = "relay", _("Dépôt-vente / point relais")
    COWORKING = "coworking", _("Espace de coworking")
    CANTINE = "cantine", _("Cantine")
    TELECENTRE = "telecentre", _("Télécentre")
    BUSINESS_CENTRE = "business_centre", _("Centre d'affaires")
    GARDEN = "garden", _("Jardin partagé")
    REPAIR_CAFE = "repair_cafe", _("Repair café")
    WORKSHOP = "workshop", _("Atelier de quartier")
    FABLAB = "fablab", _("Fab lab")
    HACKERSPACE = "hackerspace", _("Hackerspace")
    THIRD_PLACE = "third_place", _("Tiers-lieu")
    HALL = "hall", _("Salle polyvalente")
    SCHOOL = "school", _("Établissement scolaire ouvert")
    CULTURAL_CENTRE = "cultural_centre", _("Centre culturel")
    OTHER = "other", _("Autre lieu partagé")


class Origin(models.TextChoices):
    """How the place came to be shared (« un lieu reconquis », « transformé ou créé », « qui devient partagé »)."""

    RECLAIMED = "reclaimed", _("Lieu reconquis")
    CREATED = "created", _("Lieu transformé ou créé de toutes pièces")
    BECAME_SHARED = "became_shared", _("Lieu qui devient partagé")


class Sharer(models.TextChoices):
    """Who shares (« Qui partage ? »)."""

    INDIVIDUALS = "individuals", _("Des individus entre eux")
    COMPANIES = "companies", _("Des entreprises")
    ADMINISTRATIONS = "administrations", _("Des administrations")
    OWNERS = "owners", _("Des propriétaires et exploitants de lieux")


class Wheelchair(models.TextChoices):
    YES = "yes", _("Accessible en fauteuil roulant")
    PARTIAL = "partial", _("Partiellement accessible")
    NO = "no", _("Non accessible en fauteuil roulant")
    UNKNOWN = "unknown", _("Accessibilité non renseignée")


class Moderation(models.TextChoices):
    PROPOSED = "proposed", _("Proposé, en attente de relecture")
    PUBLISHED = "published", _("Publié")
    REFUSED = "refused", _("Refusé")


class Place(models.Model):
    Profile = Profile
    PlaceType = PlaceType
    Origin = Origin
    Moderation = Moderation

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.PROTECT,
                                  related_name="places")
    neighbourhood = models.ForeignKey("territories.Neighbourhood", verbose_name=_("quartier"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="places")
    name = models.CharField(_("nom"), max_length=150, db_collation=NATURAL)
    summary = models.CharField(_("en une phrase"), max_length=280, blank=True)
    description = models.TextField(_("présentation (Markdown)"), blank=True)
    place_type = models.CharField(_("type de lieu"), max_length=20, choices=PlaceType.choices)
    # The three profiles are not exclusive (« de nombreuses interactions… multifonctionnalité »);
    # at least one is set (a constraint).
    profile_mediation = models.BooleanField(_("lieu de médiation et d'accès"), default=False)
    profile_work = models.BooleanField(_("lieu de travail et d'entrepreneuriat"), default=False)
    profile_creation = models.BooleanField(_("lieu de création et de projets"), default=False)
    origin = models.CharField(_("origine"), max_length=20, choices=Origin.choices, blank=True)
    operator = models.ForeignKey("organisations.Organisation", verbose_name=_("exploitant"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="places",
                                 help_text=_("L'organisation qui gère le lieu ; ses membres le mettent à jour."))

    address = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    #: Values of Sharer (« Qui partage ? »).
    shared_by = models.JSONField(_("qui partage"), default=list, blank=True)
    shared_with = models.TextField(_("avec qui"), blank=True)
    shared_what = models.TextField(_("ce qui est partagé"), blank=True)
    wheelchair = models.CharField(_("accès en fauteuil roulant"), max_length=10, choices=Wheelchair.choices,
                                  default=Wheelchair.UNKNOWN)
    accessibility = models.TextField(_("accessibilité (autres informations)"), blank=True,
                                     help_text=_("Boucle magnétique, documents en FALC, accueil en langue des signes…"))
    charter = models.TextField(_("charte (Markdown)"), blank=True)
    community = models.TextField(_("communauté (Markdown)"), blank=True,
                                 help_text=_("Qui anime le lieu, comment y participer."))
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    # Imported records (« lieux de médiation numérique », data·inclusion): stable across re-imports.
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=100, blank=True)

    moderation = models.CharField(_("relecture"), max_length=10, choices=Moderation.choices,
                                  default=Moderation.PUBLISHED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposé par"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="proposed_places")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lieu partagé")
        verbose_name_plural = _("lieux partagés")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                                   name="place_coordinates_valid"),
            models.CheckConstraint(condition=Q(profile_mediation=True) | Q(profile_work=True)
                                   | Q(profile_creation=True), name="place_has_a_profile"),
            models.CheckConstraint(condition=Q(place_type__in=PlaceType.values), name="place_type_known"),
            models.CheckConstraint(condition=Q(origin="") | Q(origin__in=Origin.values), name="place_origin_known"),
            models.CheckConstraint(condition=Q(wheelchair__in=Wheelchair.values), name="place_wheelchair_known"),
            models.CheckConstraint(condition=Q(moderation__in=Moderation.values), name="place_moderation_known"),
            models.UniqueConstraint(fields=["territory", "source", "source_id"], condition=~Q(source_id=""),
                                    name="place_source_id_unique_per_territory"),
        ]
        indexes = [
            models.Index(fields=["lat", "lon", "moderation"], name="place_bbox"),
            models.Index(fields=["territory", "moderation", "name"], name="place_list"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("places:detail", kwargs={"pk": self.pk})

    @property
    def profiles(self) -> list[str]:
        return [p for p, on in ((Profile.MEDIATION, self.profile_mediation), (Profile.WORK, self.profile_work),
                                (Profile.CREATION, self.profile_creation)) if on]

    @property
    def shared_by_labels(self) -> list[str]:
        return [str(Sharer(v).label) for v in self.shared_by if v in Sharer.values]


class ServiceKind(models.TextChoices):
    """What a service offers: the questions residents ask (« où imprimer ? où emprunter une perceuse ? »)."""

    INTERNET = "internet", _("Accès à internet et matériel informatique")
    DIGITAL_HELP = "digital_help", _("Accompagnement au numérique")
    PROCEDURES = "procedures", _("Aide aux démarches administratives")
    FAMILY_BENEFITS = "family_benefits", _("Allocations familiales (CAF)")
    EMPLOYMENT = "employment", _("Emploi et insertion")
    PARCELS = "parcels", _("Point relais colis")
    PRINTING = "printing", _("Impression et photocopie")
    TOOL_LENDING = "tool_lending", _("Prêt d'outils")
    REPAIR = "repair", _("Réparation")
    WORKSPACE = "workspace", _("Poste de travail")
    MEETING_ROOM = "meeting_room", _("Salle de réunion")
    FABRICATION = "fabrication", _("Fabrication numérique")
    GARDENING = "gardening", _("Jardinage")
    FOOD = "food", _("Alimentation")
    EVENTS = "events", _("Salle pour événements")
    WORKSHOPS = "workshops", _("Ateliers et formations")
    OTHER = "other", _("Autre service")


class Access(models.TextChoices):
    FREE = "free", _("Gratuit, ouvert à tous")
    MEMBERS = "members", _("Réservé aux membres")
    PAID = "paid", _("Payant")


class ProviderKind(models.TextChoices):
    PLACE = "place", _("Le lieu lui-même")
    PUBLIC = "public", _("Un organisme public")
    ASSOCIATION = "association", _("Une association")
    COMPANY = "company", _("Une entreprise")


class Service(models.Model):
    """A service offered inside a place, with its own hours and its own provider."""

    Kind = ServiceKind
    Access = Access
    ProviderKind = ProviderKind

    place = models.ForeignKey(Place, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("nom"), max_length=150, db_collation=NATURAL)
    kind = models.CharField(_("nature"), max_length=20, choices=ServiceKind.choices)
    description = models.TextField(_("description (Markdown)"), blank=True)
    opening_hours = models.CharField(
        _("horaires (syntaxe OpenStreetMap)"), max_length=hours.MAX_LENGTH, blank=True, validators=[hours.validate],
        help_text=_("Par exemple « Th 14:00-17:00 » ou « We,Sa 14:00-19:00 ; PH off ». "
                    "Laissez vide si le service est seulement sur rendez-vous."))
    by_appointment = models.BooleanField(_("sur rendez-vous"), default=False)
    hours_note = models.CharField(_("précisions sur les horaires"), max_length=200, blank=True)
    access = models.CharField(_("accès"), max_length=10, choices=Access.choices, default=Access.FREE)
    price_note = models.CharField(_("tarif"), max_length=200, blank=True)
    provider_name = models.CharField(_("assuré par"), max_length=150, blank=True)
    provider_kind = models.CharField(_("type de prestataire"), max_length=12, choices=ProviderKind.choices,
                                     default=ProviderKind.PLACE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["place", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ServiceKind.values), name="service_kind_known"),
            models.CheckConstraint(condition=Q(access__in=Access.values), name="service_access_known"),
            models.CheckConstraint(condition=Q(provider_kind__in=ProviderKind.values),
                                   name="service_provider_kind_known"),
        ]

    def __str__(self):
        return f"{self.name} ({self.place})"


class PlacePhoto(models.Model):
    """A photo of a place, re-encoded without metadata (alleger.core.images)."""

    place = models.ForeignKey(Place, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="places/")
    alt = models.CharField(_("description de la photo"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ajoutée par"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="place_photos")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo de lieu")
        verbose_name_plural = _("photos de lieu")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.alt


class PlaceLink(models.Model):
    """A link of a place: its social network, its wiki, its calendar."""

    place = models.ForeignKey(Place, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("intitulé"), max_length=100)
    url = models.URLField(_("adresse"))

    class Meta:
        verbose_name = _("lien de lieu")
        verbose_name_plural = _("liens de lieu")
        ordering = ["pk"]

    def __str__(self):
        return self.label


class PlaceChange(models.Model):
    """What changed on a place or one of its services, field by field (the audit trail of edits)."""

    class Source(models.TextChoices):
        PROPOSAL = "proposal", _("Proposition")
        REVIEW = "review", _("Relecture")
        EDIT = "edit", _("Modification par le gestionnaire")
        IMPORT = "import", _("Import")

    place = models.ForeignKey(Place, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="changes")
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    #: {field: [old, new]}; a service's fields are prefixed « service:<pk>: ».
    fields = models.JSONField(_("champs modifiés"), default=dict)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("modification de lieu")
        verbose_name_plural = _("modifications de lieu")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.place_id} · {self.source} · {self.created_at:%Y-%m-%d %H:%M}"


class PlaceTypeKit(models.Model):
    """A kit that applies to a type of place (« créer et faire vivre un jardin partagé » → the gardens).

    The link lives here, above kits: the kit's page shows it through a core.sections part ("kit")
    that places registers (alleger/places/links.py)."""

    place_type = models.CharField(_("type de lieu"), max_length=20, choices=PlaceType.choices)
    kit = models.ForeignKey("kits.Kit", verbose_name=_("kit"), on_delete=models.CASCADE,
                            related_name="place_type_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kit d'un type de lieu")
        verbose_name_plural = _("kits des types de lieu")
        ordering = ["place_type", "kit_id"]
        constraints = [
            models.UniqueConstraint(fields=["place_type", "kit"], name="place_type_kit_unique"),
            models.CheckConstraint(condition=Q(place_type__in=PlaceType.values), name="place_type_kit_type_known"),
        ]

    def __str__(self):
        return f"{self.get_place_type_display()} · {self.kit_id}"
