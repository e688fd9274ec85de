from portal.editions.snapshot import snapshot_of


def edited(obj, **fields):
    """The object's snapshot with some fields changed, as an editor's form would send it."""
    data = snapshot_of(obj)
    data["fields"].update(fields)
    return data
