from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from alleger.core.images import image_clean
from alleger.territories.models import Neighbourhood

from .models import User


class SignupExtraForm(forms.Form):
    """Extra sign-up field for allauth: the name others will see."""

    display_name = forms.CharField(
        label=_("Nom affiché"), max_length=80,
        help_text=_("Votre prénom ou un pseudonyme : c'est ce que les autres verront."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        # The e-mails speak the language the person signed up in (the confirmation that follows included).
        language = translation.get_language_from_request(request) if request is not None else ""
        user.preferred_language = language if language in dict(settings.LANGUAGES) else ""
        user.save(update_fields=["display_name", "preferred_language"])


class ProfileForm(forms.ModelForm):
    remove_avatar = forms.BooleanField(label=_("Retirer l'avatar"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Langue de l'interface"), choices=[("", _("Par défaut (français)"))] + list(settings.LANGUAGES),
        required=False,
    )

    class Meta:
        model = User
        fields = ["display_name", "neighbourhood", "bio", "avatar", "preferred_language"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "bio": forms.Textarea(attrs={"rows": 4}),
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        }
        help_texts = {"avatar": _("JPEG, PNG, WebP ou GIF ; les métadonnées (position GPS…) sont retirées.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.select_related("territory").order_by(
            "territory__name", "name"
        )
        self.fields["neighbourhood"].label_from_instance = lambda n: f"{n.name} ({n.territory.name})"
        # The clearable widget's own checkbox is replaced by remove_avatar.
        self.fields["avatar"].widget = forms.FileInput(attrs=self.Meta.widgets["avatar"].attrs)

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and avatar is not self.initial.get("avatar") and hasattr(avatar, "content_type"):
            image_clean(avatar, max_side=512)  # raises a ValidationError the form shows
            avatar.seek(0)
            return avatar
        return None


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nom du jeton"), max_length=80,
                           help_text=_("Pour vous souvenir de son usage, par exemple « script de la mairie »."))
    expires_in_days = forms.TypedChoiceField(
        label=_("Expiration"), coerce=int, empty_value=None, required=False, initial=90,
        choices=[("", _("Jamais (jusqu'à révocation ou changement de mot de passe)")), (30, _("Dans 30 jours")),
                 (90, _("Dans 90 jours")), (365, _("Dans un an"))],
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Votre mot de passe"), widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label=_("Je comprends que cette suppression est définitive."))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Mot de passe incorrect."))
        return password
