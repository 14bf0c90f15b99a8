"""The words of how an article is used, made at read time in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Article


def solved_words(article: Article) -> str:
    """ "Solved 3 CASEs · 12 problems without a CASE", or "" when it solved none yet."""
    parts = []
    if article.solved_count:
        parts.append(
            ngettext("solved %(n)d CASE", "solved %(n)d CASEs", article.solved_count)
            % {"n": article.solved_count}
        )
    if article.deflection_count:
        parts.append(
            ngettext(
                "%(n)d problem solved without a CASE",
                "%(n)d problems solved without a CASE",
                article.deflection_count,
            )
            % {"n": article.deflection_count}
        )
    return " · ".join(parts)


def suggestions_heading(count: int) -> str:
    if not count:
        return ""
    return ngettext("An article may answer this:", "%(n)d articles may answer this:", count) % {
        "n": count
    }


def reader_title(article: Article, *, working: bool) -> str:
    return article.title if working or not article.published_title else article.published_title


def no_case_opened() -> str:
    return _("Glad it helped. No CASE was opened; your CASEs are below.")


def files_added(count: int) -> str:
    return ngettext(
        "%(n)d file added: the article goes to review before customers see it.",
        "%(n)d files added: the article goes to review before customers see them.",
        count,
    ) % {"n": count}


def version_files(names: list[str]) -> str:
    """What a version that added files says of them: "files added: a.png, b.pdf"."""
    if not names:
        return ""
    return _("files added: %(names)s") % {"names": ", ".join(names)}
