"""funding.ledger: the database keeps the ledger append-only."""

import pytest
from django.db import DatabaseError, connection, transaction

from alleger.funding.models import Transfer
from alleger.testing.money import sponsor_pool

pytestmark = pytest.mark.django_db


# --- the ledger is append-only -------------------------------------------------------------------


@pytest.fixture
def a_transfer(territory):
    sponsor_pool(territory=territory, amount_cents=1_000)
    return Transfer.objects.get()


def test_given_a_transfer_when_updating_it_then_the_database_refuses(a_transfer):
    with pytest.raises(DatabaseError), transaction.atomic():
        Transfer.objects.filter(pk=a_transfer.pk).update(amount_cents=1)
    a_transfer.amount_cents = 2
    with pytest.raises(DatabaseError), transaction.atomic():
        a_transfer.save()
    assert Transfer.objects.get().amount_cents == 1_000


@pytest.mark.postgres
def test_given_a_transfer_on_postgresql_when_deleting_it_then_the_database_refuses(a_transfer):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError), transaction.atomic():
        Transfer.objects.filter(pk=a_transfer.pk).delete()
    assert Transfer.objects.filter(pk=a_transfer.pk).exists()
