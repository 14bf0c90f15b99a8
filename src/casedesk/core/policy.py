"""Who may see and do what: the one policy, answered from the rules each app registers.

Each app's ``policy.py`` (imported from its ``AppConfig.ready()``) registers its actions,
each with the verb phrase a refusal names it by, and the rule that decides them
(:func:`register`); and, for each model it lets people read, which rows a user sees
(:func:`register_visibility`).  Views, API endpoints, operations and selectors ask
:func:`can`, :func:`require` and :func:`visible`; the authorization matrices enumerate
:func:`actions`.

Two rules hold for every app, so no app writes them: ``user`` None is the system itself
(supervisor, mail gateway, demo loader) and may do and see anything; an inactive user may
do and see nothing.  An app's rule is asked about active users only.  The kernel knows no
role: each app's rules name the roles they let in, so a role no rule names gets nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from casedesk.core.errors import Forbidden, NotFound

# (an active user, the action, the object acted on or None) -> may they?
Rule = Callable[[Any, str, Any], bool]
# (an active user, every row of the model) -> the rows they may see
Rows = Callable[[Any, QuerySet], QuerySet]
# (the user, the action's verb phrase, the object) -> why they may not, in their language
Refusal = Callable[[Any, str, Any], str]


@dataclass(frozen=True)
class Registered:
    """One action: the verb phrase a refusal puts before its object, and its rule."""

    action: str
    verb: Any  # a lazy translation, worded when a refusal is made
    rule: Rule
    app: str


@dataclass(frozen=True)
class Visibility:
    """Which rows of a model a user sees, and how a refusal about one of them reads."""

    model: type[Model]
    rows: Rows
    view: str | None  # the action "may see this object" (require: NotFound without it)
    hidden: Any  # the NotFound message for an object the reader may not see
    refusal: Refusal | None


_actions: dict[str, Registered] = {}
_visibility: dict[type[Model], Visibility] = {}


def register(app: str, actions: Mapping[str, Any], rule: Rule) -> None:
    """``app``'s ``actions`` (each → its verb phrase, lazily translated), decided by ``rule``.

    An action belongs to one app: registering another app's action is a programming error.
    """
    for action, phrase in actions.items():
        known = _actions.get(action)
        if known is not None and known.app != app:
            raise ImproperlyConfigured(
                f"Action {action!r} of {app} is already registered by {known.app}"
            )
        _actions[action] = Registered(action, phrase, rule, app)


def register_visibility(
    model: type[Model],
    rows: Rows,
    *,
    view: str | None = None,
    hidden: Any = None,
    refusal: Refusal | None = None,
) -> None:
    """Which rows of ``model`` an active user sees (``rows(user, queryset)``).

    ``view`` names the action "see this object": :func:`require` answers NotFound (with
    ``hidden``) to a reader refused an action on an object they may not even see.
    ``refusal`` words a Forbidden about one of its objects.
    """
    if view is not None and view not in _actions:
        raise ImproperlyConfigured(f"Register the action {view!r} before {model.__name__}")
    _visibility[model] = Visibility(model, rows, view, hidden, refusal)


def actions() -> frozenset[str]:
    """Every registered action: the authorization matrices must exercise each."""
    return frozenset(_actions)


def _registered(action: str) -> Registered:
    try:
        return _actions[action]
    except KeyError:
        raise ValueError(f"Unknown action {action!r}") from None


def verb(action: str) -> str:
    """``action`` as a verb phrase in the active language ("close", "manage webhooks")."""
    return str(_registered(action).verb)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (to ``obj``, for actions on an object)?

    Only who the user is and how they relate to ``obj`` decide here; whether the object's
    state allows the action is its operation's answer.
    """
    entry = _registered(action)
    if user is None:
        return True
    if not user.is_active:
        return False
    return entry.rule(user, action, obj)


def _visibility_of(model: type) -> Visibility | None:
    for klass in model.__mro__:
        found = _visibility.get(klass)
        if found is not None:
            return found
    return None


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise unless ``user`` may do ``action``: NotFound if they may not even see ``obj``,
    Forbidden otherwise."""
    if can(user, action, obj):
        return
    what = verb(action)
    if obj is None:
        raise Forbidden(_("You may not %(action)s.") % {"action": what})
    seen = _visibility_of(type(obj))
    if seen is not None and seen.view is not None and not can(user, seen.view, obj):
        raise NotFound(str(seen.hidden) if seen.hidden else _("Not found."))
    if seen is not None and seen.refusal is not None:
        raise Forbidden(seen.refusal(user, what, obj))
    raise Forbidden(_("You may not %(action)s %(number)s.") % {"action": what, "number": obj})


def visible(user: Any, model: type[Model]) -> QuerySet:
    """Every row of ``model`` that ``user`` may see (the system: all; inactive: none)."""
    seen = _visibility_of(model)
    if seen is None:
        raise ImproperlyConfigured(f"No app registered who may see {model.__name__}")
    qs = model._default_manager.all()
    if user is None:
        return qs
    if not user.is_active:
        return qs.none()
    return seen.rows(user, qs)
