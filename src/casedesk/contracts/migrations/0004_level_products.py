"""A desk upgraded to contracts finds its gold and silver service levels in the catalogue:
two service products with the same promised times (contracts.defaults).  Only on a desk
that has organizations already; a new desk starts with an empty catalogue (the demo makes
the two products through the services).  Products that exist are left alone, and going
back leaves them."""

from django.db import migrations
from casedesk.core import clock

from casedesk.contracts.defaults import LEVEL_PRODUCTS, level_product_fields


def make(apps, schema_editor):
    if not apps.get_model("accounts", "Organization").objects.exists():
        return
    ServiceProduct = apps.get_model("contracts", "ServiceProduct")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for level, code, *_ in LEVEL_PRODUCTS:
        if ServiceProduct.objects.filter(code=code).exists():
            continue
        if not SlaPolicy.objects.filter(service_level=level).exists():
            continue
        ServiceProduct.objects.create(created_at=clock.now(), **level_product_fields(level, apps))


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_product_annual_price"),
        ("sla", "0006_dashboard_indexes"),
    ]

    operations = [migrations.RunPython(make, migrations.RunPython.noop)]
