from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class Category(models.TextChoices):
    GREENING = "greening", _("Végétalisation")
    STREET_SAFETY = "street_safety", _("Sécurité et confort de la rue")
    LIGHT_EVENTS = "light_events", _("Événements légers")
    DATA_MAPPING = "data_mapping", _("Données et cartographie")
    FURNITURE_REPAIR = "furniture_repair", _("Réparation du mobilier urbain")
    TEMPORARY_USES = "temporary_uses", _("Usages temporaires")
    PARKING_REUSE = "parking_reuse", _("Réemploi des places de stationnement")
    SERVICES_APPS = "services_apps", _("Services et applications")


class Axis(models.TextChoices):
    PHYSICAL = "dur", _("Physique (« dur »)")
    USE = "usage", _("Usages")
    SERVICES = "soft", _("Services (« soft »)")
    INFORMATION = "info", _("Information")


class Level(models.IntegerChoices):
    BEGINNER = 1, _("Débutant")
    INTERMEDIATE = 2, _("Intermédiaire")
    EXPERT = 3, _("Confirmé")


class Duration(models.TextChoices):
    TEMPORARY = "temporary", _("Temporaire")
    LASTING = "lasting", _("Durable")


class Frequency(models.TextChoices):
    OCCASIONAL = "occasional", _("Ponctuel")
    REGULAR = "regular", _("Régulier")


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("En relecture")
    PUBLISHED = "published", _("Publié")
    REFUSED = "refused", _("Refusé")


#: Statuses in which the author may still change the content and submit it.
EDITABLE = (Status.DRAFT, Status.REFUSED)


#: The longest section of a kit, in characters: about eight printed pages, far more than a guide's
#: section needs (the demo's are a few hundred), and small enough that a page, a version and a diff
#: of two versions stay cheap. The form, the API schema and the model (full_clean) all check it.
SECTION_MAX_LENGTH = 20_000


def _section(verbose_name):
    """A kit section: Markdown, optional, at most SECTION_MAX_LENGTH characters (a validator: no change in SQL)."""
    return models.TextField(verbose_name, blank=True, validators=[MaxLengthValidator(SECTION_MAX_LENGTH)])


class Kit(models.Model):
    """A kit of urban intervention: a guide that lets residents act on their street.

    Its content is versioned: every save through `kit_create`, `kit_update` or
    `kit_revert` records a KitVersion holding a snapshot of CONTENT_FIELDS.
    """

    Category = Category
    Axis = Axis
    Level = Level
    Duration = Duration
    Frequency = Frequency
    Status = Status

    title = models.CharField(_("titre"), max_length=150, db_collation=NATURAL)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    summary = models.CharField(_("résumé"), max_length=300)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("territoire"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="kits",
        help_text=_("Laissez vide pour un kit valable partout ; l'équipe de la plateforme le relira."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT,
                               related_name="kits")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="kits",
    )
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    axis = models.CharField(_("axe"), max_length=10, choices=Axis.choices)
    level = models.PositiveSmallIntegerField(_("niveau d'expertise"), choices=Level.choices, default=Level.BEGINNER)
    group_size = models.CharField(_("taille du groupe"), max_length=100, blank=True,
                                  help_text=_("Par exemple : « seul ou à deux », « 5 à 15 personnes »."))
    duration = models.CharField(_("durée de l'intervention"), max_length=10, choices=Duration.choices,
                                default=Duration.TEMPORARY)
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.OCCASIONAL)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    forked_from = models.ForeignKey("self", verbose_name=_("variante de"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="forks")

    # The guide itself, in Markdown, each section at most SECTION_MAX_LENGTH characters.
    allowed = _section(_("ce que vous pouvez faire"))
    steps = _section(_("étapes"))
    procedures = _section(_("démarches (qui solliciter, quel formulaire, quels délais)"))
    rules = _section(_("règles et charte"))
    responsibilities = _section(_("responsabilités et entretien"))
    design_guidelines = _section(_("recommandations de conception"))
    tools = _section(_("outils et matériel"))

    review_message = models.TextField(_("message de relecture"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    #: What a version records; territory, organisation and status are not content.
    CONTENT_FIELDS = ("title", "summary", "category", "axis", "level", "group_size", "duration", "frequency",
                      "allowed", "steps", "procedures", "rules", "responsibilities", "design_guidelines", "tools")
    #: The guide's sections, in the order of the page.
    SECTIONS = ("allowed", "steps", "procedures", "rules", "responsibilities", "design_guidelines", "tools")

    class Meta:
        verbose_name = _("kit")
        verbose_name_plural = _("kits")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="kit_level_1_to_3"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="kit_category_known"),
            models.CheckConstraint(condition=Q(axis__in=Axis.values), name="kit_axis_known"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="kit_status_known"),
            models.CheckConstraint(condition=Q(duration__in=Duration.values), name="kit_duration_known"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="kit_frequency_known"),
            models.CheckConstraint(condition=~Q(forked_from=F("pk")), name="kit_not_forked_from_itself"),
            models.CheckConstraint(condition=Q(status="published") | Q(published_at__isnull=True),
                                   name="kit_published_at_only_when_published"),
        ]
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kits:detail", kwargs={"slug": self.slug})

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    def sections(self) -> list[tuple[str, str, str]]:
        """(field name, heading, Markdown) of the guide's non-empty sections."""
        return [(name, self._meta.get_field(name).verbose_name, getattr(self, name))
                for name in self.SECTIONS if getattr(self, name).strip()]


class KitVersion(models.Model):
    """One saved state of a kit's content. Append-only: a revert is a new version."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numéro"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True,
                               on_delete=models.SET_NULL, related_name="kit_versions")
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField(_("contenu"))
    note = models.CharField(_("note de modification"), max_length=200, blank=True)
    reverted_from = models.PositiveIntegerField(_("restauration de la version"), null=True, blank=True)

    class Meta:
        verbose_name = _("version de kit")
        verbose_name_plural = _("versions de kit")
        ordering = ["kit", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kit", "number"], name="kit_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="kit_version_number_positive"),
            models.CheckConstraint(condition=Q(reverted_from__isnull=True) | Q(reverted_from__lt=F("number")),
                                   name="kit_version_reverts_an_earlier_one"),
        ]

    def __str__(self):
        return f"{self.kit} v{self.number}"


class KitImage(models.Model):
    """A picture illustrating a kit, attached to one of its steps (or to the whole guide)."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="images")
    step = models.PositiveSmallIntegerField(_("étape"), null=True, blank=True,
                                            help_text=_("Le numéro de l'étape illustrée ; vide pour le kit entier."))
    image = models.ImageField(_("image"), upload_to="kits/")
    alt = models.CharField(_("description de l'image"), max_length=200,
                           help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image de kit")
        verbose_name_plural = _("images de kit")
        ordering = ["kit", models.F("step").asc(nulls_first=True), "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(step__isnull=True) | Q(step__gte=1, step__lte=99),
                                   name="kit_image_step_1_to_99"),
            models.CheckConstraint(condition=~Q(alt=""), name="kit_image_has_alt"),
        ]

    def __str__(self):
        return self.alt
