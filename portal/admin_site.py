"""The admin site: Django's, with a second factor (TOTP) for staff when STAFF_REQUIRE_2FA is on.

After the password (counted by django-axes), a staff member who is not yet verified by an
authenticator app is sent to the one-time-code step; until then the admin, its custom views and
the Markdown editor's endpoints treat them as if they were not staff.
"""

import math
import re

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import VerifyNotAllowed

from portal.feedback.handling import picker_label
from portal.models import Feedback
from portal.staff import has_second_factor

_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def _wait(details: dict) -> str:
    """ "om N sekunder" from django-otp's throttle state (its locked_until)."""
    seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
    return f"om {seconds} sekund" if seconds == 1 else f"om {seconds} sekunder"


def _wait_message(details: dict) -> str:
    if details.get("locked_until") is None:
        return "For mange feil koder. Vent litt før du prøver igjen."
    return f"For mange feil koder på rad. Prøv igjen {_wait(details)}."


class OneTimeCodeForm(OTPAuthenticationFormMixin, forms.Form):
    """The second step of a staff login: the six-digit code from the user's authenticator app.

    django-otp's mixin does the checking, including its growing delay after wrong codes, which
    is said in seconds. Spaces and hyphens are dropped, as apps show the code "123 456".
    """

    otp_token = forms.CharField(
        label="Engangskode",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "Skriv inn engangskoden fra autentiseringsappen.",
        "invalid_token": "Feil engangskode. Prøv igjen med koden appen viser nå.",
        "n_failed_attempts": (
            "For mange feil koder (%(failure_count)d). Vent litt før du prøver igjen."
        ),
        "verification_not_allowed": "Koden kan ikke sjekkes akkurat nå. Prøv igjen om litt.",
        "device_required": "Du har ingen autentiseringsapp registrert.",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_otp_token(self):
        return _CODE_SEPARATORS.sub("", self.cleaned_data.get("otp_token") or "")

    def _verify_token(self, user, token, device=None):
        if device is not None:
            allowed, details = device.verify_is_allowed()
            if not allowed and details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                raise forms.ValidationError(_wait_message(details), code="n_failed_attempts")
        try:
            return super()._verify_token(user, token, device)
        except forms.ValidationError as error:
            if error.code == "invalid_token" and device is not None:
                allowed, details = device.verify_is_allowed()  # the failure just counted
                if not allowed and "locked_until" in details:
                    raise forms.ValidationError(
                        f"{self.otp_error_messages['invalid_token']} "
                        f"Du kan prøve igjen {_wait(details)}.",
                        code="invalid_token",
                    ) from None
            raise

    def device_for_user(self, for_verify=False):
        return next(devices_for_user(self.user, confirmed=True, for_verify=for_verify), None)

    def clean(self):
        cleaned_data = super().clean()
        token = cleaned_data.get("otp_token")
        if token:
            # The device row is locked while checked, so one code cannot be used twice by racing
            # requests. The error leaves the block only after it has committed: a rollback would
            # also undo the failure count that slows down guessing.
            refusal = None
            with transaction.atomic():
                try:
                    device = self.device_for_user(for_verify=True)
                    self.device = self._verify_token(self.user, token, device)
                except forms.ValidationError as error:
                    refusal = error
            if refusal is not None:
                raise refusal
        return cleaned_data


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type lists; an input shows who sent it and how it starts, not
    only its reference (the endringslogg's picker)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.model_admin.model is Feedback:
            queryset = queryset.prefetch_related("answers")
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Feedback):
            result["text"] = picker_label(obj)
        return result


class PortalAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)

    def has_permission(self, request):
        # A session opened with a county workspace's link is never the admin's, whatever the
        # account has become since (portal/workspace/login.py).
        from portal.workspace.login import BACKEND  # the site is made before the models

        by_link = request.session.get(BACKEND_SESSION_KEY) == BACKEND
        return super().has_permission(request) and has_second_factor(request.user) and not by_link

    def index(self, request, extra_context=None):
        """The front page shows publishers what waits for them: editions sent for approval and
        those scheduled, with the time."""
        from portal.models import Edition  # the site is made before the app registry is ready

        waiting = [
            edition
            for edition in Edition.objects.filter(
                state__in=[Edition.State.SUBMITTED, Edition.State.SCHEDULED]
            )
            .select_related("content_type", "last_editor")
            .order_by("state", "publish_at", "submitted_at")[:50]
            if request.user.has_perm(f"portal.publish_{edition.content_type.model}")
        ]
        context = {**(extra_context or {}), "waiting_editions": waiting}
        return super().index(request, context)

    def get_urls(self):
        return [
            path("engangskode/", self.verify_otp, name="verify_otp"),
            *super().get_urls(),
        ]

    def _next_url(self, request) -> str:
        candidate = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return reverse("admin:index", current_app=self.name)

    def _awaits_second_factor(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and not has_second_factor(user)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and self._awaits_second_factor(request):
            query = request.GET.urlencode()
            url = reverse("admin:verify_otp", current_app=self.name)
            return redirect(f"{url}?{query}" if query else url)
        return super().login(request, extra_context)

    @method_decorator(sensitive_post_parameters("otp_token"))
    @method_decorator(csrf_protect)
    @method_decorator(never_cache)
    def verify_otp(self, request):
        if not (request.user.is_active and request.user.is_staff):
            return redirect_to_login(
                request.get_full_path(), reverse("admin:login", current_app=self.name)
            )
        next_url = self._next_url(request)
        if has_second_factor(request.user):
            return redirect(next_url)
        form = OneTimeCodeForm(
            request.user, data=request.POST if request.method == "POST" else None
        )
        if form.is_valid():
            otp_login(request, form.device)
            # A new session key once fully logged in, as after the password.
            request.session.cycle_key()
            return redirect(next_url)
        context = {
            **self.each_context(request),
            "title": "Engangskode",
            "form": form,
            "next": next_url,
            "has_device": form.device_for_user() is not None,
        }
        request.current_app = self.name
        return render(request, "admin/verify_otp.html", context)
