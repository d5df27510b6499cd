"""The admin writes only through services: each registered admin is the one ReadOnlyAdmin, or a
ServiceAdmin whose saves call services, or the pages' admin, audited by hand."""

import pytest
from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin
from alleger.organisations.models import Membership, Organisation
from alleger.pages.admin import PageAdmin
from alleger.testing.factories import MembershipFactory

#: Its saves call the pages services (tested in that app).
THROUGH_SERVICES_BY_HAND = {PageAdmin}


def _alleger_admins():
    return {model: model_admin for model, model_admin in admin.site._registry.items()
            if model._meta.app_label not in {"auth", "account", "socialaccount", "sites"}
            and model.__module__.startswith("alleger.")}


def test_every_admin_reads_only_or_writes_through_services():
    loose = [type(model_admin).__name__ for model_admin in _alleger_admins().values()
             if not isinstance(model_admin, ReadOnlyAdmin | ServiceAdmin)
             and type(model_admin) not in THROUGH_SERVICES_BY_HAND]
    assert loose == []


def test_every_service_admin_saves_through_its_service_and_deletes_only_if_it_says_how():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    for model_admin in _alleger_admins().values():
        if not isinstance(model_admin, ServiceAdmin):
            continue
        kind = type(model_admin)
        assert kind.save_model is not ServiceAdmin.save_model, f"{kind.__name__} saves with Django's save()"
        if model_admin.has_delete_permission(request):
            assert kind.delete_model is not admin.ModelAdmin.delete_model, kind.__name__
            assert kind.delete_queryset is not admin.ModelAdmin.delete_queryset, kind.__name__


def test_a_service_admin_that_forgets_its_service_cannot_save():
    from django.core.exceptions import ImproperlyConfigured

    class Forgetful(ServiceAdmin):
        pass

    with pytest.raises(ImproperlyConfigured):
        Forgetful(Organisation, admin.site).save_model(None, Organisation(name="X"), None, False)


def test_the_inlines_of_a_read_only_admin_are_read_only():
    for model_admin in _alleger_admins().values():
        if isinstance(model_admin, ReadOnlyAdmin):
            assert all(issubclass(inline, ReadOnlyInline) for inline in model_admin.inlines), model_admin


@pytest.mark.django_db
def test_a_read_only_admin_refuses_a_change_and_changes_nothing(client, organisation, platform_admin):
    client.force_login(platform_admin)
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    assert client.get(url).status_code == 200  # it shows
    response = client.post(url, {"name": "Autre nom", "kind": organisation.kind, "membership_set-TOTAL_FORMS": 0,
                                 "membership_set-INITIAL_FORMS": 0})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).name == organisation.name


@pytest.mark.django_db
def test_a_read_only_admin_refuses_to_add_or_delete(client, organisation, platform_admin):
    membership = MembershipFactory(organisation=organisation)
    client.force_login(platform_admin)
    assert client.post("/admin/organisations/organisation/add/", {"name": "Nouvelle"}).status_code == 403
    response = client.post(f"/admin/organisations/organisation/{organisation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists() and Membership.objects.filter(
        pk=membership.pk).exists()
