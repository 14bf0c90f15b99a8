"""Benchmark the on-site service form: rendering its PDF (target < 1 s).

    PYTHONPATH=src .venv/bin/python bench/field_bench.py [--runs 30]

Renders the form of a full visit (Chinese text, five parts, a 480×160 signature) with the
desk's CJK font, the very ``field.form_pdf.render`` the check-out calls; the first run
(fonts loaded and subset) and the rest are reported apart.  No database is needed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

TARGET_S = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    import base64

    from casedesk.field import form_pdf
    from casedesk.field.demo import signature

    png = base64.b64decode(signature(random.Random(1)).split(",", 1)[1])
    content = {
        "visit": 1,
        "version": 1,
        "case": "C2612001",
        "title": "核心交换机端口故障（朝阳 IDC 3 楼机房）",
        "customer": "中国电信北京分公司",
        "site": "北京市朝阳区酒仙桥路 12 号 3 楼机房",
        "engineer": "王建国",
        "scheduled_at": "2026-12-01 10:00",
        "checked_in_at": "2026-12-01 09:52",
        "checked_out_at": "2026-12-01 11:27",
        "signed_at": "2026-12-01 11:27",
        "work_done": "更换 Te1/0/24 光模块，清洁光纤端面，端口恢复正常，客户业务验证通过。" * 4,
        "parts_used": ["SFP-10G-SR", "PWR-C1-715WAC", "NIM-2T", "C9300-NM-8X", "STACK-T1-50CM"],
        "customer_name": "李工",
        "signature_sha256": "0" * 64,
        "reason": "",
    }
    digest = form_pdf.digest(content)
    times = []
    size = 0
    for _ in range(args.runs):
        started = time.perf_counter()
        size = len(form_pdf.render(content, png, digest))
        times.append(time.perf_counter() - started)
    rest = sorted(times[1:]) or times
    p95 = rest[min(len(rest) - 1, int(len(rest) * 0.95))]
    print(
        f"form PDF ({size:,} bytes): first {times[0] * 1000:.0f} ms, then p50 "
        f"{statistics.median(rest) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
        f"{max(rest) * 1000:.0f} ms over {len(rest)} runs (target < {TARGET_S:.0f} s)"
    )


if __name__ == "__main__":
    main()
