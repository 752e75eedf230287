"""The pages' rate limits on API operations: the same counters (usmle_quiz.ratelimits, RATE_LIMITS[name]).

A student answering from the app and from a browser tab at once is one student: both count against the
same "answer" limit. Checked after authentication (DRF's check_throttles), so a token's student is known
and a request refused as unauthenticated counts against nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rest_framework.request import Request

from api.errors import TooManyRequests
from usmle_quiz.ratelimits import ip_key, student_key, usage


@dataclass(frozen=True)
class RateLimit:
    name: str  # a key of RATE_LIMITS
    message: str
    methods: tuple[str, ...] = ("POST",)
    key: Callable = student_key

    def check(self, request: Request) -> None:
        """Count this request; raise the 429 (JSON, Retry-After) once past the limit."""
        if request.method not in self.methods:
            return
        limited = usage(request, name=self.name, key=self.key)
        if limited:
            raise TooManyRequests(self.message, retry_after=limited["time_left"])


# The messages the pages give, so a student reads the same words in the app.
ANSWER = RateLimit("answer", "You are answering faster than anyone reads. Wait a second and submit again.")
BLOCK_CREATE = RateLimit(
    "block_create", "You have built many blocks in the last minute. Wait a little, then try again."
)
MARKS = RateLimit("marks", "Too many changes at once. Wait a moment, then try again.")
NOTE = RateLimit("note", "You are saving notes very fast. Wait a moment, then save again.", methods=("PUT",))
REPORT = RateLimit(
    "report", "You have sent many reports in the last hour. Thank you; wait a little, then send again."
)
# Per client address, before any password is hashed: the login page's limit.
LOGIN_IP = RateLimit("login_ip", "Too many sign-ins from this network.", key=ip_key)
