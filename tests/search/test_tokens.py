"""The tokenizer: bigrams for Chinese, whole lower-cased words for the rest."""

from hypothesis import given
from hypothesis import strategies as st

from casedesk.search.tokens import MAX_QUERY_TOKENS, Term, query_terms, tokens


def test_chinese_runs_become_overlapping_bigrams_plus_their_last_character():
    assert tokens("端口故障") == ["端口", "口故", "故障", "障"]
    assert tokens("防火墙 故障") == ["防火", "火墙", "墙", "故障", "障"]
    assert tokens("区") == ["区"]


def test_latin_words_numbers_and_serials_are_whole_lower_cased_tokens():
    assert tokens("ASR1000 FOC2345ABCD flapping") == ["asr1000", "foc2345abcd", "flapping"]
    assert tokens("IOS-XE 17.3.4, x86_64") == ["ios", "xe", "17", "3", "4", "x86", "64"]


def test_mixed_text_splits_where_the_script_changes():
    assert tokens("ASR1000光模块") == ["asr1000", "光模", "模块", "块"]


def test_full_width_forms_are_the_ascii_ones():
    assert tokens("ＡＳＲ１０００") == ["asr1000"]


def test_query_terms_are_phrases_of_their_tokens():
    assert query_terms("光模块") == [Term(("光模", "模块"))]
    assert query_terms("墙故") == [Term(("墙故",))]
    assert query_terms("ASR1000 光模块") == [Term(("asr1000",)), Term(("光模", "模块"))]
    assert query_terms("IOS-XE") == [Term(("ios", "xe"))]


def test_a_lone_chinese_character_and_a_starred_word_are_prefixes():
    assert query_terms("防") == [Term(("防",), prefix=True)]
    assert query_terms("flap*") == [Term(("flap",), prefix=True)]
    assert query_terms("ASR防") == [Term(("asr", "防"), prefix=True)]


def test_punctuation_only_gives_no_terms_and_long_queries_are_capped():
    assert query_terms("!!! ，。 ***") == []
    terms = query_terms(" ".join(f"w{i}" for i in range(500)))
    assert sum(len(t.tokens) for t in terms) == MAX_QUERY_TOKENS


@given(st.text())
def test_tokens_are_never_empty_and_hold_no_space_or_quote(text):
    for token in tokens(text):
        assert token and token == token.strip()
        assert not set(token) & set(" '\"\\*:&|!()<>{}")
    for term in query_terms(text):
        assert term.tokens
        assert all(t and not set(t) & set(" '\"\\*:&|!()<>{}") for t in term.tokens)
