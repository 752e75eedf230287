"""gunicorn's access log, without secrets in URLs.

A password-reset link carries its token in the path (/accounts/reset/<uid>/<token>/);
anyone who reads the log could use it until it expires. The request line and
path are redacted before they are written.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

_RESET = re.compile(r"/reset/[^/\s?]+/[^/\s?]+/")


def redact(text: str) -> str:
    return _RESET.sub("/reset/<uid>/<token>/", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "{raw_uri}e"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms
