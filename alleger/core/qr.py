"""QR codes for what is printed (an asset's sign, a kit's sheet): segno's SVG, scaled by the print stylesheet."""

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def absolute(request, path: str) -> str:
    """The address to print: SITE_URL's host when set (behind a proxy), else the request's."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def qr_svg(url: str, *, svgclass: str) -> SafeString:
    """An inline SVG QR code of `url`: a viewBox without width or height, so that the print stylesheet sizes it
    instead of cropping a fixed-size drawing (segno's omitsize); named for screen readers."""
    svg = segno.make(url, error="m").svg_inline(omitsize=True, svgclass=svgclass, dark="#000", light="#fff",
                                                 title=_("Code QR vers %(url)s") % {"url": url})
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 — segno's, from our own URL
