import time
import pytest
from casedesk.cases import services
from tests.factories import ContactFactory, OrganizationFactory, make_user

@pytest.mark.django_db
def test_perf_open():
    org = OrganizationFactory(code="PERF")
    contact = ContactFactory(organization=org)
    taker = make_user("call_taker", username="perftaker")
    for i in range(20):
        services.case_open(organization=org, contact=contact, title=f"w{i}", priority="P3", channel="phone", by=taker)
    runs = []
    for r in range(3):
        c0, w0 = time.process_time(), time.perf_counter()
        for i in range(300):
            services.case_open(organization=org, contact=contact, title=f"p{i}", priority="P3", channel="phone", by=taker)
        runs.append(((time.process_time() - c0) / 300 * 1000, (time.perf_counter() - w0) / 300 * 1000))
    print("\nPERF cpu/wall ms per case_open:", " ".join(f"{c:.2f}/{w:.2f}" for c, w in runs))
