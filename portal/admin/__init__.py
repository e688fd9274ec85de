"""The staff admin, by concern: the guide's content, the input (innspill), the changes to the
guide the input led to, failed background tasks, and staff accounts (authenticator apps).
Importing the package registers every model admin. The site class with its two-factor login
is in portal/admin_site.py, outside this package: Django imports it before the registrations."""

from portal.admin import (  # noqa: F401
    access,
    accounts,
    content,
    editions,
    feedback,
    guide_changes,
    page_ratings,
    tasks,
    workspace,
)
