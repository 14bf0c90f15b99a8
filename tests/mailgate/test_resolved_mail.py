"""The caller hears of the solution by mail, and a reply saying it is not fixed reopens it."""

import pytest
from django.utils import translation

from casedesk.accounts import services as people
from casedesk.cases import services as cases
from casedesk.mailgate import services
from casedesk.notify import services as outbox
from tests.factories import make_case, make_user

from .conftest import corpus


def _resolve(case, solution="Replaced the SFP module on Gi1/0/24."):
    duty = make_user("duty_engineer")
    engineer = make_user("engineer", tier="senior")
    cases.case_assign(case=case, engineer=engineer, by=duty)
    cases.case_accept(case=case, by=engineer)
    outbox.deliver_due()  # the engineer's assignment mail: not what these tests read
    return cases.case_resolve(case=case, solution=solution, by=engineer)


@pytest.mark.django_db
def test_the_caller_who_wrote_in_gets_the_solution_threaded_in_their_language(
    customers, smtp, settings
):
    settings.CASEDESK_BASE_URL = "https://desk.example"
    case = services.ingest_bytes(corpus("gmail_rfc2231.eml")).case  # Emily, by e-mail
    outbox.deliver_due()
    smtp.clear()
    with translation.override("zh-hans"):  # the engineer's language is not the caller's
        _resolve(case)
    outbox.deliver_due()

    (mail,) = smtp.to("emily.chen@northwind.example.com")
    assert mail["Subject"] == f"[{case.number}] Resolved: {case.title}"  # she wrote in English
    body = mail.get_content()
    assert "Replaced the SFP module on Gi1/0/24." in body
    assert f"https://desk.example/portal/cases/{case.number}/" in body
    assert f"[{case.number}]" in body  # how to reply so the reply lands on the CASE
    root = f"<{case.number}@casedesk.example>"
    assert mail["References"].split()[0] == root and mail["In-Reply-To"] == root

    # "Still not working" in reply to that mail: the CASE is open again.
    reply = services.ingest_bytes(corpus("gmail_not_fixed.eml", case.number))
    case.refresh_from_db()
    assert reply.status == "processed"
    assert case.status not in ("resolved", "closed") and case.reopen_count == 1


@pytest.mark.django_db
def test_a_caller_without_a_login_reads_the_desks_language(customers, smtp):
    case = make_case(contact=customers["zhang"], title="核心交换机端口故障")
    with translation.override("en"):
        _resolve(case, solution="更换了光模块。")
    outbox.deliver_due()
    ack, mail = smtp.to("zhang@acme.cn")  # the CASE's acknowledgement, then the solution
    assert ack["Subject"].strip() == f"[{case.number}] 我们已收到您的请求：核心交换机端口故障"
    assert mail["Subject"].strip() == f"[{case.number}] 已解决：核心交换机端口故障"
    assert f"服务台已解决 CASE {case.number}。" in mail.get_content()
    assert "更换了光模块。" in mail.get_content()


@pytest.mark.django_db
def test_a_customer_with_a_login_reads_it_in_their_own_language(customers, smtp):
    emily = customers["emily"]
    people.user_create(
        username="emily",
        role="customer",
        organization=emily.organization,
        contact=emily,
        language="en",
    )
    case = make_case(contact=emily)
    with translation.override("zh-hans"):
        _resolve(case)
    outbox.deliver_due()
    ack, mail = smtp.to(emily.email)  # the CASE's acknowledgement, then the solution
    assert ack["Subject"].strip() == f"[{case.number}] We have received your request: {case.title}"
    assert mail["Subject"] == f"[{case.number}] Resolved: {case.title}"
    assert "The service desk has resolved CASE" in mail.get_content()


@pytest.mark.django_db
def test_no_address_no_mail_and_one_mail_per_resolution(customers, smtp):
    customers["emily"].email = ""  # no address from the start: not even an acknowledgement
    customers["emily"].save(update_fields=["email"])
    silent = make_case(contact=customers["emily"])
    assert silent.caller_email == ""
    _resolve(silent)
    assert not outbox.Notification.objects.filter(case=silent, recipient=None).exists()

    told = make_case(contact=customers["yamada"])
    _resolve(told)
    to_caller = outbox.Notification.objects.filter(case=told, recipient=None)
    assert to_caller.count() == 2  # the acknowledgement and the solution
    cases.case_reopen(case=told, reason="又坏了", by=make_user("duty_engineer"))
    cases.case_accept(case=told, by=told.engineer)
    cases.case_resolve(case=told, solution="Replaced the whole switch.", by=told.engineer)
    assert to_caller.count() == 3
    assert to_caller.filter(dedupe_key__startswith="ack:").count() == 1
