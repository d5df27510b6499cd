"""The demo data for tests: loaded once per test session, restored in each test that asks for it.

Loading the demo (`alleger demo_data`) takes seconds: it draws pictures and
goes through every app's services. So the `demo` fixture (conftest.py) loads
it once per process (each pytest-xdist worker has its own database), inside a
transaction it rolls back, and keeps what the demo wrote: the rows it added or
changed, and its picture files. Each test asking for `demo` gets that copy
restored into its own database and media folder; the test's transaction (or,
for a transactional or browser test, the flush after it) takes it away again,
so tests stay independent and may change the demo data at will.

Rows are kept as Django serializes them, foreign keys to content types and
people by natural key (a flush recreates content types, maybe under other
ids), and restored without signals nor `save()`: as they were, timestamps
included.
"""

import io
import shutil
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from alleger.accounts.demo import DOMAIN
from alleger.accounts.models import User


def demo_person(key: str) -> User:
    """A demo person by key (`clemence`, `martha`, `helene`…: the part of their e-mail before the @)."""
    return User.objects.get(email=f"{key}@{DOMAIN}")


def demo_people() -> dict[str, User]:
    """Every demo person, by key."""
    return {user.email.split("@")[0]: user for user in User.objects.filter(email__endswith=f"@{DOMAIN}")}


@dataclass(frozen=True)
class DemoSnapshot:
    #: What `alleger demo_data` printed: the demo accounts and their password.
    output: str
    #: The rows the demo added or changed, serialized, in dependency order.
    rows: list
    #: The folder holding the demo's picture files.
    media: Path

    def restore(self, *, media_root: Path) -> str:
        """Write the demo's rows into the current database and its files into
        `media_root`; return what the demo command printed."""
        shutil.copytree(self.media, media_root, dirs_exist_ok=True)
        restored = []
        with transaction.atomic():
            for label, rows in groupby(self.rows, key=lambda row: row["model"]):
                # One model at a time, in dependency order: its natural keys
                # are looked up among the rows restored before it.
                objects = list(serializers.deserialize("python", list(rows)))
                model = apps.get_model(label)
                _insert_or_update(model, objects)
                restored.append(model)
            with connection.cursor() as cursor:  # PostgreSQL: ids after the demo's ones
                for sql in connection.ops.sequence_reset_sql(no_style(), restored):
                    cursor.execute(sql)
        return self.output


def _insert_or_update(model, objects) -> None:
    existing = set(model._base_manager.filter(pk__in=[o.object.pk for o in objects]).values_list("pk", flat=True))
    for changed in (o for o in objects if o.object.pk in existing):
        changed.save()  # a row the migrations made and the demo changed: a raw save, as loaddata does
    new = [o.object for o in objects if o.object.pk not in existing]
    fields = [field for field in model._meta.local_concrete_fields if not field.generated]
    batch = max(1, connection.ops.bulk_batch_size(fields, new))
    for start in range(0, len(new), batch):
        # What Model.save_base(raw=True) does for one row (no auto_now, no signal), for a batch.
        model._base_manager._insert(new[start:start + batch], fields=fields, raw=True)
    for deserialized in (o for o in objects if o.object.pk not in existing and o.m2m_data):
        for name, targets in deserialized.m2m_data.items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            through._base_manager.bulk_create(
                through(**{field.m2m_field_name() + "_id": deserialized.object.pk,
                           field.m2m_reverse_field_name() + "_id": target})
                for target in targets
            )


def rows() -> dict:
    """Every row of the database, serialized, by (model label, primary key), in dependency order."""
    models = serializers.sort_dependencies(
        [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    )
    everything = {}
    for model in models:
        if not model._meta.managed or model._meta.proxy:
            continue
        for row in serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        ):
            everything[(row["model"], row["pk"])] = row
    return everything


def take_snapshot(*, media: Path) -> DemoSnapshot:
    """Load the demo into the current (empty) test database, keep what it
    wrote, and roll it back."""
    out = io.StringIO()
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as every test has them (conftest.py)
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers), transaction.atomic():
        before = rows()
        call_command("demo_data", stdout=out)
        written = [row for key, row in rows().items() if before.get(key) != row]
        transaction.set_rollback(True)
    return DemoSnapshot(output=out.getvalue(), rows=written, media=media)
