from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL
from alleger.core.grammar import of_name

from .theme import check_contrast, hex_colour


class Territory(models.Model):
    """A "fenêtre territoriale": a city, a region or a federation of neighbourhoods.

    It carries the rules the crowdfunding track enforces. Percentages are
    stored in basis points (1 % = 100) so that 5.5 % stays an integer.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("Ville")
        REGION = "region", _("Région")
        FEDERATION = "federation", _("Fédération de quartiers")

    name = models.CharField(_("nom"), max_length=120, db_collation=NATURAL)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    tagline = models.CharField(_("accroche"), max_length=200, blank=True)
    description = models.TextField(_("présentation (Markdown)"), blank=True)
    boundary = models.JSONField(_("contour (GeoJSON)"), null=True, blank=True)
    # Bounding box of the boundary, kept so that maps can be framed and
    # points pre-filtered without parsing the polygon.
    min_lat = models.FloatField(null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)

    max_goal_cents = models.PositiveBigIntegerField(
        _("objectif maximal (centimes)"), default=2_000_000,
        help_text=_("Plafond de l'objectif minimal d'un projet : petits projets seulement."),
    )
    overfunding_cap_bp = models.PositiveIntegerField(
        _("plafond de surfinancement (points de base)"), default=20_000,
        help_text=_("Total maximal des contributions, en pourcentage de l'objectif × 100 (20000 = 200 %)."),
    )
    campaign_min_days = models.PositiveSmallIntegerField(_("durée minimale de campagne (jours)"), default=7)
    campaign_max_days = models.PositiveSmallIntegerField(_("durée maximale de campagne (jours)"), default=90)
    commission_bp = models.PositiveIntegerField(
        _("commission (points de base)"), default=500, help_text=_("500 = 5 %.")
    )
    allow_donation = models.BooleanField(_("dons acceptés"), default=True)
    allow_reward = models.BooleanField(_("dons avec contrepartie acceptés"), default=True)
    allow_loan = models.BooleanField(_("prêts sans intérêt acceptés"), default=False)

    # Its look on its own pages (served by /t/<slug>/theme.css; the strict CSP forbids inline styles).
    colour = models.CharField(_("couleur du bandeau"), max_length=7, blank=True, validators=[hex_colour],
                              help_text=_("#rrggbb ; vide : les couleurs d'Alléger."))
    text_colour = models.CharField(_("couleur du texte sur le bandeau"), max_length=7, default="#ffffff",
                                   validators=[hex_colour],
                                   help_text=_("Contraste d'au moins 4,5:1 avec la couleur du bandeau (WCAG AA)."))
    logo = models.ImageField(_("logo"), upload_to="territories/", blank=True)
    banner = models.ImageField(_("image de bandeau"), upload_to="territories/", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overfunding_cap_bp__gte=10_000), name="territory_overfunding_cap_at_least_goal"
            ),
            models.CheckConstraint(condition=Q(commission_bp__lte=2_000), name="territory_commission_at_most_20pc"),
            models.CheckConstraint(
                condition=Q(campaign_min_days__gte=1) & Q(campaign_min_days__lte=models.F("campaign_max_days")),
                name="territory_campaign_days_ordered",
            ),
            models.CheckConstraint(condition=Q(max_goal_cents__gt=0), name="territory_max_goal_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:detail", kwargs={"slug": self.slug})

    @property
    def of_name(self) -> str:
        """« de Saint-Étienne », « d'Auvergne-Rhône-Alpes » (alleger.core.grammar); in English « of … »."""
        return of_name(self.name)

    @property
    def in_name(self) -> str:
        """« à Saint-Étienne » for a city or its neighbourhoods, « en Auvergne-Rhône-Alpes » for a region."""
        if self.kind == self.Kind.REGION:
            return gettext("en %(name)s") % {"name": self.name}
        return gettext("à %(name)s") % {"name": self.name}

    def clean(self):
        if self.colour and not hex_colour.regex.match(self.colour):
            return  # the field's own validator says why
        if self.colour and hex_colour.regex.match(self.text_colour or ""):
            try:
                check_contrast(text=self.text_colour, background=self.colour)
            except ValidationError as exc:
                raise ValidationError({"text_colour": exc}) from None

    @property
    def bbox(self):
        if self.min_lat is None:
            return None
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)


class Neighbourhood(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="neighbourhoods")
    name = models.CharField(_("nom"), max_length=120, db_collation=NATURAL)
    slug = models.SlugField(_("identifiant"), max_length=80)
    boundary = models.JSONField(_("contour (GeoJSON)"))
    min_lat = models.FloatField(db_index=True)
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="neighbourhood_unique_slug"),
        ]

    def __str__(self):
        return self.name


class TerritoryRole(models.Model):
    """A person's responsibility in a territory: moderator or innovation cell member."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Modération")
        CELL = "cell", _("Cellule d'innovation ouverte")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territory_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle territorial")
        verbose_name_plural = _("rôles territoriaux")
        constraints = [
            models.UniqueConstraint(fields=["territory", "user", "role"], name="territory_role_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.territory})"
