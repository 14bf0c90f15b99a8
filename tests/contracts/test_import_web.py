"""The console's equipment import: upload, a preview of the bad rows with nothing written,
then the import — by contract managers only, in zh-hans and en."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casedesk.contracts.models import CoverageLine, Equipment
from casedesk.core.models import AuditRecord
from tests.contracts.import_data import CORPUS, csv_of, make_desk
from tests.contracts.test_import_files import big_file
from tests.factories import client_for, make_user, page_text

PAGE = "/contracts/equipment/import/"
CONFIRM = "/contracts/equipment/import/confirm/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def desk(db):
    return make_desk()


@pytest.fixture
def csm(db):
    return make_user("cs_manager", username="csm")


def upload(client, data: bytes, name: str = "设备.csv"):
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data)})


def token_of(response) -> str:
    return response.context["token"]


def staged(tmp_path) -> list:
    folder = tmp_path / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_pages_are_named_in_the_contracts_namespace():
    assert reverse("contracts:equipment_import") == PAGE
    assert reverse("contracts:equipment_import_confirm") == CONFIRM


def test_the_preview_lists_bad_rows_and_writes_nothing(desk, csm, tmp_path):
    client = client_for(csm, "en")
    response = upload(client, (CORPUS / "unknown_refs.csv").read_bytes())
    assert response.status_code == 200
    text = page_text(response)
    assert (
        "4 rows: 1 good (1 new pieces of equipment, 1 coverage lines, 0 already known), 3 bad."
        in text
    )
    assert "<td>2</td><td>organization</td><td>No organization has the code NOPE.</td>" in text
    assert "<td>3</td><td>contract</td><td>No contract has the number HT-NONE.</td>" in text
    assert "Import the 1 good rows, skip the 3 bad ones" in text
    assert not Equipment.objects.exists() and len(staged(tmp_path)) == 1


def test_import_after_the_preview_writes_the_good_rows(desk, csm, tmp_path):
    client = client_for(csm, "en")
    preview = upload(client, (CORPUS / "good.csv").read_bytes(), "good.csv")
    assert "Import 3 rows" in page_text(preview)
    response = client.post(CONFIRM, {"token": token_of(preview)}, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert (
        "good.csv: 3 pieces of equipment and 1 coverage lines imported, 0 already known,"
        " 0 bad rows skipped." in page_text(response)
    )
    assert Equipment.objects.count() == 3 and CoverageLine.objects.count() == 1
    assert set(
        AuditRecord.objects.filter(action="equipment.import").values_list("actor", flat=True)
    ) == {"csm"}
    assert staged(tmp_path) == []
    # the same preview cannot be imported twice
    again = client.post(CONFIRM, {"token": token_of(preview)})
    assert again.status_code == 422 and "upload the file again" in page_text(again)


def test_skipping_the_bad_rows_imports_the_good_ones(desk, csm):
    client = client_for(csm, "en")
    preview = upload(client, (CORPUS / "unknown_refs.csv").read_bytes())
    client.post(CONFIRM, {"token": token_of(preview), "skip_bad": "1"})
    assert list(Equipment.objects.values_list("serial_number", flat=True)) == ["REF4"]


def test_without_skipping_a_file_with_bad_rows_writes_nothing(desk, csm):
    client = client_for(csm, "en")
    preview = upload(client, (CORPUS / "unknown_refs.csv").read_bytes())
    response = client.post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 409
    assert "nothing was imported" in page_text(response)
    assert not Equipment.objects.exists()


def test_rows_that_went_bad_since_the_preview_stop_the_import(desk, csm):
    client = client_for(csm, "en")
    preview = upload(client, csv_of("FOX1,ACME,C9300,Cisco,,,", "FOX2,ACME,C9300,Cisco,,,"))
    meanwhile = client.post(PAGE, {"file": SimpleUploadedFile("b.csv", csv_of("FOX2,CTBJ,X,Y,,,"))})
    client.post(CONFIRM, {"token": token_of(meanwhile)})
    response = client.post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 409
    assert "The desk has changed since the preview" in page_text(response)
    assert list(Equipment.objects.values_list("serial_number", flat=True)) == ["FOX2"]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("binary.csv", "This is neither a CSV file nor an XLSX workbook."),
        ("missing_column.csv", "The required column vendor is missing"),
        ("empty.csv", "The file is empty."),
        ("old_excel.xls", "save it as .xlsx or CSV"),
    ],
)
def test_a_file_that_is_no_table_is_refused_with_its_reason(desk, csm, tmp_path, name, says):
    response = upload(client_for(csm, "en"), (CORPUS / name).read_bytes(), name)
    assert response.status_code == 422 and says in page_text(response)
    assert staged(tmp_path) == []


def test_a_damaged_xlsx_is_named_in_the_preview_and_nothing_can_be_imported(desk, csm, tmp_path):
    response = upload(client_for(csm, "en"), (CORPUS / "damaged.xlsx").read_bytes(), "d.xlsx")
    assert response.status_code == 200
    text = page_text(response)
    assert "<td>3</td><td>—</td><td>The workbook is damaged from this row on.</td>" in text
    assert "There is nothing to import" in text and "confirm" not in text


def test_no_file_is_a_form_error(desk, csm):
    response = client_for(csm, "en").post(PAGE, {})
    assert response.status_code == 422 and "Choose a CSV or XLSX file" in page_text(response)


def test_a_forged_or_someone_elses_token_imports_nothing(desk, csm, db):
    preview = upload(client_for(csm, "en"), (CORPUS / "good.csv").read_bytes())
    other = make_user("admin", username="root")
    response = client_for(other, "en").post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 422
    response = client_for(csm, "en").post(CONFIRM, {"token": token_of(preview) + "x"})
    assert response.status_code == 422
    assert not Equipment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("engineer", 403), ("customer", 403), ("supervisor", 403)]
)
def test_only_contract_managers_may_import(desk, role, status):
    kwargs = {"org": desk["ACME"]} if role == "customer" else {}
    if role == "engineer":
        kwargs["tier"] = "senior"
    user = make_user(role, username=f"u-{role}", **kwargs)
    client = client_for(user, "en")
    assert client.get(PAGE).status_code == status
    assert upload(client, (CORPUS / "good.csv").read_bytes()).status_code == status
    assert not Equipment.objects.exists()


def test_a_stranger_is_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_preview_in_chinese(desk, csm):
    response = upload(client_for(csm, "zh-hans"), (CORPUS / "unknown_refs.csv").read_bytes())
    text = page_text(response)
    assert "导入设备" in text and "没有代码为 NOPE 的客户单位" in text


def test_fifty_thousand_rows_with_one_bad_row_preview_and_import_nothing(desk, csm):
    client = client_for(csm, "en")
    preview = upload(client, big_file(50_000, bad_at=25_000), "big.csv")
    assert preview.status_code == 200
    assert "50000 rows: 49999 good" in page_text(preview)
    assert "<td>25002</td><td>organization</td>" in page_text(preview)
    response = client.post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 409 and not Equipment.objects.exists()
