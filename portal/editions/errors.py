"""What an edition's services refuse, and why, in words staff read."""

from django.core.exceptions import PermissionDenied, ValidationError

from portal.editions.snapshot import Change


class EditConflict(Exception):
    """A save, or a publish, over a version newer than the one the editor started from.

    Carries who changed it, when, what differs from what this editor has (`changes`), and the
    version and save number to merge onto (the form carries them on its next save)."""

    def __init__(self, *, by, at, changes: list[Change], version: int, revision: int):
        self.by, self.at, self.changes = by, at, changes
        self.version, self.revision = version, revision
        name = (by.get_full_name() or by.get_username()) if by else "noen andre"
        super().__init__(
            f"{name} har endret dette siden du åpnet det. Endringene dine er ikke lagret ennå."
        )

    @property
    def by_name(self) -> str:
        return (self.by.get_full_name() or self.by.get_username()) if self.by else "noen andre"


class EditionRefused(ValidationError):
    pass


class NotAllowed(PermissionDenied):
    pass
