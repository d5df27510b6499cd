"""Workshops in a bookable room (or a place named in words, exactly one), and real links for the cell's
actions (a tag names its challenge, an invitation its workshop; their constraints come in 0006, after
0005 has moved the existing rows)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_booking_no_overlap'),
        ('cell', '0003_merge_0002_challenges_0002_watch'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('territories', '0002_theme'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='cellaction',
            name='challenge',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cell_actions', to='cell.challenge', verbose_name='défi'),
        ),
        migrations.AddField(
            model_name='cellaction',
            name='workshop',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cell_actions', to='cell.workshop', verbose_name='atelier'),
        ),
        migrations.AddField(
            model_name='workshop',
            name='booking',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='workshop', to='bookings.booking', verbose_name='réservation'),
        ),
        migrations.AddField(
            model_name='workshop',
            name='ends_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='fin'),
        ),
        migrations.AddField(
            model_name='workshop',
            name='room',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='workshops', to='bookings.resource', verbose_name="salle d'un lieu partagé"),
        ),
        migrations.AlterField(
            model_name='workshop',
            name='place_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='lieu'),
        ),
        migrations.AddConstraint(
            model_name='workshop',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('room__isnull', True), models.Q(('place_name', ''), _negated=True)), models.Q(('room__isnull', False), ('place_name', '')), _connector='OR'), name='workshop_room_or_place_name', violation_error_message="Choisissez une salle d'un lieu partagé ou nommez le lieu, pas les deux."),
        ),
        migrations.AddConstraint(
            model_name='workshop',
            constraint=models.CheckConstraint(condition=models.Q(('room__isnull', True), ('ends_at__isnull', False), _connector='OR'), name='workshop_room_has_end'),
        ),
        migrations.AddConstraint(
            model_name='workshop',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__isnull', True), ('ends_at__gt', models.F('held_at')), _connector='OR'), name='workshop_ends_after_start'),
        ),
    ]
