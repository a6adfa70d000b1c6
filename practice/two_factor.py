"""A second factor for the admin (django-otp): an authenticator app's code, or a backup code, after the password.

Required of everyone with ADMIN_TWO_FACTOR_REQUIRED; a lost phone is reset with `manage.py reset_two_factor`.
"""

import math
import re
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.utils import get_valid_next_url_from_request

AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
# Sign-in, sign-out and the two-factor pages themselves are reachable before the second factor.
EXEMPT_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_setup",
    "two_factor_verify",
}
_TOTP_CODE = re.compile(r"\d{6}")
_BACKUP_CODE = re.compile(r"[a-z2-7]{8}")


class AdminTwoFactorMiddleware(MiddlewareMixin):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        if request.resolver_match.url_name in EXEMPT_URL_NAMES:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        has_device = user_has_device(user)
        if not (settings.ADMIN_TWO_FACTOR_REQUIRED or has_device):
            return None
        target = "two_factor_verify" if has_device else "two_factor_setup"
        return redirect(_with_next(target, request.get_full_path()))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not (_TOTP_CODE.fullmatch(code) or _BACKUP_CODE.fullmatch(code)):
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app, or one of your 8-character backup codes."
            )
        return code


def _next_url(request) -> str:
    return get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _throttled_message(device) -> str | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    if details.get("locked_until") is None:
        return "This code cannot be checked right now. Try again in a few minutes."
    wait = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
    when = f"{wait} seconds" if wait < 120 else f"{math.ceil(wait / 60)} minutes"
    return f"Too many incorrect codes. Wait {when}, then enter the newest code."


def _signed_in_with(request, device) -> None:
    otp_login(request, device)
    # A new session key for the newly gained privilege.
    request.session.cycle_key()


def backup_codes_replace(user) -> list[str]:
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _qr_code_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # Sized by CSS in the template; the image is described by the figure around it.
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S308 - qrcode's own SVG


@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    next_url = _next_url(request)
    if user_has_device(user):
        if user.is_verified():
            return redirect("two_factor_backup_codes")
        # Replacing an app needs the current one (or an administrator's reset), not only the password.
        return redirect(_with_next("two_factor_verify", next_url))

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled_message(device)
        if throttled:
            form.add_error("code", throttled)
        elif device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            backup_codes_replace(user)
            _signed_in_with(request, device)
            messages.success(request, "Two-factor sign-in is set up. Keep your backup codes somewhere safe.")
            return redirect(_with_next("two_factor_backup_codes", next_url))
        else:
            form.add_error(
                "code", "That code did not match. Check the clock on your phone, then enter the newest code."
            )

    secret = b32encode(device.bin_key).decode()
    grouped_secret = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return TemplateResponse(
        request,
        "practice/admin/two_factor/setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": _qr_code_svg(device.config_url),
            "secret": grouped_secret,
            "required": settings.ADMIN_TWO_FACTOR_REQUIRED,
            # Set up by choice, it can wait: the way out is back where they came from, not signing out.
            "back_url": None if settings.ADMIN_TWO_FACTOR_REQUIRED else next_url,
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not user_has_device(user):
        return redirect(_with_next("two_factor_setup", next_url))

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # The app's device for 6 digits, the backup codes' otherwise.
        model = TOTPDevice if _TOTP_CODE.fullmatch(code) else StaticDevice
        device = model.objects.devices_for_user(user, confirmed=True).first()
        verified = otp_verify_token(user, device.persistent_id, code) if device is not None else None
        if verified is not None:
            _signed_in_with(request, verified)
            if isinstance(verified, StaticDevice):
                left = verified.token_set.count()
                messages.warning(
                    request,
                    f"You used a backup code; {left} left. Make new ones from your account if you are running low.",
                )
            return redirect(next_url)
        throttled = _throttled_message(device) if device is not None else None
        form.add_error("code", throttled or "That code did not match. Enter the newest code from your app.")
    return TemplateResponse(
        request,
        "practice/admin/two_factor/verify.html",
        {"form": form, "next": next_url, "site_name": settings.WAGTAIL_SITE_NAME},
    )


@require_http_methods(["GET", "POST"])
def backup_codes(request):
    user = request.user
    if not user_has_device(user):
        return redirect("two_factor_setup")
    if request.method == "POST":
        backup_codes_replace(user)
        messages.success(request, "New backup codes made. The old ones no longer work.")
        return redirect("two_factor_backup_codes")
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    codes = list(device.token_set.values_list("token", flat=True)) if device else []
    return TemplateResponse(
        request,
        "practice/admin/two_factor/backup_codes.html",
        {
            "codes": codes,
            "next": _next_url(request) if "next" in request.GET else None,
            "page_title": "Two-factor sign-in",
            "header_icon": "key",
        },
    )


def account_menu_item(request) -> dict:
    if user_has_device(request.user):
        url, help_text = reverse("two_factor_backup_codes"), "Your authenticator app and backup codes."
    else:
        url = _with_next("two_factor_setup", reverse("wagtailadmin_account"))
        help_text = "Ask for a code from an authenticator app after your password."
    return {"url": url, "label": "Two-factor sign-in", "help_text": help_text}
