"""`content/` in and out of the database, in the format of content/README.md.

schema: the kinds, their keys and rules; reader: files to records, never the database;
importer: records into the database; exporter: the database back to files.
"""

from portal.content.exporter import export_content
from portal.content.importer import (
    CREATED,
    DELETED,
    KEPT,
    UNCHANGED,
    UPDATED,
    ImportReport,
    import_content,
)
from portal.content.reader import Record, read_content
from portal.content.schema import KINDS, ContentError

__all__ = [
    "CREATED",
    "DELETED",
    "KEPT",
    "KINDS",
    "UNCHANGED",
    "UPDATED",
    "ContentError",
    "ImportReport",
    "Record",
    "export_content",
    "import_content",
    "read_content",
]
