from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from alleger.core.admin import ServiceAdmin

from . import services
from .models import User


class PasswordChangeForm(AdminPasswordChangeForm):
    def set_password_and_save(self, user, commit=True, **kwargs):
        """Through the service, so that the account's API tokens are revoked here too."""
        usable = self.cleaned_data.get("set_usable_password", True)
        services.account_password_set(user=user, password=self.cleaned_data["password1"] if usable else None)
        return user


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    """Accounts, saved and audited by the accounts service (rights changes with their old and new values,
    never one's own); the password through its service, which revokes the API tokens. No groups (the
    rights are the three flags and the territories' roles), no deletion here: an account is closed by its
    owner (anonymised, accounts.services.account_delete)."""

    change_password_form = PasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profil", {"fields": ["display_name", "bio", "neighbourhood", "avatar", "preferred_language"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "deleted_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        services.account_admin_save(user=obj, actor=request.user, changed=form.changed_data)
