"""``similar_cases``: past CASEs whose titles share the text's most distinctive words and
bigrams."""

import pytest
from django.core.management import call_command

from casedesk.cases import services
from casedesk.search.selectors import similar_cases
from casedesk.search.services import refresh_stats
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

pytestmark = pytest.mark.django_db


def similar(text, **kwargs):
    """As the system reads them (the supervisor's automatic assignment): every CASE."""
    return similar_cases(text, fetched_by=None, **kwargs)


def _resolved(contact, engineer, title, description=""):
    case = make_case(contact=contact, title=title, description=description)
    services.case_assign(case=case, engineer=engineer, by=None)
    services.case_log_work(case=case, kind="callback", note="已回呼客户", minutes=5, by=engineer)
    services.case_resolve(case=case, solution="已处理。", by=engineer)
    return case


def test_the_most_alike_resolved_case_comes_first(contact, engineer):
    optics = _resolved(contact, engineer, "ASR 1002-HX 光模块收光功率过低", "端口 CRC 错误")
    vpn = _resolved(contact, engineer, "ASR 1002-HX VPN 隧道中断", "IPsec 隧道频繁重建")
    _resolved(contact, engineer, "无线 AP 大量掉线", "WLC 9800 日志异常")
    still_open = make_case(contact=contact, title="ASR 1002-HX 光模块收光功率过低")
    refresh_stats()
    found = similar("ASR 1002-HX 光模块告警，收光功率低", exclude_case_id=still_open.pk)
    ids = [case_id for case_id, _ in found]
    assert ids[:2] == [optics.pk, vpn.pk]
    assert still_open.pk not in ids  # not resolved
    scores = dict(found)
    assert 0 < scores[vpn.pk] < scores[optics.pk] <= 1


def test_statuses_exclusion_and_nothing_to_compare(contact, engineer):
    optics = _resolved(contact, engineer, "光模块收光功率过低")
    refresh_stats()
    assert [i for i, _ in similar("光模块", statuses=("resolved",))] == [optics.pk]
    assert similar("光模块", exclude_case_id=optics.pk) == []
    assert similar("光模块", statuses=("open",)) == []
    assert similar("，。!") == []


def test_reindex_command_rebuilds_every_case_or_the_ones_named(contact, engineer, capsys):
    case = _resolved(contact, engineer, "光模块收光功率过低")
    call_command("reindex")
    assert "1 CASEs indexed" in capsys.readouterr().out
    call_command("reindex", case.number.lower())
    assert "1 CASEs indexed" in capsys.readouterr().out
    call_command("reindex", "--stats-only")
    assert "refreshed" in capsys.readouterr().out
    assert [i for i, _ in similar("光模块")] == [case.pk]


def test_a_reader_gets_only_the_similar_cases_they_may_see(contact, engineer):
    ours = _resolved(contact, engineer, "光模块收光功率过低")
    elsewhere = ContactFactory(organization=OrganizationFactory(code="OTHER"))
    theirs = _resolved(elsewhere, engineer, "光模块收光功率过低，端口告警")
    refresh_stats()

    def found(reader):
        return {i for i, _ in similar_cases("光模块收光功率", fetched_by=reader)}

    assert found(None) == found(engineer) == {ours.pk, theirs.pk}
    customer = make_user("customer", username="acme.wang", org=contact.organization)
    assert found(customer) == {ours.pk}
    assert found(make_user("customer", username="other.li", org=elsewhere.organization)) == {
        theirs.pk
    }
    customer.is_active = False
    customer.save()
    assert found(customer) == set()
