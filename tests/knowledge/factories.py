"""Knowledge's test data, made through the services."""

from __future__ import annotations

from casedesk.accounts.models import User
from casedesk.cases import services as cases
from casedesk.cases.models import Case
from casedesk.knowledge import services
from casedesk.knowledge.models import Article
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case


def make_article(
    *,
    title: str = "交换机堆叠配置指南",
    body: str = "",
    by: User | None = None,
    reviewer: User | None = None,
    published: bool = False,
    visibility: str = "internal",
    product: str = "",
    tags: tuple[str, ...] = (),
) -> Article:
    by = by or make_user("engineer", tier="first_line")
    article = services.article_create(
        title=title, body=body, by=by, visibility=visibility, product=product, tags=tags
    )
    if published:
        article = services.article_submit(article=article, by=by)
        article = services.article_publish(
            article=article, by=reviewer or make_user("engineer", tier="senior")
        )
    return article


def resolved_case(*, by: User | None = None, **fields) -> Case:
    """A resolved CASE of a customer whose details are all over its text."""
    org = OrganizationFactory(
        name="北京星河数据科技有限公司", address="北京市海淀区中关村大街27号", phone="010-62345678"
    )
    contact = ContactFactory(
        organization=org, name="王建国", phone="13812345678", email="wjg@xinghe.example"
    )
    engineer = by or make_user("engineer", tier="first_line")
    dispatcher = make_user("duty_engineer")
    defaults = {
        "title": "核心交换机 FOC1234X5YZ 堆叠分裂",
        "description": (
            "王建国先生来电：北京星河数据科技有限公司机房核心交换机堆叠分裂，"
            "管理地址 10.20.30.40，手机 138-1234-5678，请联系李工 +86 139 8765 4321。"
        ),
        "hardware_platform": "C9300-48P",
        "software_version": "17.3.4",
        "serial_number": "FOC1234X5YZ",
    }
    defaults.update(fields)
    case = make_case(contact=contact, by=dispatcher, **defaults)
    case = cases.case_assign(case=case, engineer=engineer, by=dispatcher)
    case = cases.case_accept(case=case, by=engineer)
    case = cases.case_resolve(
        case=case,
        solution="重新配置 stack-mac persistent timer 0，张经理确认业务恢复，邮件 zhang@xinghe.example。",
        by=engineer,
    )
    return Case.objects.get(pk=case.pk)
