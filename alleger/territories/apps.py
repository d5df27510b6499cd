from django.apps import AppConfig


class Config(AppConfig):
    name = "alleger.territories"
    label = "territories"
    default_auto_field = "django.db.models.BigAutoField"
