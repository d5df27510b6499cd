"""The report categories admin saves through the services: the agents it names (who may change the
status of the category's reports) are audited, a question is added by service_attribute_save."""

import pytest
from django.forms.models import model_to_dict

from alleger.core.models import AuditEvent
from alleger.reports.models import Report, ReportCategory
from alleger.testing.factories import UserFactory
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db

FIELDS = ["name", "service_code", "description", "group", "keywords", "service_name", "service_email",
          "service_notice", "active", "order"]


def _data(category, *, agents=(), attributes=()) -> dict:
    data = {k: ("on" if v is True else v) for k, v in model_to_dict(category, fields=FIELDS).items()
            if v is not False}
    data["agents"] = [agent.pk for agent in agents]
    data.update({"attributes-TOTAL_FORMS": len(attributes), "attributes-INITIAL_FORMS": 0})
    for index, row in enumerate(attributes):
        data.update({f"attributes-{index}-{key}": value for key, value in row.items()})
    return data


def test_naming_an_agent_in_the_admin_is_audited(client, territory, platform_admin):
    category = make_category(territory=territory)
    agent = UserFactory()
    client.force_login(platform_admin)
    response = client.post(f"/admin/reports/reportcategory/{category.pk}/change/", _data(category, agents=[agent]))
    assert response.status_code == 302
    assert list(category.agents.all()) == [agent]
    assert agent.has_perm("reports.change_status", make_report(category=category))
    event = AuditEvent.objects.filter(action="report.category_save").first()
    assert event.actor == platform_admin and event.data["agents"] == [agent.pk]


def test_a_question_added_in_the_admin_goes_through_the_service(client, territory, platform_admin):
    category = make_category(territory=territory)
    client.force_login(platform_admin)
    response = client.post(f"/admin/reports/reportcategory/{category.pk}/change/", _data(category, attributes=[
        {"code": "etage", "datatype": "string", "description": "À quel étage ?", "order": 1, "values": "[]"}]))
    assert response.status_code == 302
    assert category.attributes.get().code == "etage"
    assert AuditEvent.objects.filter(action="report.attribute_save", data__code="etage").exists()


def test_a_taken_service_code_is_refused_and_nothing_changes(client, territory, platform_admin):
    make_category(territory=territory, service_code="taken")
    category = make_category(territory=territory, service_code="mine", name="Mienne")
    client.force_login(platform_admin)
    data = {**_data(category), "service_code": "taken", "name": "Renommée"}
    response = client.post(f"/admin/reports/reportcategory/{category.pk}/change/", data, follow=True)
    assert "déjà utilisé" in response.content.decode()
    assert ReportCategory.objects.get(pk=category.pk).name == "Mienne"


def test_reports_are_read_only_in_the_admin(client, territory, platform_admin):
    report = make_report(category=make_category(territory=territory))
    client.force_login(platform_admin)
    response = client.post(f"/admin/reports/report/{report.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).status == report.status
