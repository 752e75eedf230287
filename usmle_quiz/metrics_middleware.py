"""django-prometheus's two middleware (settings.MIDDLEWARE), adjusted for what /metrics promises.

- The scrapes themselves are left out of every request series: Prometheus's visits are not the site's traffic,
  and the load report compares these series with locust's.
- A request that raised is observed once in the latency histogram. django-prometheus observes it in
  process_exception and again in process_response, which still runs for the 500 or 503 the exception becomes.
- The outermost one counts every reply by status (usmle_http_responses_total), the middleware's own included.
- Each response gives the process a chance to refresh its memory and CPU gauges (at most every few seconds).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_prometheus import middleware as django_prometheus_middleware

from usmle_quiz import metrics


def _is_scrape(request: HttpRequest) -> bool:
    return request.path == metrics.PATH


class PrometheusBeforeMiddleware(django_prometheus_middleware.PrometheusBeforeMiddleware):
    """Outermost: the whole stack's latency, the scrapes left out."""

    def process_request(self, request):
        if not _is_scrape(request):
            super().process_request(request)

    def process_response(self, request, response):
        if _is_scrape(request):
            return response
        metrics.RESPONSES.labels(status=str(response.status_code)).inc()
        return super().process_response(request, response)


class PrometheusAfterMiddleware(django_prometheus_middleware.PrometheusAfterMiddleware):
    """Innermost: by view, method and status; the scrapes left out, a failed request observed once."""

    def process_request(self, request):
        if not _is_scrape(request):
            super().process_request(request)

    def process_view(self, request, view_func, *view_args, **view_kwargs):
        if not _is_scrape(request):
            super().process_view(request, view_func, *view_args, **view_kwargs)

    def process_response(self, request, response):
        metrics.process_gauges_refresh()
        if _is_scrape(request):
            return response
        return super().process_response(request, response)

    def process_exception(self, request, exception):
        if _is_scrape(request):
            return None
        self.label_metric(self.metrics.exceptions_by_type, request, type=type(exception).__name__).inc()
        match = getattr(request, "resolver_match", None)
        if match is not None:
            self.label_metric(
                self.metrics.exceptions_by_view, request, view=match.view_name or "<unnamed view>"
            ).inc()
        return None
