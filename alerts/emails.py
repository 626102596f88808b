"""The one email helper: `emails/<name>-subject.txt`, `-body.txt` and `-body.html` make one message; a part that
many messages share (`emails/includes/<name>.txt` and `.html`) is rendered once and passed in."""

from email.policy import Compat32

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string


class _HeadersAsSet(Compat32):
    """Django's policy, except that a header which is short, plain ASCII and on one line goes out as it was set.

    Django encodes each header as it sets it; the email package then folds every header again on the way out,
    which costs more per email than rendering its templates. A header that needs no folding comes out the same.
    """

    def fold(self, name, value):
        return self._as_set(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        as_set = self._as_set(name, value)
        return as_set.encode("ascii") if as_set else super().fold_binary(name, value)

    def _as_set(self, name: str, value) -> str | None:
        if (isinstance(value, str) and len(name) + 2 + len(value) <= 78 and value.isascii()
                and not any(space in value for space in ("\r", "\n", "\t", "  "))):
            return f"{name}: {value}{self.linesep}"
        return None


_HEADERS_AS_SET = _HeadersAsSet()


class _Email(EmailMultiAlternatives):
    def message(self):
        message = super().message()
        message.policy = _HEADERS_AS_SET  # its parts are written with it too
        return message


def _plain(template_name: str, context: dict) -> str:
    # Subjects and text parts are not HTML: "US & Russia" must not arrive as "US &amp; Russia".
    engine = engines["django"].engine
    return engine.get_template(template_name).render(Context(context, autoescape=False))


def email_parts(*, name: str, context: dict) -> tuple[str, str]:
    """A part's text and HTML (safe to show as is), from `emails/includes/<name>.txt` and `.html`."""
    context = {"site_url": settings.SITE_URL, **context}
    return _plain(f"emails/includes/{name}.txt", context), render_to_string(f"emails/includes/{name}.html", context)


def email_message(*, name: str, to: str, context: dict, headers: dict | None = None) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(_plain(f"emails/{name}-subject.txt", context).split())
    text = _plain(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = _Email(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def unsubscribe_headers(unsubscribe_url: str) -> dict:
    """RFC 8058 one-click unsubscribe: mail clients POST to the link without showing a page."""
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
