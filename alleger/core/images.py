"""Uploaded images: sniff the real type, cap the size, strip metadata, re-encode."""

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}
MAX_SIDE = 2400


def image_clean(upload, *, max_side: int = MAX_SIDE) -> SimpleUploadedFile:
    """Return a fresh, metadata-free copy of an uploaded image, or raise ValidationError.

    The type is decided by decoding the content, never by the name or the
    declared content type. The copy is re-encoded from pixels, which drops
    EXIF (GPS position, camera) and anything smuggled after the image data.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("L'image est trop lourde (%(size)s Mo au maximum).")
            % {"size": settings.UPLOAD_MAX_BYTES // (1024 * 1024) or 1},
            code="too_large",
        )
    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
        # Pillow only refuses images over twice MAX_IMAGE_PIXELS (it merely
        # warns in between), so the cap is enforced here, before decoding.
        if width * height > settings.UPLOAD_MAX_PIXELS:
            raise ValidationError(
                _("L'image est trop grande (%(pixels)s millions de pixels au maximum).")
                % {"pixels": f"{settings.UPLOAD_MAX_PIXELS / 1_000_000:g}"},
                code="too_large",
            )
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Format d'image non accepté : utilisez JPEG, PNG, WebP ou GIF."), code="bad_format"
                )
            image = ImageOps.exif_transpose(image)
            # Pillow writes back what the source's info carries (a JPEG comment, an ICC profile,
            # XMP): keep only the palette transparency, which is pixels, not metadata.
            image.info = {key: value for key, value in image.info.items() if key == "transparency"}
            image.thumbnail((max_side, max_side))
            out_ext = ALLOWED_FORMATS[fmt]
            if out_ext == "jpg" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            if out_ext == "png" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGBA")
            buffer = io.BytesIO()
            save_format = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[out_ext]
            options = {"quality": 85, "optimize": True} if save_format == "JPEG" else {}
            image.save(buffer, format=save_format, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("Ce fichier n'est pas une image lisible."), code="not_an_image") from None
    # A random name: the uploaded one (« IMG_20260101_rue_des_Lilas.jpg », « marie-dupont.png ») is published
    # with the file, so it goes the way of the EXIF.
    return SimpleUploadedFile(f"{secrets.token_hex(8)}.{out_ext}", buffer.getvalue(),
                              content_type=f"image/{save_format.lower()}")
