"""Fewer indexes written by each pledge, under its project's lock.

Django's LIKE twins of unique or indexed text columns (a contribution's
status, a transfer's idempotency key, a simulated charge's reference) served
no query. The contribution's reward, organisation and confirming moderator are
indexed only where set, and its status only where money is still awaited
(the moderators' queue): a plain card pledge writes six index entries, not ten.

On SQLite, altering the transfer's column rebuilds the table, which drops its
triggers: the append-only trigger of 0002 is created again (as in 0003).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

restore_sqlite_trigger = importlib.import_module("alleger.funding.migrations.0003_transfer_key_room").restore_sqlite_trigger


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0011_contribution_project_contributor_index'),
        ('organisations', '0002_sponsorship_request'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='contribution',
            name='organisation',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='organisations.organisation'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='receipt_confirmed_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='reward',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='funding.reward'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='status',
            field=models.CharField(choices=[('pending', 'En attente du paiement'), ('authorised', 'Autorisé'), ('captured', 'Encaissé'), ('capture_failed', "Échec d'encaissement, nouvel essai prévu"), ('cancelled', 'Annulé'), ('voided', 'Libéré (campagne non financée)'), ('refunded', 'Remboursé'), ('dropped', "Abandonné après échecs d'encaissement")], max_length=20),
        ),
        migrations.AlterField(
            model_name='simulatedcharge',
            name='reference',
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='idempotency_key',
            field=models.CharField(max_length=200),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'capture_failed'])), fields=['status'], name='contribution_awaiting_money'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('reward__isnull', False)), fields=['reward'], name='contribution_reward'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('organisation__isnull', False)), fields=['organisation'], name='contribution_organisation'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('receipt_confirmed_by__isnull', False)), fields=['receipt_confirmed_by'], name='contribution_confirmed_by'),
        ),
        migrations.AddConstraint(
            model_name='simulatedcharge',
            constraint=models.UniqueConstraint(fields=('reference',), name='simulatedcharge_reference'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.UniqueConstraint(fields=('idempotency_key',), name='transfer_idempotent'),
        ),
        # Last: on SQLite every operation on the transfer's table above rebuilt it.
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
