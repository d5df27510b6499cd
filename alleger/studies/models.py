"""Population grids and implantation studies.

A grid's cells are stored as compressed numpy arrays in one binary column (a
city of 2 million people has about 50 000 populated cells: half a megabyte,
read in one row, instead of 50 000 rows to fetch for each study). A study keeps
its parameters, the figures the pages show (JSON) and, compressed, the
distance of every cell (for the map and the cell exports).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class PopulationGrid(models.Model):
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="population_grids")
    name = models.CharField(_("nom"), max_length=150, db_collation=NATURAL)
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("Par exemple « INSEE, Filosofi 2017, carroyage à 200 m »."))
    variant = models.CharField(_("format"), max_length=10, blank=True)
    cell_count = models.PositiveIntegerField(_("carreaux"))
    population = models.FloatField(_("population"))
    poor_households = models.FloatField(_("ménages pauvres"), default=0)
    #: The reader's report: rows read, rejected by reason, the first rejected rows, cells outside, notes.
    report = models.JSONField(_("compte rendu de lecture"), default=dict)
    cells = models.BinaryField(_("carreaux (numpy compressé)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("déposé par"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("carroyage de population")
        verbose_name_plural = _("carroyages de population")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(population__gte=0), name="grid_population_not_negative"),
        ]

    def __str__(self):
        return self.name


class Candidates(models.TextChoices):
    CELLS = "cells", _("Les carreaux habités du carroyage")
    PREMISES = "premises", _("Une liste de locaux disponibles (CSV)")


class Status(models.TextChoices):
    PENDING = "pending", _("En calcul")
    DONE = "done", _("Calculée")
    FAILED = "failed", _("Échec du calcul")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class Study(models.Model):
    Candidates = Candidates
    Status = Status
    Weekday = Weekday

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="studies")
    grid = models.ForeignKey(PopulationGrid, verbose_name=_("carroyage"), on_delete=models.PROTECT,
                             related_name="studies")
    title = models.CharField(_("titre"), max_length=150, db_collation=NATURAL)
    question = models.TextField(_("question posée"), blank=True)
    # Which places: those offering a service of this kind, or of this profile, or of this type (one of the three).
    #: Comma-separated service kinds (places.ServiceKind), e.g. "digital_help,internet".
    service_kinds = models.CharField(_("natures de service"), max_length=200, blank=True)
    profile = models.CharField(_("profil de lieu"), max_length=20, blank=True)
    place_type = models.CharField(_("type de lieu"), max_length=20, blank=True)
    open_weekday = models.PositiveSmallIntegerField(_("ouvert le"), choices=Weekday.choices, null=True, blank=True)
    open_time = models.TimeField(_("à"), null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("distance de couverture (m)"))
    candidates = models.CharField(_("sites candidats"), max_length=10, choices=Candidates.choices,
                                  default=Candidates.CELLS)
    #: [{"name", "lat", "lon"}] when candidates are premises.
    premises = models.JSONField(_("locaux candidats"), default=list, blank=True)
    suggestions = models.PositiveSmallIntegerField(_("nombre de sites à suggérer"), default=5)
    weight_poor = models.BooleanField(_("pondérer par les ménages pauvres"), default=False)
    published = models.BooleanField(_("publiée"), default=False)

    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    results = models.JSONField(_("résultats"), default=dict, blank=True)
    #: Per cell (grid order), float32 distance to the nearest place, compressed (the map and cell exports).
    distances = models.BinaryField(_("distances par carreau"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lancée par"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(_("calculée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("étude d'implantation")
        verbose_name_plural = _("études d'implantation")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(radius_m__gte=50, radius_m__lte=20_000), name="study_radius_range"),
            models.CheckConstraint(condition=Q(suggestions__lte=50), name="study_suggestions_at_most_50"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="study_status_known"),
            models.CheckConstraint(condition=Q(candidates__in=Candidates.values), name="study_candidates_known"),
            # Exactly one way of choosing the places.
            models.CheckConstraint(
                condition=(Q(service_kinds__gt="", profile="", place_type="")
                           | Q(service_kinds="", profile__gt="", place_type="")
                           | Q(service_kinds="", profile="", place_type__gt="")),
                name="study_one_selection"),
            models.CheckConstraint(condition=Q(open_weekday__isnull=True, open_time__isnull=True)
                                   | Q(open_weekday__isnull=False, open_time__isnull=False),
                                   name="study_open_at_complete"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("studies:detail", kwargs={"pk": self.pk})
