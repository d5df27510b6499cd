"""The migrations that changed existing rows: the cell's free-text tags and invitations (cell 0005), and
the followers' tables kept under their new through models (funding 0009, interventions 0002)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alleger.testing.factories import TerritoryFactory, UserFactory
from alleger.testing.funding_factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return MigrationExecutor(connection).loader.project_state(target).apps


def _leaves(app):
    return [node for node in MigrationExecutor(connection).loader.graph.leaf_nodes() if node[0] == app]


def test_old_tags_get_their_challenge_by_title_and_the_rest_are_deleted():
    from alleger.cell.models import CellAction, Challenge

    territory, other = TerritoryFactory(), TerritoryFactory()
    actor = UserFactory()
    mine = Challenge.objects.create(territory=territory, title="Des rez-de-chaussée vivants", problem="P",
                                    starts_on="2026-01-01", ends_on="2026-02-01")
    Challenge.objects.create(territory=other, title="Le défi d'ailleurs", problem="P", starts_on="2026-01-01",
                             ends_on="2026-02-01")
    old = _migrate([("cell", "0004_workshop_room_and_action_links")])
    Action = old.get_model("cell", "CellAction")
    ContentType = old.get_model("contenttypes", "ContentType")
    target = {"target_type": ContentType.objects.get(app_label="accounts", model="user"), "target_id": actor.pk,
              "territory_id": territory.pk, "actor_id": actor.pk}
    matched = Action.objects.create(kind="tag", note="  des Rez-de-chaussée vivants ", **target)
    Action.objects.create(kind="tag", note="Le défi d'ailleurs", **target)  # another territory's: an orphan
    Action.objects.create(kind="tag", note="Un défi qui n'existe pas", **target)
    Action.objects.create(kind="invite", note="Atelier du 12 janvier", **target)
    kept = Action.objects.create(kind="follow", **target)

    _migrate(_leaves("cell"))

    assert sorted(CellAction.objects.values_list("pk", "kind", "challenge_id")) == [
        (matched.pk, "tag", mine.pk), (kept.pk, "follow", None)]


def test_followers_are_kept_undated_under_their_through_model():
    from alleger.funding.models import ProjectFollower

    project, user = ProjectFactory(), UserFactory()
    old = _migrate([("funding", "0008_merge_0007_offer_resource_0007_project_place")])
    old.get_model("funding", "Project").objects.get(pk=project.pk).followers.add(user.pk)

    _migrate(_leaves("funding"))

    row = ProjectFollower.objects.get()
    assert (row.project_id, row.user_id, row.created_at) == (project.pk, user.pk, None)
    assert list(project.followers.all()) == [user]
    project.followers.add(UserFactory())
    assert ProjectFollower.objects.filter(created_at__isnull=False).count() == 1
