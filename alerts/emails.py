"""The one email helper: `emails/<name>-subject.txt`, `-body.txt` and `-body.html` make one message."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string


def _plain(template_name: str, context: dict) -> str:
    # Subjects and text parts are not HTML: "US & Russia" must not arrive as "US &amp; Russia".
    engine = engines["django"].engine
    return engine.get_template(template_name).render(Context(context, autoescape=False))


def email_message(*, name: str, to: str, context: dict, headers: dict | None = None) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(_plain(f"emails/{name}-subject.txt", context).split())
    text = _plain(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def unsubscribe_headers(unsubscribe_url: str) -> dict:
    """RFC 8058 one-click unsubscribe: mail clients POST to the link without showing a page."""
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
