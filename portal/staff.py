"""Who counts as staff: active, is_staff, and past the second factor when that is required."""

from django.conf import settings


def has_second_factor(user) -> bool:
    """True when the user has entered a valid one-time code, or when none is required."""
    if not settings.STAFF_REQUIRE_2FA:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def is_verified_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff and has_second_factor(user)
