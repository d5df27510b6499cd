from django import forms
from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin

from . import services
from .models import Report, ReportCategory, ReportMedia, ReportUpdate, ServiceAttribute


class ServiceAttributeForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the service finds a question by its code: a saved one keeps it
            self.fields["code"].disabled = True


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    form = ServiceAttributeForm
    extra = 0
    can_delete = False  # no service removes a question: reports keep their answers


@admin.register(ReportCategory)
class ReportCategoryAdmin(ServiceAdmin):
    """Categories, their questions and their agents (who may change their reports' status) are saved by
    the services, which check and audit them, as on the territory's categories page."""

    list_display = ("name", "service_code", "territory", "service_name", "service_email", "active")
    list_filter = ("territory", "active")
    search_fields = ("name", "service_code", "service_name")
    filter_horizontal = ("kits", "asset_types", "agents")
    inlines = [ServiceAttributeInline]

    def get_readonly_fields(self, request, obj=None):
        return ["territory"] if obj is not None else []


    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.CATEGORY_FIELDS if name in form.cleaned_data}
        saved = services.category_save(
            territory=obj.territory, actor=request.user, category=obj if change else None,
            kits=form.cleaned_data.get("kits"), asset_types=form.cleaned_data.get("asset_types"),
            agents=form.cleaned_data.get("agents"), **data)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # Not form.save_m2m(): the kits, asset types and agents were set by the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        # What formset.save() would have listed, for the admin's history of the change.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if row.has_changed() and row.cleaned_data:
                fields = {name: row.cleaned_data[name] for name in row.changed_data if name != "code"}
                saved = services.service_attribute_save(category=form.instance, actor=request.user,
                                                        code=row.cleaned_data["code"], **fields)
                if row in formset.initial_forms:
                    formset.changed_objects.append((saved, row.changed_data))
                else:
                    formset.new_objects.append(saved)


class ReportUpdateInline(ReadOnlyInline):
    model = ReportUpdate
    readonly_fields = ("status", "note", "author", "external_id", "created_at")


class ReportMediaInline(ReadOnlyInline):
    model = ReportMedia
    readonly_fields = ("update", "photo", "url")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    # Read-only: status changes go through the report page, which notifies the reporter and audits.
    list_display = ("pk", "category", "territory", "status", "source", "created_at")
    list_filter = ("status", "territory", "source")
    inlines = [ReportUpdateInline, ReportMediaInline]
