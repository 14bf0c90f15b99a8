"""The assign screen shows each ranked engineer's score and reasons, in the user's language."""

from __future__ import annotations

from tests.factories import client_for, make_case, make_user
from tests.factories import page_text as text


def test_the_assign_screen_says_why_each_engineer_is_ranked(duty, org, contact):
    se = make_user("engineer", username="se.zhao", tier="senior", skills=("security",))
    make_user("engineer", username="eng.li", tier="first_line")
    org.preferred_engineer = se
    org.save()
    case = make_case(contact=contact, title="ASA 防火墙 VPN 中断", priority="P3")
    body = text(client_for(duty, "en").get(f"/cases/{case.number}/assign/"))
    row = body[body.index("se.zhao") : body.index("eng.li")]
    assert "Skills for this CASE: security (ASA)" in row and "(+3)" in row
    assert "The customer&#x27;s preferred engineer" in row and "(+5)" in row
    assert "No live CASEs" in row
    assert body.index("se.zhao") < body.index("eng.li")  # 8 points against 1

    body = text(client_for(duty, "zh-hans").get(f"/cases/{case.number}/assign/"))
    assert "匹配此 CASE 的技能：security (ASA)" in body
    assert "客户指定的首选工程师" in body and "推荐理由" in body
