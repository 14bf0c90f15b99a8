"""Search through the CASE list (``case_list(q=...)``, the API's and the web's filter):
Chinese of any length, English, mixed, serial numbers, numbers, work logs, relevance and
visibility; on SQLite (FTS5) and PostgreSQL (GIN over tsvector) alike."""

import pytest

from casedesk.caselist.selectors import case_list
from casedesk.cases import services
from casedesk.search.models import CaseDocument
from tests.factories import ContactFactory, OrganizationFactory, client_for, make_case, make_user

pytestmark = pytest.mark.django_db


def numbers(q, user=None):
    return [c.number for c in case_list(fetched_by=user, q=q)]


@pytest.fixture
def desk(contact, engineer):
    """Four CASEs with Chinese, English and mixed text, one with work logs."""
    firewall = make_case(
        contact=contact,
        title="防火墙策略不生效",
        description="ASA 5525-X 升级后 ACL 不生效。",
        serial_number="FOC2345ABCD",
    )
    optics = make_case(
        contact=contact,
        title="ASR1000 光模块收光功率过低",
        description="The uplink port flaps every few minutes.",
        hardware_platform="ASR 1002-HX",
        software_version="IOS-XE 17.3.4",
    )
    port = make_case(
        contact=contact,
        title="Core switch port down",
        description="客户反映核心交换机端口故障，业务中断。",
    )
    quiet = make_case(contact=contact, title="License 过期告警", description="续订许可证。")
    services.case_assign(case=quiet, engineer=engineer, by=None)
    services.case_log_work(
        case=quiet,
        kind="remote",
        note="远程检查发现光模块温度过高，已建议更换。",
        minutes=30,
        by=engineer,
    )
    return {"firewall": firewall, "optics": optics, "port": port, "quiet": quiet}


def test_chinese_two_three_and_four_character_words(desk):
    assert numbers("防火") == [desk["firewall"].number]
    assert numbers("光模块") == [desk["optics"].number, desk["quiet"].number]
    assert numbers("端口故障") == [desk["port"].number]


def test_a_query_across_word_boundaries(desk):
    assert numbers("墙策") == [desk["firewall"].number]
    assert numbers("火墙策略不") == [desk["firewall"].number]


def test_a_chinese_query_is_a_substring_not_scattered_characters(desk):
    assert numbers("防墙") == []  # both characters are there, not side by side
    assert numbers("模块光") == []


def test_english_words_ignore_case_and_are_whole_words(desk):
    assert numbers("UPLINK flaps") == [desk["optics"].number]
    assert numbers("flap") == []
    assert numbers("flap*") == [desk["optics"].number]


def test_mixed_chinese_and_english(desk):
    assert numbers("ASR1000 光模块") == [desk["optics"].number]
    assert numbers("asr1000光模块") == [desk["optics"].number]
    assert numbers("ACL 不生效") == [desk["firewall"].number]
    assert numbers("ASR1000 防火") == []


def test_serial_number_platform_and_version(desk):
    assert numbers("FOC2345ABCD") == [desk["firewall"].number]
    assert numbers("foc2345abcd") == [desk["firewall"].number]
    assert numbers("IOS-XE 17.3.4") == [desk["optics"].number]
    assert numbers("17.3.5") == []


def test_case_number_is_exact(desk):
    number = desk["port"].number
    assert numbers(number) == [number]
    assert numbers(number.lower()) == [number]


def test_work_log_only_match(desk):
    assert numbers("温度过高") == [desk["quiet"].number]


def test_title_match_ranks_above_description_and_work_log_matches(contact, engineer):
    in_log = make_case(contact=contact, title="Slow network", description="")
    services.case_assign(case=in_log, engineer=engineer, by=None)
    services.case_log_work(
        case=in_log, kind="phone", note="疑似 OSPF 邻居抖动", minutes=5, by=engineer
    )
    in_description = make_case(contact=contact, title="网络慢", description="OSPF 邻居反复重建")
    in_title = make_case(contact=contact, title="OSPF 邻居反复重建", description="")
    older_in_title = in_title
    newer_in_title = make_case(contact=contact, title="OSPF 邻居 down", description="")
    assert numbers("OSPF 邻居") == [
        newer_in_title.number,
        older_in_title.number,
        in_description.number,
        in_log.number,
    ]


def test_api_and_web_lists_order_by_relevance(desk, duty, api):
    log_match = desk["quiet"].number
    title_match = desk["optics"].number
    body = api(duty).get("/cases", {"q": "光模块"}).json()
    assert [c["number"] for c in body["items"]] == [title_match, log_match]
    assert body["count"] == 2

    web = client_for(duty)
    page = web.get("/cases/", {"q": "光模块"}).content.decode()
    assert page.index(title_match) < page.index(log_match)  # by relevance: no sort chosen
    page = web.get("/cases/", {"q": "光模块", "sort": "-created"}).content.decode()
    assert page.index(log_match) < page.index(title_match)  # newest first, as asked


def test_single_character_query_finds_every_occurrence(desk):
    assert set(numbers("墙")) == {desk["firewall"].number}  # the middle of a run
    assert set(numbers("效")) == {desk["firewall"].number}  # the end of a run
    assert set(numbers("光")) == {desk["optics"].number, desk["quiet"].number}


@pytest.mark.parametrize(
    "q",
    ["!!!", "，。", "*", "'", '"', "a' OR 1=1 --", "NEAR(", "{title}:", "x" * 5000, "光" * 3000],
)
def test_odd_queries_answer_without_error(desk, q):
    assert isinstance(numbers(q), list)


def test_punctuation_only_finds_nothing(desk):
    assert numbers("!!! ，。") == []


def test_customers_see_only_their_organization_and_no_internal_notes(desk, contact, engineer):
    customer = make_user("customer", username="cust", org=contact.organization)
    other = OrganizationFactory(code="OTHER", name="Other Corp")
    stranger = make_case(contact=ContactFactory(organization=other), title="防火墙 HA 故障")
    quiet = desk["quiet"]
    services.case_log_work(
        case=quiet,
        kind="note",
        note="内部备注：客户合同快到期",
        minutes=0,
        by=engineer,
        internal=True,
    )
    assert numbers("防火", customer) == [desk["firewall"].number]
    assert stranger.number in numbers("防火")
    assert numbers("合同快到期", customer) == []
    assert numbers("合同快到期") == [quiet.number]
    assert numbers("温度过高", customer) == [quiet.number]  # a public work log


def test_the_index_follows_the_operations(contact, engineer):
    case = make_case(contact=contact, title="VPN 隧道中断", description="")
    assert numbers("隧道") == [case.number]
    services.case_assign(case=case, engineer=engineer, by=None)
    services.case_log_work(case=case, kind="callback", note="已回呼客户", minutes=5, by=engineer)
    assert numbers("回呼") == [case.number]
    services.case_resolve(case=case, solution="更换光模块后恢复。", by=engineer)
    assert numbers("更换光模块") == [case.number]
    services.case_reopen(case=case, reason="又断了", by=None)
    assert numbers("更换光模块") == []  # the solution is gone with the reopening
    assert numbers("回呼 隧道") == [case.number]  # earlier work logs stay


def test_reindex_rebuilds_what_the_operations_wrote(desk):
    before = {d.pk: (d.title, d.body, d.logs, d.internal) for d in CaseDocument.objects.all()}
    CaseDocument.objects.all().delete()
    assert numbers("防火") == []
    from casedesk.search.services import reindex

    assert reindex() == 4
    after = {d.pk: (d.title, d.body, d.logs, d.internal) for d in CaseDocument.objects.all()}
    assert after == before
    assert numbers("防火") == [desk["firewall"].number]


def test_a_case_missing_from_the_index_is_indexed_on_its_next_change(desk, engineer):
    case = desk["quiet"]
    CaseDocument.objects.filter(pk=case.pk).delete()
    services.case_log_work(case=case, kind="phone", note="电话沟通", minutes=5, by=engineer)
    assert numbers("温度过高 电话沟通") == [case.number]


def test_same_results_whether_the_index_statistics_say_few_or_many_matches(desk):
    from casedesk.search.services import refresh_stats

    queries = ["光模块", "ASR1000 光模块", "FOC2345ABCD", "温度过高", "光", "flap*"]
    before = {q: numbers(q) for q in queries}
    refresh_stats()  # PostgreSQL then probes CASEs by key for rare tokens
    assert {q: numbers(q) for q in queries} == before


def test_api_pages_of_a_word_search_are_the_ranked_list_in_slices(contact, duty, api):
    """The API reads a search's page as ids first: the slices still make the whole ranked
    list, each CASE whole (deadlines included)."""
    opened = [make_case(contact=contact, title=f"机房 {i} 号交换机掉电") for i in range(4)]
    opened += [
        make_case(contact=contact, title="网络中断", description=f"{i} 号交换机") for i in range(3)
    ]
    whole = api(duty).get("/cases", {"q": "交换机", "limit": 50}).json()
    assert whole["count"] == 7
    ranked = [c["number"] for c in whole["items"]]
    assert ranked == [c.number for c in [*reversed(opened[:4]), *reversed(opened[4:])]]
    sliced = []
    for offset in (0, 3, 6):
        body = api(duty).get("/cases", {"q": "交换机", "limit": 3, "offset": offset}).json()
        assert body["count"] == 7
        assert all(item["deadlines"] for item in body["items"])
        sliced += [c["number"] for c in body["items"]]
    assert sliced == ranked
    beyond = api(duty).get("/cases", {"q": "交换机", "offset": 50}).json()
    assert beyond == {"count": 7, "items": []}
    assert api(duty).get("/cases", {"q": "路由器"}).json() == {"count": 0, "items": []}
