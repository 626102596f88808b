"""Pages for subscribers (no account: signed links) and, with DEBUG on, the emails written to files."""

import email
import email.policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from treaties.models import Deadline, Treaty
from treaties.prospects import treaties_with_nothing_to_come
from treaties.web.client_ip import client_ip
from treaties.web.downloads import calendar_response

from . import signed_links, subscriptions
from .forms import ChoicesForm, SubscribeForm


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            address = form.cleaned_data["email"]
            limit = subscriptions.subscribe_limit_hit(email=address, client=client_ip(request) or "unknown")
            if limit == "client":
                return render(request, "alerts/subscribe_limited.html", status=429)
            # Over the address's limit the page says the same and nothing is sent: it reveals nothing.
            if not limit:
                subscriptions.subscribe(email=address, choices=form.choices())
            return redirect("alerts:subscribe_sent")
    else:
        treaty = Treaty.objects.filter(slug=request.GET.get("treaty", "")).first()
        form = SubscribeForm(initial={"treaties": [treaty.pk]} if treaty else None)
    chosen = [int(pk) for pk in form["treaties"].value() or [] if str(pk).isdigit()]
    return render(request, "alerts/subscribe.html", {
        "form": form, "nothing_to_come": treaties_with_nothing_to_come(timezone.localdate(), chosen),
    }, status=400 if form.errors else 200)


def subscribe_sent(request):
    return render(request, "alerts/subscribe_sent.html")


def _subscription_or_invalid(request, token, *, salt, max_age=None):
    try:
        return signed_links.subscription_from_token(token, salt=salt, max_age=max_age), None
    except signed_links.BadLink:
        return None, render(request, "alerts/subscription_link_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    # GET only shows a button: mail scanners that open links must not confirm for the reader.
    subscription, invalid = _subscription_or_invalid(
        request, token, salt=signed_links.CONFIRM_SALT, max_age=settings.ALERTS_CONFIRM_MAX_AGE
    )
    if invalid:
        return invalid
    if request.method == "POST":
        active = subscriptions.subscription_confirm(subscription=subscription)
        messages.success(request,
                         f"Confirmed: alerts before deadlines of {active.watching()} will go to {active.email}.")
        token = signed_links.subscription_token(active, salt=signed_links.MANAGE_SALT)
        return redirect("alerts:subscription_manage", token=token)
    return render(request, "alerts/subscription_confirm.html", {
        "subscription": subscription,
        "nothing_to_come": treaties_with_nothing_to_come(
            timezone.localdate(), subscription.treaties.values_list("pk", flat=True)),
    })


@require_http_methods(["GET", "POST"])
def subscription_manage(request, token):
    subscription, invalid = _subscription_or_invalid(request, token, salt=signed_links.MANAGE_SALT)
    if invalid:
        return invalid
    if request.method == "POST" and subscription.is_active:
        form = ChoicesForm(request.POST)
        if form.is_valid():
            subscriptions.subscription_update(subscription=subscription, choices=form.choices())
            messages.success(request, "Saved. Your alerts follow these choices from now on.")
            return redirect(request.path)
    else:
        form = ChoicesForm(initial=ChoicesForm.initial_from(subscriptions.choices_of(subscription)))
    return render(request, "alerts/subscription_manage.html", {
        "subscription": subscription, "form": form, "watching": subscription.watching(),
        "unsubscribe_url": signed_links.unsubscribe_url(subscription),
        "calendar_url": signed_links.calendar_url(subscription),
        "webcal_url": "webcal://" + signed_links.calendar_url(subscription).split("://", 1)[1],
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD"])
def subscription_calendar(request, token):
    """The subscriber's private calendar: the deadlines of what they follow, until they unsubscribe."""
    subscription, invalid = _subscription_or_invalid(request, token, salt=signed_links.CALENDAR_SALT)
    if invalid:
        return invalid
    if not subscription.is_active:
        return render(request, "alerts/subscription_link_invalid.html", status=404)
    deadlines = Deadline.objects.filter(treaty__in=subscriptions.watched_treaties(subscription).values("pk"))
    return calendar_response(deadlines, "Treaty deadlines you follow", "my-treaty-deadlines.ics")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie or token; the link is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription, invalid = _subscription_or_invalid(request, token, salt=signed_links.UNSUBSCRIBE_SALT)
    if invalid:
        return invalid
    if request.method == "POST":
        subscriptions.subscription_unsubscribe(subscription=subscription)
    return render(request, "alerts/unsubscribe.html", {
        "subscription": subscription, "manage_url": signed_links.manage_url(subscription),
    })


# --- DEBUG only: the mailbox the embedded defaults write to ---------------------------------------


FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _mail_folder() -> Path:
    # Only the file backend's own folder: with any other backend EMAIL_FILE_PATH means nothing (an SMTP URL
    # leaves it empty, which once pointed this page at the checkout and its .env).
    if not settings.DEBUG or settings.EMAIL_BACKEND != FILE_BACKEND or not getattr(settings, "EMAIL_FILE_PATH", ""):
        raise Http404("The mailbox is shown only with DEBUG on and email written to files.")
    return Path(settings.EMAIL_FILE_PATH).resolve()


def _message_file(folder: Path, name: str) -> Path | None:
    """The file the backend wrote under this name, or None for anything else: another kind of file, a path
    that leads out of the folder however it is written (.., absolute, a symlink), or nothing at all."""
    if not name.endswith(".log") or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = folder / name
    if path.is_symlink():  # the backend writes files; a link could point anywhere, in the folder or out
        return None
    path = path.resolve()
    return path if path.parent == folder and path.is_file() else None


def _messages(path: Path):
    # Django's file backend appends each message followed by a line of 79 dashes.
    for text in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
        if text.strip():
            yield email.message_from_string(text.lstrip("\n"), policy=email.policy.default)


def dev_mailbox(request):
    folder = _mail_folder()
    files = [_message_file(folder, path.name) for path in folder.glob("*.log")] if folder.is_dir() else []
    files = sorted(filter(None, files), key=lambda p: p.stat().st_mtime, reverse=True)[:200]
    rows = [(path.name, index, message) for path in files for index, message in enumerate(_messages(path))]
    return render(request, "alerts/dev_mailbox.html", {"rows": rows, "folder": folder})


@xframe_options_sameorigin  # the HTML part shows in an iframe on the same page
def dev_mail(request, name, index):
    path = _message_file(_mail_folder(), name)
    if path is None:
        raise Http404("No such file.")
    messages = list(_messages(path))
    if index >= len(messages):
        raise Http404("No such message.")
    message = messages[index]
    if request.GET.get("part") == "html":
        html = message.get_body(("html",))
        return HttpResponse(html.get_content() if html else "", content_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})
    text = message.get_body(("plain",))
    return render(request, "alerts/dev_mail.html", {
        "message": message, "name": name, "index": index, "text": text.get_content() if text else "",
        "has_html": message.get_body(("html",)) is not None, "headers": list(message.items()),
    })
