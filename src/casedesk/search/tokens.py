"""The one tokenizer of CASE text and of search queries: Chinese-aware, no dictionary.

Han text becomes overlapping bigrams (Lucene's CJKAnalyzer): ``端口故障`` → ``端口 口故
故障``, so every Chinese query of two or more characters is the AND (a phrase, in fact) of
its bigrams, wherever the words begin — no segmentation to miss ``墙故``.  The last
character of each Han run is indexed alone too: with the bigrams that start with it, a
one-character query finds every occurrence as a prefix search.  Latin words, numbers and
serial numbers are whole lower-cased tokens (``ASR1000`` → ``asr1000``); punctuation splits
them (``IOS-XE`` → ``ios xe``, found again as a phrase).  Text is NFKC-normalized first, so
full-width ``ＡＳＲ１０００`` is ``asr1000``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# CJK Unified Ideographs, Extension A, Compatibility Ideographs and the supplementary
# planes' extensions (B–F and later).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(f"([{_HAN}]+)|([^\\W_{_HAN}]+)")
# A token longer than this is cut (PostgreSQL refuses lexemes over 2 KB; nobody types them).
MAX_TOKEN = 64
# A query is cut to this many characters and tokens: a pasted log stays a cheap query.
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 32


def _normalize(text: str) -> str:
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """The index tokens of ``text``, in order (positions are list indexes)."""
    out: list[str] = []
    if not text:
        return out
    append = out.append
    for han, word in _RUNS.findall(_normalize(text)):
        if word:
            append(word[:MAX_TOKEN])
            continue
        for i in range(len(han) - 1):
            append(han[i : i + 2])
        append(han[-1])
    return out


@dataclass(frozen=True)
class Term:
    """One part of a query: ``tokens`` in sequence (a phrase when more than one), the
    last token matched as a prefix when ``prefix``."""

    tokens: tuple[str, ...]
    prefix: bool = False


def _segment_tokens(segment: str) -> list[str]:
    """A query segment's tokens: those ``tokens`` gives the same text, but without the
    lone last character of a Han run that ends the segment.

    That character is indexed after the run's bigrams: where the text goes on after the
    run (``路由器8d56d8``: ``路由 由器 器 8d56d8``), the query's phrase must hold it too, or
    it would look for ``由器`` right before ``8d56d8``.  At the end of the query the run
    may go on in the text (``路由`` in ``路由器``), whose next token is then a bigram: the
    run's bigrams alone make the phrase, and a one-character run is a prefix.
    """
    out: list[str] = []
    runs = _RUNS.findall(segment)
    for n, (han, word) in enumerate(runs, 1):
        if word:
            out.append(word[:MAX_TOKEN])
            continue
        out.extend(han[i : i + 2] for i in range(len(han) - 1))
        if len(han) == 1 or n < len(runs):
            out.append(han[-1])
    return out


def query_terms(query: str) -> list[Term]:
    """The terms of a search query; a CASE matches when it holds every term.

    Whitespace separates terms; inside one, the tokens form a phrase (``光模块`` = ``光模``
    then ``模块``; ``IOS-XE`` = ``ios`` then ``xe``).  A lone Han character is a prefix
    (``防`` finds ``防火``), and so is a word the user ends with ``*`` (``flap*``).
    Punctuation-only input gives no terms.
    """
    terms: list[Term] = []
    count = 0
    for segment in _normalize(query[:MAX_QUERY_CHARS]).split():
        starred = segment.endswith("*")
        found = _segment_tokens(segment)
        if not found:
            continue
        found = found[: MAX_QUERY_TOKENS - count]
        count += len(found)
        last = found[-1]
        # A Han character alone at the end: a prefix (``防`` finds ``防火``; ``ASR防`` finds
        # ``ASR防火墙``); a starred word: a prefix as asked.
        lone_han = len(last) == 1 and is_han(last)
        term = Term(tuple(found), prefix=lone_han or (starred and not is_han(last[-1])))
        if term not in terms:
            terms.append(term)
        if count >= MAX_QUERY_TOKENS:
            break
    return terms


_ONE_HAN = re.compile(f"[{_HAN}]")


def is_han(char: str) -> bool:
    return bool(_ONE_HAN.match(char))
