"""A territory's colours: WCAG contrast of its text on its colour (AA: 4.5:1 at least)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

AA_RATIO = 4.5

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", gettext_lazy("Une couleur s'écrit #rrggbb, par exemple #1f5f4a."))


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(text: str, background: str) -> float:
    lighter, darker = sorted((_luminance(text), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_contrast(*, text: str, background: str) -> None:
    """Refuse a text colour unreadable on the background (under WCAG AA's 4.5:1)."""
    ratio = contrast_ratio(text, background)
    if ratio < AA_RATIO:
        raise ValidationError(
            _("Le texte %(text)s sur la couleur %(background)s n'est pas assez contrasté (%(ratio)s:1) : "
              "il faut au moins 4,5:1 pour être lisible (WCAG AA).")
            % {"text": text, "background": background, "ratio": number_format(round(ratio, 2), 2)},
            code="low_contrast",
        )
