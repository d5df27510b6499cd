from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from alleger.core.images import image_clean

from .geometry import polygon_from_geojson
from .models import Neighbourhood, Territory, TerritoryRole


def _with_bbox(instance, boundary):
    """Keep the bounding-box columns in step with an edited boundary."""
    if boundary:
        min_lon, min_lat, max_lon, max_lat = polygon_from_geojson(boundary).bounds
        instance.min_lon, instance.min_lat, instance.max_lon, instance.max_lat = min_lon, min_lat, max_lon, max_lat


class BoundaryForm(forms.ModelForm):
    def clean_boundary(self):
        boundary = self.cleaned_data.get("boundary")
        if boundary:
            polygon_from_geojson(boundary)
        return boundary


class NeighbourhoodInline(admin.TabularInline):
    model = Neighbourhood
    form = BoundaryForm
    fields = ["name", "slug", "boundary"]
    extra = 0


class TerritoryRoleInline(admin.TabularInline):
    model = TerritoryRole
    autocomplete_fields = ["user"]
    extra = 0


class TerritoryForm(BoundaryForm):
    """The boundary checked, the logo and banner re-encoded (alleger.core.images); the colours' contrast is
    checked by Territory.clean."""

    def _image(self, name):
        upload = self.cleaned_data.get(name)
        return image_clean(upload) if isinstance(upload, UploadedFile) else upload

    def clean_logo(self):
        return self._image("logo")

    def clean_banner(self):
        return self._image("banner")


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    form = TerritoryForm
    list_display = ["name", "slug", "kind", "max_goal_cents", "commission_bp", "overfunding_cap_bp"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    exclude = ["min_lat", "min_lon", "max_lat", "max_lon"]
    inlines = [NeighbourhoodInline, TerritoryRoleInline]

    def save_model(self, request, obj, form, change):
        _with_bbox(obj, obj.boundary)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Neighbourhood):
                _with_bbox(instance, instance.boundary)
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
