from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from alleger.core.admin import ServiceAdmin
from alleger.core.images import image_clean

from . import services
from .geometry import polygon_from_geojson
from .models import Neighbourhood, Territory, TerritoryRole


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
    """Roles are granted and revoked, never edited: a moderator confirms payments, so each grant and each
    revocation goes through the service, which audits who did it, when, and what."""

    model = TerritoryRole
    autocomplete_fields = ["user"]
    fields = ["user", "role", "granted_at"]
    readonly_fields = ["granted_at"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


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
class TerritoryAdmin(ServiceAdmin):
    form = TerritoryForm
    list_display = ["name", "slug", "kind", "max_goal_cents", "commission_bp", "overfunding_cap_bp"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    exclude = ["min_lat", "min_lon", "max_lat", "max_lon"]
    inlines = [NeighbourhoodInline, TerritoryRoleInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a territory carries projects, money and people: it is never deleted from here

    def save_model(self, request, obj, form, change):
        services.territory_save(territory=obj, actor=request.user, changed=form.changed_data)

    def save_formset(self, request, form, formset, change):
        # What formset.save() would have listed, for the admin's history of the change.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        territory = form.instance
        for row in formset.initial_forms:
            if row in formset.deleted_forms:
                formset.deleted_objects.append(row.instance)
                if formset.model is TerritoryRole:
                    services.territory_role_revoke(territory=territory, user=row.instance.user,
                                                   role=row.instance.role, actor=request.user)
                else:
                    services.neighbourhood_delete(neighbourhood=row.instance, actor=request.user)
            elif formset.model is Neighbourhood and row.has_changed():
                formset.changed_objects.append((row.instance, row.changed_data))
                services.neighbourhood_save(neighbourhood=row.instance, actor=request.user, changed=row.changed_data)
        for row in formset.extra_forms:
            if not row.has_changed() or row in formset.deleted_forms:
                continue
            if formset.model is TerritoryRole:
                formset.new_objects.append(services.territory_role_grant(
                    territory=territory, user=row.cleaned_data["user"], role=row.cleaned_data["role"],
                    actor=request.user))
            else:
                row.instance.territory = territory
                formset.new_objects.append(services.neighbourhood_save(
                    neighbourhood=row.instance, actor=request.user, changed=row.changed_data))
