"""The demo's people: the customers (organizations, contacts, logins) and the desk's staff.

Pure data, no Django: ``casedesk.demo.accounts`` and ``casedesk.demo.roster`` turn it into
organizations, people and shifts through ``accounts.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

PASSWORD = "demo"

SKILL_NAMES = {
    "routing": ("路由", "routing"),
    "switching": ("交换", "switching"),
    "security": ("安全", "security"),
    "wireless": ("无线", "wireless"),
    "voice": ("语音", "voice"),
    "datacenter": ("数据中心", "data centre"),
}


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    level: str  # ServiceLevel value
    phone: str
    address: str
    contract: str
    lang: str  # the language its people write in
    weight: int  # share of the CASE load
    login: str  # the customer login (password ``demo``)
    sites: tuple[tuple[str, str], ...]  # (zh, en)
    contacts: tuple[tuple[str, str, str], ...]  # (name, phone, e-mail)


ORGS: tuple[OrgSpec, ...] = (
    OrgSpec(
        code="CTBJ",
        name="中国电信北京分公司",
        level="gold",
        phone="010-58501000",
        address="北京市西城区金融大街31号",
        contract="CTBJ-GS-2024-017",
        lang="zh",
        weight=30,
        login="cust.ctbj",
        sites=(
            ("西单枢纽楼", "Xidan hub"),
            ("亦庄 IDC", "Yizhuang IDC"),
            ("海淀营业厅", "Haidian branch office"),
            ("朝阳 IDC", "Chaoyang IDC"),
        ),
        contacts=(
            ("张伟", "13801012345", "zhang.wei@bj.telecom.example"),
            ("马丽娟", "13910023456", "ma.lijuan@bj.telecom.example"),
            ("杨帆", "13601034567", "yang.fan@bj.telecom.example"),
        ),
    ),
    OrgSpec(
        code="CMB",
        name="招商银行",
        level="gold",
        phone="0755-83198888",
        address="深圳市福田区深南大道7088号",
        contract="CMB-GS-2025-003",
        lang="zh",
        weight=20,
        login="cust.cmb",
        sites=(
            ("深圳总行数据中心", "Shenzhen head-office data centre"),
            ("上海灾备中心", "Shanghai DR centre"),
            ("北京分行", "Beijing branch"),
        ),
        contacts=(
            ("陈晓东", "13502345678", "chen.xiaodong@cmb.example"),
            ("黄丽", "13823456789", "huang.li@cmb.example"),
        ),
    ),
    OrgSpec(
        code="NWT",
        name="Northwind Trading (China) Co., Ltd.",
        level="gold",
        phone="+86 21 6288 1200",
        address="1000 Lujiazui Ring Road, Pudong, Shanghai",
        contract="NWT-GS-2025-001",
        lang="en",
        weight=12,
        login="cust.northwind",
        sites=(
            ("上海办公室", "Shanghai office"),
            ("苏州工厂", "Suzhou plant"),
            ("北京分公司", "Beijing branch"),
        ),
        contacts=(
            ("David Miller", "+86 138 1620 4411", "david.miller@northwind.example"),
            ("Sarah Chen", "+86 139 1728 5522", "sarah.chen@northwind.example"),
            ("Kevin Wu", "+86 137 6411 0933", "kevin.wu@northwind.example"),
        ),
    ),
    OrgSpec(
        code="RHYY",
        name="北京仁和医院",
        level="silver",
        phone="010-69242000",
        address="北京市大兴区兴丰大街1号",
        contract="RHYY-SS-2025-008",
        lang="zh",
        weight=13,
        login="cust.hospital",
        sites=(
            ("门诊楼", "outpatient building"),
            ("住院部", "inpatient ward"),
            ("PACS 机房", "PACS server room"),
        ),
        contacts=(
            ("王秀英", "13701145678", "wang.xiuying@renhe-hospital.example"),
            ("赵志强", "13611256789", "zhao.zhiqiang@renhe-hospital.example"),
        ),
    ),
    OrgSpec(
        code="YJDX",
        name="燕京大学网络与信息中心",
        level="silver",
        phone="010-62751000",
        address="北京市海淀区颐和园路5号",
        contract="YJDX-SS-2024-021",
        lang="zh",
        weight=13,
        login="cust.univ",
        sites=(
            ("图书馆", "library"),
            ("东区学生宿舍", "east dormitories"),
            ("网络中心主机房", "network centre machine room"),
        ),
        contacts=(
            ("孙立平", "13522367890", "sun.liping@yenching.example"),
            ("周敏", "13488478901", "zhou.min@yenching.example"),
        ),
    ),
    OrgSpec(
        code="PJWL",
        name="上海浦江物流有限公司",
        level="silver",
        phone="021-58881234",
        address="上海市浦东新区外高桥保税区富特北路88号",
        contract="PJWL-SS-2025-005",
        lang="zh",
        weight=12,
        login="cust.logistics",
        sites=(
            ("浦东仓储中心", "Pudong warehouse"),
            ("嘉定分拨中心", "Jiading distribution centre"),
            ("总部", "head office"),
        ),
        contacts=(
            ("吴建华", "13917589012", "wu.jianhua@pujiang-logistics.example"),
            ("郑雪", "13816690123", "zheng.xue@pujiang-logistics.example"),
        ),
    ),
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: str
    last_name: str
    first_name: str
    phone: str
    tier: str | None = None
    skills: tuple[str, ...] = ()
    manager: str | None = None
    title: str = ""  # what the demo help says they are


# Created in this order, so every manager exists before their reports.
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("admin", "admin", "管", "理员", "13910000000", title="administrator"),
    StaffSpec("gm", "general_manager", "钱", "志远", "13910000001", title="general manager"),
    StaffSpec(
        "csm",
        "cs_manager",
        "郭",
        "婷",
        "13910000002",
        manager="gm",
        title="customer service manager",
    ),
    StaffSpec(
        "supervisor",
        "supervisor",
        "冯",
        "立新",
        "13910000003",
        tier="senior",
        skills=("routing", "switching", "security"),
        manager="gm",
        title="technical support supervisor",
    ),
    StaffSpec(
        "taker", "call_taker", "林", "晓燕", "13910000010", manager="csm", title="call taker"
    ),
    StaffSpec(
        "duty",
        "duty_engineer",
        "陈",
        "静",
        "13910000011",
        tier="senior",
        skills=("routing", "switching"),
        manager="csm",
        title="duty engineer (day)",
    ),
    StaffSpec(
        "duty.liu",
        "duty_engineer",
        "刘",
        "洋",
        "13910000012",
        tier="senior",
        skills=("security", "wireless"),
        manager="csm",
        title="duty engineer (nights and weekends)",
    ),
    StaffSpec(
        "se.zhao",
        "engineer",
        "赵",
        "刚",
        "13910000020",
        tier="senior",
        skills=("routing", "security"),
        manager="supervisor",
        title="senior engineer",
    ),
    StaffSpec(
        "se.sun",
        "engineer",
        "孙",
        "浩",
        "13910000021",
        tier="senior",
        skills=("switching", "datacenter", "wireless"),
        manager="supervisor",
        title="senior engineer",
    ),
    StaffSpec(
        "se.zhou",
        "engineer",
        "周",
        "建国",
        "13910000022",
        tier="senior",
        skills=("voice", "wireless", "security"),
        manager="supervisor",
        title="senior engineer",
    ),
    StaffSpec(
        "eng.li",
        "engineer",
        "李",
        "明",
        "13910000030",
        tier="first_line",
        skills=("routing", "switching"),
        manager="supervisor",
        title="first-line engineer",
    ),
    StaffSpec(
        "eng.zhang",
        "engineer",
        "张",
        "磊",
        "13910000031",
        tier="first_line",
        skills=("switching", "wireless", "datacenter"),
        manager="supervisor",
        title="first-line engineer",
    ),
    StaffSpec(
        "eng.wang",
        "engineer",
        "王",
        "海涛",
        "13910000032",
        tier="first_line",
        skills=("security", "voice", "routing"),
        manager="supervisor",
        title="first-line engineer",
    ),
)

# How English notes name the staff.
EN_NAMES = {
    "admin": "Admin",
    "gm": "Qian Zhiyuan",
    "csm": "Guo Ting",
    "supervisor": "Feng Lixin",
    "taker": "Lin Xiaoyan",
    "duty": "Chen Jing",
    "duty.liu": "Liu Yang",
    "se.zhao": "Zhao Gang",
    "se.sun": "Sun Hao",
    "se.zhou": "Zhou Jianguo",
    "eng.li": "Li Ming",
    "eng.zhang": "Zhang Lei",
    "eng.wang": "Wang Haitao",
}

ENGINEERS = tuple(s.username for s in STAFF if s.role == "engineer")
