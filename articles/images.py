"""Featured images: validation by decoding, clean re-encoding, renditions, clean-up.

An upload is decoded with Pillow before it is accepted. On save the original is
re-encoded once with its EXIF orientation applied and every piece of metadata
(EXIF with GPS, XMP, comments, colour profiles) left behind, and stored with its
size recorded: pages show it at once. Renditions in several widths, WebP plus a
JPEG or PNG fallback, are made afterwards by a task (articles.services.renditions)
under names derived from the original's name, so pages build their URLs without
opening a file. A write the storage refuses leaves nothing behind: every file
written for the upload is removed and ImageNotStored says why.
"""

import errno
import io
import logging
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.signals import post_delete
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .dispatch import DELETE_MEDIA, enqueue

logger = logging.getLogger(__name__)

# Pillow format name -> (file extension, MIME type) of the formats accepted.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
_FORMAT_OF = {ext: format_ for format_, (ext, _mime) in FORMATS.items()}
RENDITION_DIR = "renditions"
_SRGB = ImageCms.createProfile("sRGB")
# Room left in a request for the article's other fields beside its image: a body
# at its 300,000-character cap is at most 1.2 MB of UTF-8.
FORM_ALLOWANCE = 2 * 1024 * 1024


class ImageNotStored(Exception):
    """The storage refused a write; every file written for the image is removed."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def upload_limit() -> int:
    """Largest image the article form may send, whole request within its limit."""
    room = settings.MAX_REQUEST_BYTES - FORM_ALLOWANCE
    return max(0, min(settings.IMAGE_MAX_BYTES, room))


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def _read(file) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def validate_image(file) -> ImageInfo:
    """Decode file fully; raise ValidationError unless it is an acceptable image."""
    size = getattr(file, "size", None)
    if size is None:
        size = len(_read(file))
    if size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": size, "limit": settings.IMAGE_MAX_BYTES},
            code="image_too_large",
        )
    data = _read(file)
    try:
        # Pillow's own guard (Image.MAX_IMAGE_PIXELS) stays on: above twice its
        # limit open() fails; between, it warns, which is an error where warnings
        # are raised (the tests) and is caught by the pixel limit below otherwise.
        image = Image.open(io.BytesIO(data))
        format_, (width, height) = image.format, image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if _looks_like_svg(data):
            raise ValidationError(
                _("SVG images are not accepted. Upload a JPEG, PNG, WebP or GIF."),
                code="image_svg",
            ) from None
        raise ValidationError(
            _(
                "This file is not an image that can be read. "
                "Upload a JPEG, PNG, WebP or GIF image."
            ),
            code="image_unreadable",
        ) from None
    if format_ not in FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG, WebP or GIF.")
            % {"format": format_},
            code="image_format",
        )
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The image file is truncated or damaged. Upload it again."),
            code="image_truncated",
        ) from None
    return ImageInfo(format_, width, height)


def _too_many_pixels(width=None, height=None) -> ValidationError:
    limit = settings.IMAGE_MAX_PIXELS
    if width is None:
        message = _("The image has too many pixels; the limit is %(limit)s pixels.")
    else:
        message = _(
            "The image is %(width)s × %(height)s pixels; "
            "the limit is %(limit)s pixels in all."
        )
    return ValidationError(
        message % {"width": width, "height": height, "limit": limit},
        code="image_too_many_pixels",
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels to sRGB so the colour profile can be dropped with the rest."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in {"RGB", "RGBA", "CMYK", "L"}:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )


def _pixels_only(image: Image.Image) -> Image.Image:
    """Return a copy carrying pixels only, in a mode every encoder accepts."""
    image = _to_srgb(ImageOps.exif_transpose(image))
    if image.mode.startswith("I"):
        # 16-bit greyscale: scale to 8 bits; convert() alone would clip to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    mode = "RGBA" if _has_alpha(image) else "RGB"
    if image.mode == "L":
        mode = "L"
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


def _encode(image: Image.Image, format_: str) -> bytes:
    out = io.BytesIO()
    if format_ == "JPEG":
        image.convert("RGB" if image.mode != "L" else "L").save(
            out, "JPEG", quality=85, optimize=True, progressive=True
        )
    elif format_ == "WEBP":
        image.save(out, "WEBP", quality=82, method=4)
    elif format_ == "GIF":
        image.save(out, "GIF")
    else:
        image.save(out, "PNG")
    return out.getvalue()


def upload_name(name: str, format_: str) -> str:
    """Return the name to store an upload under: one extension, the real format's.

    The rest is slugified with its dots as hyphens (``photo.php.jpg`` holding a
    PNG becomes ``photo-php.png``); a name with nothing left (``深圳.png``) is
    ``image``.
    """
    stem = posixpath.splitext(posixpath.basename(name))[0]
    stem = slugify(stem.replace(".", "-")) or "image"
    return f"{stem}.{FORMATS[format_][0]}"


def clean_upload(file, square: int = 0) -> tuple[ContentFile, tuple[int, int]]:
    """Re-encode an upload: EXIF orientation applied, every piece of metadata gone.

    Animated GIFs keep their first frame only. With square, the picture is cropped
    to its centre square no wider than that (an author's photo). Return the file
    and its (width, height).
    """
    with Image.open(io.BytesIO(_read(file))) as image:
        format_ = image.format
        clean = _pixels_only(image)
    if square:
        side = min(square, *clean.size)
        clean = ImageOps.fit(clean, (side, side), Image.Resampling.LANCZOS)
    name = upload_name(file.name, format_)
    return ContentFile(_encode(clean, format_), name=name), clean.size


def rendition_name(name: str, width: int, ext: str) -> str:
    """Return the storage name of one rendition of the original stored as name."""
    return f"{RENDITION_DIR}/{name}.{width}w.{ext}"


def rendition_widths(width: int) -> list[int]:
    """Widths to make for an original this wide: the configured ones, never upscaled."""
    configured = settings.IMAGE_RENDITION_WIDTHS
    widths = [w for w in configured if w < width]
    if width <= max(configured) or not widths:
        widths.append(width)
    return widths


def make_renditions(name: str, storage=default_storage, written=None) -> dict:
    """Write the renditions of the stored original name; return what pages need.

    Each name is added to the list written before its file is, so that a caller
    can remove a rendition the storage left half written.
    """
    with storage.open(name, "rb") as file:
        data = file.read()
    with Image.open(io.BytesIO(data)) as original:
        image = _pixels_only(original)
        fallback = "png" if _has_alpha(image) else "jpg"
        width, height = image.size
        widths = rendition_widths(width)
        for w in widths:
            h = max(1, round(height * w / width))
            resized = (
                image
                if w == width
                else image.resize((w, h), Image.LANCZOS, reducing_gap=3.0)
            )
            for ext in ("webp", fallback):
                target = rendition_name(name, w, ext)
                if storage.exists(target):
                    storage.delete(target)
                if written is not None:
                    written.append(target)
                saved = storage.save(
                    target, ContentFile(_encode(resized, _FORMAT_OF[ext]))
                )
                if saved != target:
                    # Another run wrote the same rendition in between: same pixels.
                    storage.delete(saved)
    return {
        "name": name,
        "width": width,
        "height": height,
        "widths": widths,
        "fallback": fallback,
        # For feeds' enclosures: a page or feed never asks the storage.
        "bytes": len(data),
    }


def stored_names(meta: dict) -> list[str]:
    """Every file the metadata of one stored image accounts for, original first."""
    if not meta.get("name"):
        return []
    name = meta["name"]
    return [name] + [
        rendition_name(name, w, ext)
        for w in meta.get("widths", [])
        for ext in ("webp", meta.get("fallback", "jpg"))
    ]


def delete_files(names, storage=default_storage) -> list[str]:
    """Delete each file; return those that could not be deleted (each is logged)."""
    failed = []
    for name in dict.fromkeys(names):
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the stored file %s", name)
            failed.append(name)
    return failed


def new_files(article, previous_meta) -> list[str]:
    """The files stored for article's image since its state previous_meta."""
    meta = article.image_renditions or {}
    if meta.get("name") and meta["name"] != (previous_meta or {}).get("name"):
        return stored_names(meta)
    return []


def picture(meta: dict, storage=default_storage) -> dict | None:
    """Return the URLs and sizes a <picture> element needs, or None without data.

    Until its renditions are recorded, an image is its original alone (empty
    srcsets): a page never names a rendition that may not exist yet.
    """
    if not meta.get("name") or not meta.get("width"):
        return None
    name = meta["name"]
    if not meta.get("widths"):
        return {
            "webp_srcset": "",
            "srcset": "",
            "src": storage.url(name),
            "width": meta["width"],
            "height": meta["height"],
        }
    fallback = meta.get("fallback", "jpg")

    def srcset(ext):
        return ", ".join(
            f"{storage.url(rendition_name(name, w, ext))} {w}w" for w in meta["widths"]
        )

    largest = meta["widths"][-1]
    return {
        "webp_srcset": srcset("webp"),
        "srcset": srcset(fallback),
        "src": storage.url(rendition_name(name, largest, fallback)),
        "width": largest,
        "height": max(1, round(meta["height"] * largest / meta["width"])),
    }


def store_image(article) -> tuple[list[str], str]:
    """Clean and store a new upload (the original only).

    Return the files it replaces, which the caller deletes once the new state
    is committed, and the name of the original stored now ("" if none), whose
    renditions the caller asks for.
    """
    previous = article.image_renditions or {}
    file = article.image
    stored = ""
    if file and not file._committed:
        article.image, article.image_renditions = write_original(article, file)
        stored = article.image.name
    elif not file:
        article.image_renditions = {}
    if previous.get("name") and previous["name"] != (file.name or ""):
        return stored_names(previous), stored
    return [], stored


def image_changes(article) -> bool:
    """True if saving article stores a new image or drops the recorded one."""
    meta = article.image_renditions or {}
    return (article.image.name or "") != meta.get("name", "")


def write_original(instance, file) -> tuple[str, dict]:
    """Store a cleaned upload to file's field of instance; return name and metadata.

    Raise ImageNotStored if the storage fails, once every file written is gone.
    """
    cleaned, (width, height) = clean_upload(file)
    storage, field = file.storage, file.field
    written = []
    try:
        name = storage.get_available_name(
            field.generate_filename(instance, cleaned.name), max_length=field.max_length
        )
        # Named before the write: a file the storage leaves half written (a full
        # disk) is at this name.
        written.append(name)
        stored = storage.save(name, cleaned, max_length=field.max_length)
        # Differs only if another upload took the name in between.
        written[0] = stored
    except Exception as error:
        # Any storage's failure, not only the file system's OSError: an object
        # store raises exceptions of its own.
        logger.exception("Could not store the image %s", cleaned.name)
        delete_files(written, storage)
        raise ImageNotStored(_storage_problem(error)) from error
    # What pages need of an original until its renditions are recorded.
    return stored, {
        "name": stored,
        "width": width,
        "height": height,
        "bytes": cleaned.size,
    }


def _storage_problem(error) -> str:
    number = getattr(error, "errno", None)
    if number in (errno.ENOSPC, errno.EDQUOT):
        return _("the media storage is full")
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("the server may not write to the media storage")
    return _("the media storage refused the file")


def _delete_article_files(sender, instance, **kwargs):
    names = stored_names(instance.image_renditions or {})
    if instance.image and instance.image.name not in names:
        names.append(instance.image.name)
    if names:
        enqueue(DELETE_MEDIA, names=names)


post_delete.connect(
    _delete_article_files, sender="articles.Article", dispatch_uid="article_images"
)
