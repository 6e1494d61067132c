"""The readers' newsletter pages (newsletters/urls.py): signing up (double opt-in, a honeypot and a
per-IP limit here, the per-address limit in ``services.subscribe``), confirming by the mail's
signed link, the one-click unsubscribe (RFC 8058) and the preferences page reached from a mail.
Each answers one reader: none is ever cached (``never_cache``: ``private, no-store``)."""

import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from redis.exceptions import RedisError

from newsletters import services
from newsletters.forms import PreferencesForm, SignupForm
from newsletters.models import Newsletter, Subscriber, Subscription

ENGINE = "jinja2"
HOUR = 3600


def offered(language: str):
    """The newsletters a signup form in ``language`` offers."""
    return Newsletter.objects.active().filter(language=language)


def over_ip_limit(ip: str | None) -> bool:
    """Counts this signup against its IP address's hour (``NEWSLETTER_SIGNUPS_PER_IP_HOUR``), in
    the shared cache. Without a cache to count in (Redis away) the signup goes on: the
    per-address limit (in the database) still holds."""
    if not ip:
        return False
    key = f"newsletters:signups:{ip}:{int(time.time()) // HOUR}"
    if cache.add(key, 1, HOUR):
        return 1 > settings.NEWSLETTER_SIGNUPS_PER_IP_HOUR
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, HOUR)
        count = 1
    except RedisError:
        return False
    return count > settings.NEWSLETTER_SIGNUPS_PER_IP_HOUR


def signup_page(request, form, *, status=200, notice=""):
    context = {"form": form, "notice": notice, "days": settings.NEWSLETTER_CONFIRM_DAYS}
    return render(request, "newsletters/subscribe.html", context, status=status, using=ENGINE)


def sent_page(request, email: str):
    """The answer to every accepted signup: the same whether the address was new, waiting,
    confirmed or suppressed, so the form never tells whether an address is known."""
    context = {
        "email": email,
        "days": settings.NEWSLETTER_CONFIRM_DAYS,
        "minutes": settings.NEWSLETTER_CONFIRM_INTERVAL_SECONDS // 60,
    }
    return render(request, "newsletters/sent.html", context, using=ENGINE)


@never_cache
# No CSRF token: the footer's form sits on pages cached whole for readers without a session.
# Double opt-in, the honeypot and the per-IP and per-address limits protect it instead.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """GET: the full form, a checkbox per active newsletter of the page's language. POST: from
    that form, or from the footer's and the article page's (an address only: every newsletter
    of the page's language)."""
    newsletters = offered(get_language())
    if request.method != "POST":
        email = request.GET.get("email", "")[:254]
        return signup_page(request, SignupForm(initial={"email": email}, newsletters=newsletters))
    form = SignupForm(request.POST, newsletters=newsletters)
    if form.is_bot:
        return sent_page(request, request.POST.get("email", "")[:254])
    if not form.offered:
        return signup_page(request, form, notice="none")
    if not form.is_valid():
        return signup_page(request, form)
    ip = get_client_ip_address(request)
    if over_ip_limit(ip):
        return signup_page(request, form, status=429, notice="too_many")
    services.subscribe(
        email=form.cleaned_data["email"],
        newsletters=form.chosen(),
        language=get_language(),
        ip=ip,
        user_agent=request.headers.get("user-agent", ""),
    )
    return sent_page(request, form.cleaned_data["email"])


@never_cache
@require_safe
def confirm(request, code):
    """The confirmation mail's link: the wishes become subscriptions. A forged or expired link
    is a 400 that says so, with the signup form to ask for a new one."""
    try:
        subscriber = services.confirm(code=code)
    except services.ConfirmError as error:
        form = SignupForm(newsletters=offered(get_language()))
        return signup_page(request, form, status=400, notice=str(error))
    subscriptions = (
        Subscription.objects.filter(subscriber=subscriber, confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .select_related("newsletter")
        .order_by("newsletter__position", "newsletter__name")
    )
    context = {"subscriber": subscriber, "newsletters": [subscription.newsletter for subscription in subscriptions]}
    return render(request, "newsletters/confirmed.html", context, using=ENGINE)


@never_cache
# RFC 8058: a mail program POSTs "List-Unsubscribe=One-Click" without cookies; the token in the
# address is the proof. The page's own button sends the same body.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token, newsletter_id):
    """GET: a page with the button (a link scanner's GET changes nothing). POST: that newsletter
    alone ends, at once, whatever the body says."""
    subscriber = get_object_or_404(Subscriber, token=token)
    newsletter = get_object_or_404(Newsletter, pk=newsletter_id)
    done = request.method == "POST"
    if done:
        services.unsubscribe(subscriber=subscriber, newsletter=newsletter)
    context = {"subscriber": subscriber, "newsletter": newsletter, "done": done}
    return render(request, "newsletters/unsubscribe.html", context, using=ENGINE)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    """The reader's choices, by the token in the mail's link (no password): which newsletters,
    the mails' language, or leave everything. After a save, the same page with a message."""
    subscriber = get_object_or_404(Subscriber, token=token)
    newsletters = Newsletter.objects.active().order_by("language", "position", "name")
    form = None
    saved = ""
    if request.method == "POST" and "leave" in request.POST:
        services.leave_everything(subscriber=subscriber)
        saved = "left"
    elif request.method == "POST":
        form = PreferencesForm(request.POST, newsletters=newsletters)
        if form.is_valid():
            services.save_preferences(
                subscriber=subscriber,
                newsletters=form.cleaned_data["newsletters"],
                language=form.cleaned_data["language"],
            )
            saved = "saved" if form.cleaned_data["newsletters"] else "left"
            form = None
    if form is None:
        current = Subscription.objects.filter(
            subscriber=subscriber, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).values_list("newsletter_id", flat=True)
        initial = {"newsletters": [str(pk) for pk in current], "language": subscriber.language}
        form = PreferencesForm(initial=initial, newsletters=newsletters)
    context = {"subscriber": subscriber, "form": form, "saved": saved}
    return render(request, "newsletters/preferences.html", context, using=ENGINE)
