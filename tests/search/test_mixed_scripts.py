"""Titles that mix Han runs, Latin words and digits with or without spaces between them
(``路由器8d56d8 端口故障``): every query cut from such a title along its tokens finds it.

A model of phrase matching checks the tokenizer on many titles; the same property then runs
through ``case_list`` on the database (FTS5 on SQLite, the GIN-indexed tsvector on
PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from casedesk.caselist.selectors import case_list
from casedesk.search.tokens import query_terms, tokens
from tests.factories import make_case

# A small alphabet, so that characters and bigrams repeat; one character from a
# supplementary plane (Extension B).
HAN = "路由器端口故障光模块防火墙交换机告警\U00020b9f"
HAN_RUN = st.text(alphabet=HAN, min_size=1, max_size=6)
WORD = st.text(alphabet="abcdefxyzASRDEF0123456789", min_size=1, max_size=8)
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=7)
SEPARATORS = (" ", "-", ".", "/", "，")


@st.composite
def titles(draw) -> list[tuple[str, str]]:
    """A title as pieces ``(joiner, text)``: Han runs, words and numbers.  Two pieces of
    the same kind (two runs, or two words) are always apart, else they would be one."""
    pieces: list[tuple[str, str]] = []
    previous = None
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(("han", "word", "digits")))
        text = draw({"han": HAN_RUN, "word": WORD, "digits": DIGITS}[kind])
        han = kind == "han"
        if previous is None:
            joiner = ""
        elif previous == han:
            joiner = draw(st.sampled_from(SEPARATORS))
        else:  # the script changes: often nothing between (路由器8d56d8)
            joiner = draw(st.sampled_from(("", "", "", *SEPARATORS)))
        pieces.append((joiner, text))
        previous = han
    return pieces


def _is_han(text: str) -> bool:
    return text[0] in HAN


def _join(pieces: list[tuple[str, str]]) -> str:
    return "".join(j + t for j, t in pieces)


@st.composite
def title_and_query(draw) -> tuple[str, str]:
    """A title and a query made of a run of its pieces, the Han pieces at either end cut
    anywhere (their characters are tokens of their own), words and numbers whole; in any
    letter case."""
    pieces = draw(titles())
    start = draw(st.integers(0, len(pieces) - 1))
    end = draw(st.integers(start, len(pieces) - 1))
    cut = [list(p) for p in pieces[start : end + 1]]
    cut[0][0] = ""
    if _is_han(cut[0][1]):
        cut[0][1] = cut[0][1][draw(st.integers(0, len(cut[0][1]) - 1)) :]
    if _is_han(cut[-1][1]):
        cut[-1][1] = cut[-1][1][: draw(st.integers(1, len(cut[-1][1])))]
    query = _join([tuple(p) for p in cut])
    if draw(st.booleans()):
        query = query.swapcase()
    return _join(pieces), query


@st.composite
def title_and_han_substring(draw) -> tuple[str, str]:
    """A title and a substring of one of its Han runs, two characters or more."""
    pieces = draw(titles())
    runs = [t for _, t in pieces if _is_han(t) and len(t) >= 2]
    assume(runs)
    run = draw(st.sampled_from(runs))
    i = draw(st.integers(0, len(run) - 2))
    j = draw(st.integers(i + 2, len(run)))
    return _join(pieces), run[i:j]


def _phrase_at(found: list[str], phrase: tuple[str, ...], prefix: bool, at: int) -> bool:
    if at + len(phrase) > len(found):
        return False
    *whole, last = phrase
    if found[at : at + len(whole)] != whole:
        return False
    token = found[at + len(whole)]
    return token.startswith(last) if prefix else token == last


def model_finds(title: str, query: str) -> bool:
    """What the index does: every term of the query is a phrase (its last token a prefix
    if so marked) somewhere in the title's tokens."""
    found = tokens(title)
    terms = query_terms(query)
    return bool(terms) and all(
        any(_phrase_at(found, t.tokens, t.prefix, at) for at in range(len(found))) for t in terms
    )


# --- the tokenizer (a model of phrase matching, many examples) --------------------------


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("路由器8d56d8 端口故障", "路由器8d56d8"),
        ("路由器8d56d8 端口故障", "器8d56d8"),
        ("8d56d8路由器", "8d56d8路由器"),
        ("8d56d8路由器", "8d56d8路由"),
        ("8d56d8路由器", "8d56d8路"),
        ("ASR器1000", "asr器1000"),
        ("ASR器1000", "器1000"),
        ("故障-IOS", "故障-ios"),
        ("端口故障 光模块", "端口故障 光模"),
    ],
)
def test_queries_that_mix_scripts_the_way_the_title_does(title, query):
    assert model_finds(title, query)


def test_a_run_that_goes_on_in_the_text_is_not_cut_short_by_the_query():
    assert not model_finds("路由器8d56d8", "路由8d56d8")  # 路由 is not right before 8d56d8


@settings(max_examples=1500, deadline=None)
@given(title_and_query())
def test_any_query_cut_along_the_tokens_finds_the_title(pair):
    title, query = pair
    assert model_finds(title, query), (tokens(title), query_terms(query))


@settings(max_examples=500, deadline=None)
@given(title_and_han_substring())
def test_any_chinese_substring_of_two_or_more_characters_finds_the_title(pair):
    title, query = pair
    assert model_finds(title, query), (tokens(title), query_terms(query))


# --- the same through the database ------------------------------------------------------


def _finds(contact, title: str, query: str) -> bool:
    with transaction.atomic():
        case = make_case(contact=contact, title=title, description="")
        found = case.pk in {c.pk for c in case_list(fetched_by=None, q=query)}
        transaction.set_rollback(True)
    return found


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=title_and_query())
def test_the_database_finds_the_case_by_any_query_cut_along_its_tokens(contact, pair):
    title, query = pair
    assert _finds(contact, title, query), (title, query)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=title_and_han_substring())
def test_the_database_finds_the_case_by_any_chinese_substring(contact, pair):
    title, query = pair
    assert _finds(contact, title, query), (title, query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["路由器8d56d8", "8D56D8", "器8d56d8", "路由器", "由器", "8d56d8 端口", "端口故障"]
)
def test_the_reported_title_is_found(contact, query):
    assert _finds(contact, "路由器8d56d8 端口故障", query)
