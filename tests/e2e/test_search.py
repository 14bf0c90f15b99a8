"""Finding a CASE: by serial number from the nav's search box, by Chinese words, by number;
a filter saved under a name comes back from the navigation bar."""

from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user


def test_search_by_serial_chinese_words_and_a_saved_filter(screens, transactional_db):
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    contact = ContactFactory(organization=org, name="张三")
    duty = make_user("duty_engineer", username="duty")
    duty.language = "en"
    duty.save(update_fields=["language"])
    switch = make_case(
        contact=contact, title="核心交换机端口频繁翻转", serial_number="FOX1234ABCD", priority="P2"
    )
    firewall = make_case(contact=contact, title="Firewall license expired", priority="P4")
    printer = make_case(contact=contact, title="打印机无法连接", priority="P4")

    screen = screens(duty)
    screen.goto("/board/")
    search = screen.page.get_by_role("searchbox", name="Search CASEs")
    search.fill("FOX1234ABCD")
    with screen.page.expect_navigation():
        search.press("Enter")
    table = screen.page.locator("table.cases tbody")
    assert table.locator("tr").count() == 1 and switch.number in table.inner_text()
    screen.shot("01-by-serial")

    for words, found in [("交换机", switch), ("license", firewall), (printer.number, printer)]:
        screen.goto(f"/cases/?q={words}")
        rows = screen.page.locator("table.cases tbody tr")
        assert rows.count() == 1 and found.number in rows.inner_text(), words

    # Filter by priority, save it, and find it again from the navigation bar.
    screen.goto("/cases/")
    screen.page.get_by_label("Priority").select_option("P4")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="Filter").click()
    listed = screen.page.locator("table.cases tbody").inner_text()
    assert firewall.number in listed and printer.number in listed and switch.number not in listed
    screen.page.get_by_label("Save this filter as").fill("P4 咨询")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="Save filter").click()
    screen.goto("/board/")
    screen.page.locator("nav").get_by_text("Saved filters").click()
    with screen.page.expect_navigation():
        screen.page.locator("nav").get_by_role("link", name="P4 咨询").click()
    listed = screen.page.locator("table.cases tbody").inner_text()
    assert firewall.number in listed and printer.number in listed and switch.number not in listed
    screen.shot("02-saved-filter")


def test_a_case_number_in_the_top_bar_opens_the_case(screens, transactional_db):
    contact = ContactFactory(organization=OrganizationFactory(code="CTBJ", name="中国电信"))
    duty = make_user("duty_engineer", username="duty")
    duty.language = "en"
    duty.save(update_fields=["language"])
    case = make_case(contact=contact, title="路由器8d56d8 端口故障", priority="P3")
    make_case(contact=contact, title="另一台路由器", priority="P4")

    screen = screens(duty)
    for typed in (case.number.lower(), case.number[1:]):
        screen.goto("/board/")
        search = screen.page.get_by_role("searchbox", name="Search CASEs")
        search.fill(typed)
        with screen.page.expect_navigation():
            search.press("Enter")
        assert screen.page.url.endswith(f"/cases/{case.number}/"), typed
    screen.shot("03-opened-by-number")

    # Words from the top bar list what they find, and say how many.
    screen.goto("/board/")
    search = screen.page.get_by_role("searchbox", name="Search CASEs")
    search.fill("路由器8d56d8")
    with screen.page.expect_navigation():
        search.press("Enter")
    assert "1 CASE found" in screen.page.locator("p.found").inner_text()
    assert case.number in screen.page.locator("table.cases tbody").inner_text()
    screen.shot("04-mixed-words")
