"""A domain is one folder: the interfaces find its rooms instead of naming them.

Each installed app of casedesk may carry, beside its domain rooms, the interface rooms a
person or a program meets it by: ``api.py`` (its ninja ``router`` and the ``MOUNT`` it is
served under), ``urls.py`` (its console and portal pages, namespaced by its label) and
``demo.py`` (its part of the demo desk), ``dashboard.py`` (its panels on the manager
dashboard: ``panels(request)``, rendered HTML), ``case_panels.py`` (its blocks on a CASE's
page: ``console(request, case)`` for staff, ``portal(request, case)`` for the customer, each
a list of rendered HTML, empty when the domain has nothing to show that reader).  The API,
the URLconf, the demo, the dashboard and the CASE pages ask :func:`app_modules` for them, so
adding a domain touches no interface module.

Found by name at run time (``importlib``), never imported by the kernel: it still knows no
app.  Django's own ``autodiscover_modules`` (the admin's) imports the same way.
"""

from __future__ import annotations

import functools
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule

PACKAGE = "casedesk."


@functools.cache
def app_modules(room: str, *, exclude: tuple[str, ...] = ()) -> tuple[ModuleType, ...]:
    """Every installed casedesk app's module ``room`` (``"api"``, ``"urls"``, ``"demo"``,
    ``"dashboard"``, ``"case_panels"``), in ``INSTALLED_APPS`` order (an app after the apps it uses);
    ``exclude``: app labels.
    Asked once per room (the installed apps do not change while the process runs)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PACKAGE) or config.label in exclude:
            continue
        if module_has_submodule(config.module, room):
            found.append(import_module(f"{config.name}.{room}"))
    return tuple(found)


def case_panels(side: str, request, case) -> list:
    """The blocks the domains put on a CASE's page: ``side`` is ``"console"`` (staff) or
    ``"portal"`` (the customer); each app's ``case_panels`` room answers rendered HTML."""
    return [
        panel for room in app_modules("case_panels") for panel in getattr(room, side)(request, case)
    ]
