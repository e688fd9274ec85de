"""Django names its default permissions in English when it makes them ("Can add chapter"), and
staff read those names in the group and user forms. After each migrate, they are named in
Norwegian from the model's own Norwegian name."""

from django.utils import translation

ACTIONS = {
    "add": "Kan legge til",
    "change": "Kan endre",
    "delete": "Kan slette",
    "view": "Kan se",
}


def norwegian_name(permission) -> str | None:
    action, _, _ = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action not in ACTIONS or model is None or not permission.name.startswith("Can "):
        return None
    with translation.override("nb"):
        return f"{ACTIONS[action]} {_model_name(model)}"[:255]


def _model_name(model) -> str:
    # simple-history's models are named "historical <name>" in English, its link tables by class.
    if model.__name__.startswith("Historical"):
        tracked = getattr(model, "instance_type", None)
        if tracked is not None:
            return f"historikk for {tracked._meta.verbose_name}"
        return f"historikk for koblinger ({model.__name__.removeprefix('Historical')})"
    return str(model._meta.verbose_name)


def name_default_permissions_in_norwegian(using="default", **kwargs) -> None:
    from django.contrib.auth.models import Permission

    for permission in Permission.objects.using(using).select_related("content_type"):
        name = norwegian_name(permission)
        if name:
            permission.name = name
            permission.save(using=using, update_fields=["name"])
