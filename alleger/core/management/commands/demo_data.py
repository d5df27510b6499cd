from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from alleger.core.demo_support import DEMO_PASSWORD, DemoContext


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the demo accounts")

    def handle(self, *args, quiet=False, **options):
        context = DemoContext()
        with transaction.atomic():
            # Each app may have a `demo` module with a load(context) function;
            # apps load in INSTALLED_APPS order, so later tracks can use the
            # territories, people and organisations loaded before them.
            for module in _app_modules("demo"):
                module.load(context)
            # Then the links between apps that need a later app's demo (a campaign helped by a place's room).
            for module in _app_modules("demo_links"):
                module.load(context)
            # Then the pictures for what the apps loaded (a kit forked by a later app gets its original's).
            for module in _app_modules("demo_pictures"):
                module.load(context)
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for email, role in context.accounts:
            self.stdout.write(f"  {email:<38} {role}")


def _app_modules(name: str):
    """The `name` module of each of the platform's apps that has one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("alleger."):
            continue
        try:
            yield import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
