"""Pages for subscribers (no account: signed links) and, with DEBUG on, the emails written to files."""

import email
import email.policy
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from treaties.models import Deadline, Treaty
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
            limit = subscriptions.subscribe_limit_hit(email=address, client=client_ip(request))
            if limit == "client":
                return render(request, "alerts/subscribe_limited.html", status=429)
            # Over the address's limit the page says the same and nothing is sent: it reveals nothing.
            if not limit:
                subscriptions.subscribe(email=address, choices=form.choices())
            return redirect("alerts:subscribe_sent")
    else:
        treaty = Treaty.objects.filter(slug=request.GET.get("treaty", "")).first()
        form = SubscribeForm(initial={"treaties": [treaty.pk]} if treaty else None)
    return render(request, "alerts/subscribe.html", {"form": form}, status=400 if form.errors else 200)


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
        token = signed_links.subscription_token(active, salt=signed_links.MANAGE_SALT)
        return redirect("alerts:subscription_manage", token=token)
    return render(request, "alerts/subscription_confirm.html", {"subscription": subscription})


@require_http_methods(["GET", "POST"])
def subscription_manage(request, token):
    subscription, invalid = _subscription_or_invalid(request, token, salt=signed_links.MANAGE_SALT)
    if invalid:
        return invalid
    saved = False
    if request.method == "POST" and subscription.is_active:
        form = ChoicesForm(request.POST)
        if form.is_valid():
            subscriptions.subscription_update(subscription=subscription, choices=form.choices())
            saved = True
    else:
        form = ChoicesForm(initial=ChoicesForm.initial_from(subscriptions.choices_of(subscription)))
    return render(request, "alerts/subscription_manage.html", {
        "subscription": subscription, "form": form, "saved": saved, "watching": subscription.watching(),
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


def _mail_folder() -> Path:
    if not settings.DEBUG or not getattr(settings, "EMAIL_FILE_PATH", None):
        raise Http404("The mailbox is shown only with DEBUG on and email written to files.")
    return Path(settings.EMAIL_FILE_PATH)


def _messages(path: Path):
    # Django's file backend appends each message followed by a line of 79 dashes.
    for text in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
        if text.strip():
            yield email.message_from_string(text.lstrip("\n"), policy=email.policy.default)


def dev_mailbox(request):
    folder = _mail_folder()
    files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)[:200] if folder.exists() \
        else []
    rows = [(path.name, index, message) for path in files for index, message in enumerate(_messages(path))]
    return render(request, "alerts/dev_mailbox.html", {"rows": rows, "folder": folder})


@xframe_options_sameorigin  # the HTML part shows in an iframe on the same page
def dev_mail(request, name, index):
    folder = _mail_folder()
    path = folder / name
    if path.parent != folder or not path.is_file():
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
