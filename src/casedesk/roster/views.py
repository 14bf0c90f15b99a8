"""The console's roster pages: the month calendar (holes, the plan form, one's iCal link),
a new rotation, one shift with its cover and swap forms; and each engineer's iCal feed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from casedesk.accounts.models import User
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import clock, policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import feed as ical
from . import selectors, services
from .choices import Pattern
from .models import DutyShift, Rotation
from .policy import RosterAction

SWAP_WINDOW = dt.timedelta(weeks=2)


def _staff():
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("username")


class _Person(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username}, {obj.get_role_display()})"


class _People(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username}, {obj.get_role_display()})"


class PlanForm(forms.Form):
    rotation = forms.ModelChoiceField(
        label=gettext_lazy("rotation"), queryset=Rotation.objects.order_by("name")
    )
    from_week = forms.DateField(
        label=gettext_lazy("from the week of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weeks = forms.IntegerField(
        label=gettext_lazy("weeks"), min_value=1, max_value=services.MAX_PLAN_WEEKS, initial=4
    )


class RotationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    pattern = forms.ChoiceField(label=gettext_lazy("pattern"), choices=Pattern.choices)
    members = _People(
        label=gettext_lazy("members"),
        queryset=_staff(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("They take turns a week each, in the order of their usernames."),
    )
    duty_engineer = forms.BooleanField(
        label=gettext_lazy("as duty engineer"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Its shifts receive the duty engineer's alarms."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _staff()


class CoverForm(forms.Form):
    substitute = _Person(label=gettext_lazy("substitute"), queryset=_staff())
    starts_at = forms.DateTimeField(
        label=pgettext_lazy("shift", "from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Empty: from the start of the shift."),
    )
    ends_at = forms.DateTimeField(
        label=pgettext_lazy("shift", "until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Empty: to the end of the shift."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = _staff()


class SwapForm(forms.Form):
    other = forms.ModelChoiceField(
        label=gettext_lazy("swap with"), queryset=DutyShift.objects.none()
    )

    def __init__(self, *args, shift: DutyShift, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = (
            DutyShift.objects.filter(
                starts_at__gte=shift.starts_at - SWAP_WINDOW,
                starts_at__lte=shift.starts_at + SWAP_WINDOW,
            )
            .exclude(user=shift.user)
            .select_related("user")
            .order_by("starts_at")
        )
        self.fields["other"].label_from_instance = _shift_label


def _shift_label(shift: DutyShift) -> str:
    zone = clock.desk_zone()
    starts = shift.starts_at.astimezone(zone).strftime("%m-%d %H:%M")
    ends = shift.ends_at.astimezone(zone).strftime("%m-%d %H:%M")
    return f"{starts}–{ends} {shift.user.get_full_name() or shift.user.username}"


def _month(value: str | None) -> dt.date:
    today = clock.local(clock.now()).date()
    year, _sep, number = (value or "").partition("-")
    if year.isdigit() and number.isdigit() and 2000 <= int(year) <= 2100 and 1 <= int(number) <= 12:
        return dt.date(int(year), int(number), 1)
    return today.replace(day=1)


@staff_required
def calendar(request, plan_form: PlanForm | None = None, status: int = 200):
    user = request.user
    if not policy.can(user, RosterAction.VIEW):
        return forbidden(request)
    month = _month(request.GET.get("month"))
    may_plan = policy.can(user, RosterAction.PLAN)
    now = clock.now()
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    today = clock.local(now).date()
    context = {
        "month": month,
        "previous": previous,
        "following": following,
        "days": selectors.month_days(fetched_by=user, month=month),
        "today": today,
        "may_plan": may_plan,
        "holes": selectors.holes(fetched_by=user, since=now) if may_plan else [],
        "plan_form": plan_form or PlanForm(initial={"from_week": today}),
        "rotations": selectors.rotation_list(fetched_by=user),
        "feed_url": request.build_absolute_uri(reverse("roster:feed", args=[ical.token_for(user)])),
        "on_duty": selectors.on_duty(now),
    }
    return render(request, "roster/calendar.html", context, status=status)


@staff_required
def rotation_plan(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not policy.can(request.user, RosterAction.PLAN):
        return forbidden(request)
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.rotation_plan(
                rotation=data["rotation"],
                from_week=data["from_week"],
                weeks=data["weeks"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            month = services.week_start(data["from_week"]).strftime("%Y-%m")
            return redirect(f"{reverse('roster:calendar')}?month={month}")
    return calendar(request, plan_form=form, status=400)


@staff_required
def rotation_new(request):
    if not policy.can(request.user, RosterAction.PLAN):
        return forbidden(request)
    form = RotationForm(request.POST or None, initial={"duty_engineer": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rotation_create(
                name=data["name"],
                pattern=data["pattern"],
                members=list(data["members"]),
                duty_engineer=data["duty_engineer"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            return redirect("roster:calendar")
    status = 400 if form.errors else 200
    return render(request, "roster/rotation_new.html", {"form": form}, status=status)


def _shift_page(request, shift, cover=None, swap=None, status=200):
    return render(
        request,
        "roster/shift_page.html",
        {
            "shift": shift,
            "may_plan": policy.can(request.user, RosterAction.PLAN),
            "cover_form": cover or CoverForm(),
            "swap_form": swap or SwapForm(shift=shift),
        },
        status=status,
    )


@staff_required
def shift_page(request, pk: int):
    try:
        shift = selectors.shift_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    return _shift_page(request, shift)


def _shift_for_change(request, pk: int):
    """The shift a planner's POST names, or the refusal page."""
    if request.method != "POST":
        return None, HttpResponseNotAllowed(["POST"])
    try:
        shift = selectors.shift_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return None, forbidden(request, exc.detail, status=exc.status)
    if not policy.can(request.user, RosterAction.PLAN):
        return None, forbidden(request)
    return shift, None


def _back_to(shift: DutyShift):
    month = clock.local(shift.starts_at).strftime("%Y-%m")
    return redirect(f"{reverse('roster:calendar')}?month={month}")


@staff_required
def shift_cover(request, pk: int):
    shift, refused = _shift_for_change(request, pk)
    if refused:
        return refused
    form = CoverForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.shift_cover(
                shift=shift,
                substitute=data["substitute"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            return _back_to(shift)
    return _shift_page(request, shift, cover=form, status=400)


@staff_required
def shift_swap(request, pk: int):
    shift, refused = _shift_for_change(request, pk)
    if refused:
        return refused
    form = SwapForm(request.POST, shift=shift)
    if form.is_valid():
        try:
            services.shift_swap(first=shift, second=form.cleaned_data["other"], by=request.user)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            return _back_to(shift)
    return _shift_page(request, shift, swap=form, status=400)


def feed(request, token: str):
    """One person's shifts as iCalendar; no login: the token is the key."""
    user = ical.user_for(token)
    if user is None or not policy.can(user, RosterAction.VIEW):
        raise Http404(_("No such calendar."))
    response = HttpResponse(ical.calendar_of(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="duty-shifts.ics"'
    return response
