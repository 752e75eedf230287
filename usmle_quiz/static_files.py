"""whitenoise, minus the manifest.

`staticfiles.json` maps every source name to its hashed name: a map of the
site's front end that no browser needs. It is left out of what is served.
"""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware

MANIFEST = "staticfiles.json"


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    def __init__(self, get_response=None, *args, **kwargs):
        super().__init__(get_response, *args, **kwargs)
        for url in [url for url in self.files if url.endswith("/" + MANIFEST)]:
            del self.files[url]

    def find_file(self, url):  # the autorefresh (DEBUG) path looks files up per request
        if url.endswith("/" + MANIFEST):
            return None
        return super().find_file(url)
