"""Static files: WhiteNoise's hashed, compressed storage, its URLs remembered.

`{% static %}` asks the storage for a file's URL on every render: a manifest lookup, then `urljoin`
and `quote` (about 25 µs, four to six times per page). The manifest does not change while a process
runs (`collectstatic` comes with a restart), so each name's URL is computed once."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = super().url(name)
            if len(self._urls) < 10_000:  # the names the templates use; a bound all the same
                self._urls[name] = found
        return found
