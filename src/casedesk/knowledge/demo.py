"""Demo data of knowledge: articles drafted from the demo's solved CASEs by their
engineers (the customer's details removed) — two published as public FAQ answers by a
reviewer, one waiting for review, one still a draft — made through the services at the
moments they happened, after the CASEs are played.  Each published article is linked to
the CASE it came from (it solved it), and a customer of another organization found the
first in the portal and said it solved their problem (a deflection).  The first carries a
file its author attached before submitting it (the commands used, no customer data: the
CASE's own files are never copied)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.accounts.models import User
from casedesk.cases.models import Case
from casedesk.core import clock

from . import services
from .models import Article, ArticleFile, Deflection

REVIEWERS = ("se.zhao", "se.sun", "csm")
HOW_MANY = 4


def load(desk) -> None:
    now = desk.now
    solved = list(
        Case.objects.filter(
            status__in=("resolved", "closed"),
            engineer__isnull=False,
            resolved_at__lt=now - dt.timedelta(hours=6),
        )
        .exclude(solution="")
        .select_related("engineer", "organization")
        .order_by("-resolved_at", "-pk")[:HOW_MANY]
    )
    reviewers = [u for u in (desk.staff.get(name) for name in REVIEWERS) if u is not None]
    for n, case in enumerate(solved):
        author = case.engineer
        at = case.resolved_at + dt.timedelta(hours=1)
        with clock.frozen(at):
            article = services.article_draft_from_case(case=case, by=author)
        if n == 3:
            continue  # a draft its author has not finished
        if n == 0:
            with clock.frozen(at + dt.timedelta(minutes=15)):
                services.article_attach(article=article, uploads=[_commands()], by=author)
        with clock.frozen(at + dt.timedelta(minutes=20)):
            article = services.article_update(article=article, visibility="public", by=author)
            article = services.article_submit(article=article, by=author)
        if n == 2:
            continue  # waiting for review
        reviewer = _reviewer(reviewers, author, n)
        if reviewer is None:
            continue
        with clock.frozen(at + dt.timedelta(hours=2)):
            article = services.article_publish(article=article, by=reviewer)
        with clock.frozen(at + dt.timedelta(hours=2, minutes=10)):
            services.article_link_case(article=article, case=case, by=author)
        customer = _customer_elsewhere(desk, case)
        later = min(at + dt.timedelta(days=1), now - dt.timedelta(minutes=10))
        if n == 0 and customer is not None and later > at + dt.timedelta(hours=2, minutes=10):
            with clock.frozen(later):
                services.deflection_create(article=article, typed=article.title[:8], by=customer)


COMMANDS = """! 排查时用到的命令（不含客户数据）
show version
show logging | include %LINK|%STACK|%PLATFORM
show interfaces status err-disabled
show processes cpu sorted | exclude 0.00
show tech-support | redirect flash:tech.txt
"""


def _commands() -> SimpleUploadedFile:
    return SimpleUploadedFile("排查命令.txt", COMMANDS.encode("utf-8"), content_type="text/plain")


def _reviewer(reviewers: list[User], author: User, n: int) -> User | None:
    others = [u for u in reviewers if u.pk != author.pk]
    return others[n % len(others)] if others else None


def _customer_elsewhere(desk, case: Case) -> User | None:
    for org in getattr(desk, "orgs", []):
        if org.org.pk != case.organization_id and org.login is not None:
            return org.login
    return None


def summary() -> list[str]:
    published = Article.objects.filter(status="published").count()
    return [
        f"{Article.objects.count()} knowledge articles ({published} published, "
        f"{ArticleFile.objects.count()} file(s) attached), "
        f"{Deflection.objects.count()} problem(s) solved without a CASE"
    ]
