"""Background work for accounts: password-reset mail, sent by the task worker, not the request.

The request only enqueues a task naming the address, for every address alike,
so a reset for an account and one for nobody take the same time: the reply
can no longer tell them apart by how long the SMTP server took. The worker
(`manage.py db_worker`, the Procfile's `worker`) finds the accounts and sends.
A mail that fails is retried with a growing delay; after the last attempt the
task is left FAILED (in the admin's task list) and the error is logged.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template import loader
from django.utils import timezone

log = logging.getLogger(__name__)

MAIL_ATTEMPTS = 5
MAIL_RETRY_BASE = timedelta(seconds=30)


class _ResetForm(PasswordResetForm):
    """Django's reset form, except that a mail that cannot be sent raises (Django's logs and drops it)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        message.send()


@task()
def password_reset_mail(*, email: str, domain: str, use_https: bool, attempt: int = 1) -> int:
    """Send the reset link to every active account of this address; returns how many there were."""
    form = _ResetForm({"email": email})
    if not form.is_valid():
        return 0
    accounts = len(list(form.get_users(form.cleaned_data["email"])))
    try:
        form.save(domain_override=domain, use_https=use_https)
    except Exception:
        if attempt >= MAIL_ATTEMPTS:
            log.exception("password-reset mail gave up after %s attempts", attempt)
            raise
        delay = MAIL_RETRY_BASE * 2 ** (attempt - 1)
        log.warning("password-reset mail failed (attempt %s); retrying in %s", attempt, delay, exc_info=True)
        password_reset_mail.using(run_after=timezone.now() + delay).enqueue(
            email=email, domain=domain, use_https=use_https, attempt=attempt + 1
        )
        raise
    return accounts
