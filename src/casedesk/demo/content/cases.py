"""The words of the demo's CASEs: the problems customers call about and what the desk writes.

Pure data, no Django: ``casedesk.demo.cases`` turns it into CASEs through the service layer.
Every text exists in Chinese and English; a placeholder such as ``{platform}`` is filled per
CASE (see ``casedesk.demo.cases._variables``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Platform:
    name: str
    versions: tuple[str, ...]
    serial_prefix: str


@dataclass(frozen=True)
class WorkStep:
    kind: str  # WorkLogKind value
    zh: str
    en: str
    minutes: tuple[int, int]
    internal: bool = False


@dataclass(frozen=True)
class Problem:
    """One kind of problem customers call about."""

    key: str
    skill: str
    priorities: tuple[str, ...]
    platforms: tuple[Platform, ...]
    title_zh: str
    title_en: str
    desc_zh: str
    desc_en: str
    steps: tuple[WorkStep, ...]
    solution_zh: str
    solution_en: str
    part: str = ""  # the field-replaceable unit involved
    rma: bool = False  # the part is replaced through an RMA (pending for parts)
    vendor: str = ""  # "always": Cisco TAC finds the answer; "maybe": TAC may be involved
    weight: int = 10
    extra: dict[str, str] = field(default_factory=dict)


def P(name: str, versions: str, prefix: str) -> Platform:
    return Platform(name, tuple(v.strip() for v in versions.split(",")), prefix)


ASA5520 = P("ASA 5520", "8.4(7)30, 9.1(7)32", "JMX")
ASA5525 = P("ASA 5525-X", "9.8(4)45, 9.12(4)62, 9.14(4)24", "FCH")
FPR2110 = P("Firepower 2110", "FTD 6.6.5, FTD 7.0.5", "JAD")
C6509 = P("Catalyst 6509-E", "IOS 12.2(33)SXJ10, IOS 15.1(2)SY16", "SMG")
C6807 = P("Catalyst 6807-XL", "IOS 15.5(1)SY9", "SMC")
C3850 = P("Catalyst 3850-48P", "IOS-XE 16.9.8, IOS-XE 16.12.10", "FOC")
C9300 = P("Catalyst 9300-48P", "IOS-XE 17.6.5, IOS-XE 17.9.4a", "FOC")
C2960 = P("Catalyst 2960X-48TS", "IOS 15.2(7)E8", "FCW")
N7010 = P("Nexus 7010", "NX-OS 6.2(20a), NX-OS 8.4(7)", "JAF")
N9K = P("Nexus 93180YC-EX", "NX-OS 7.0(3)I7(9), NX-OS 9.3(10)", "FDO")
N5548 = P("Nexus 5548UP", "NX-OS 7.3(8)N1(1)", "SSI")
ASR1K = P("ASR 1002-X", "IOS-XE 16.9.8, IOS-XE 17.3.6", "FOX")
ASR9K = P("ASR 9006", "IOS XR 6.5.3, IOS XR 7.5.2", "FOX")
ISR4451 = P("ISR 4451-X", "IOS-XE 16.12.8, IOS-XE 17.6.4", "FGL")
C7609 = P("Cisco 7609-S", "IOS 15.3(3)S10", "FOX")
WLC5520 = P("AIR-CT5520-K9", "AireOS 8.5.182.0, AireOS 8.10.185.0", "FCH")
WLC9800 = P("C9800-40-K9", "IOS-XE 17.6.5, IOS-XE 17.9.5", "TTM")
AP2802 = P("AIR-AP2802I-H-K9", "AireOS 8.10.185.0", "FJC")
CUCM = P("CUCM (UCS C220 M5)", "CUCM 11.5(1)SU9, CUCM 12.5(1)SU7", "WZP")
ISR2911 = P("ISR 2911 voice gateway", "IOS 15.7(3)M8", "FTX")
UCSC240 = P("UCS C240 M5", "CIMC 4.1(3f), CIMC 4.2(3b)", "WZP")
UCSFI = P("UCS 6332 Fabric Interconnect", "UCSM 4.1(3h), UCSM 4.2(2c)", "FDO")
N2248 = P("Nexus 2248TP-E FEX", "NX-OS 7.3(8)N1(1)", "SSI")

W = WorkStep

PROBLEMS: tuple[Problem, ...] = (
    # --- security -----------------------------------------------------------------------
    Problem(
        key="asa-vpn-down",
        skill="security",
        priorities=("P1", "P2", "P3"),
        platforms=(ASA5520, ASA5525),
        title_zh="防火墙 {platform} VPN 隧道中断（{site}）",
        title_en="{platform} IPSec VPN tunnel to {site} down",
        desc_zh=(
            "{site}至总部的 IPSec VPN 隧道约 {hhmm} 起中断，分支无法访问总部业务系统。"
            "客户已重启分支路由器，问题依旧。ASA 上 show crypto isakmp sa 看不到对端 {ip}。"
        ),
        desc_en=(
            "Since about {hhmm} the IPSec tunnel between {site} and head office is down; the "
            "branch cannot reach any head-office application. The customer rebooted the branch "
            "router without effect. show crypto isakmp sa on the ASA shows no SA for peer {ip}."
        ),
        steps=(
            W(
                "remote",
                "远程登录 ASA，debug crypto ikev1 显示 Phase 1 协商卡在 MM_WAIT_MSG2，对端未回应。",
                "Remote login to the ASA: debug crypto ikev1 shows phase 1 stuck in MM_WAIT_MSG2, "
                "the peer never answers.",
                (30, 90),
            ),
            W(
                "phone",
                "与对端运维电话确认：对端上周更换设备，IKE 策略改为 AES-256/SHA-256/DH14，与我方不一致。",
                "Called the peer's operations team: they replaced their device last week and now "
                "propose AES-256/SHA-256/DH14, which does not match our policy.",
                (10, 30),
            ),
            W(
                "remote",
                "维护窗口内调整 crypto ikev1 policy 10 与 transform-set，clear crypto isakmp sa 后隧道 UP。",
                "In the maintenance window changed crypto ikev1 policy 10 and the transform-set; "
                "after clear crypto isakmp sa the tunnel came up.",
                (30, 60),
            ),
        ),
        solution_zh="双方 IKE Phase 1/2 参数不一致（对端更换设备后变更）。已统一为 AES-256/SHA-256/DH14，隧道恢复，业务验证正常。",
        solution_en="IKE phase 1/2 proposals no longer matched after the peer replaced its device. "
        "Aligned both ends on AES-256/SHA-256/DH14; tunnel up, applications verified.",
        weight=14,
    ),
    Problem(
        key="asa-failover",
        skill="security",
        priorities=("P2", "P3"),
        platforms=(ASA5525, ASA5520),
        title_zh="ASA 双机 failover 频繁切换",
        title_en="ASA failover pair switching over repeatedly",
        desc_zh="{site}出口 ASA 主备近两天切换 6 次，每次切换业务中断约 30 秒。",
        desc_en="The {site} edge ASA pair failed over six times in two days; each switchover "
        "drops traffic for about 30 seconds.",
        steps=(
            W(
                "remote",
                "show failover history 显示原因为 Interface check（inside）失败；inside 口所连交换机端口 CRC 错误持续增长。",
                "show failover history: 'Interface check' failures on inside; the switch port facing "
                "inside shows increasing CRC errors.",
                (30, 60),
            ),
            W(
                "onsite",
                "现场更换 inside 口跳线及交换机侧 SFP，清零计数器观察。",
                "On site: replaced the inside patch cord and the switch-side SFP, cleared counters.",
                (60, 150),
            ),
            W(
                "note",
                "观察 24 小时，CRC 计数为 0，未再发生切换。",
                "Watched for 24 hours: CRC counters stay at 0, no further failover.",
                (5, 10),
            ),
        ),
        solution_zh="inside 链路物理质量差（跳线/光模块）导致接口检测失败触发 failover。已更换跳线和 SFP，观察期内稳定。",
        solution_en="Poor physical link on inside (patch cord/SFP) failed the interface check and "
        "triggered failover. Cord and SFP replaced; stable through the observation period.",
        part="SFP-10G-SR",
        weight=8,
    ),
    Problem(
        key="anyconnect-login",
        skill="security",
        priorities=("P2", "P3"),
        platforms=(ASA5525, FPR2110),
        title_zh="AnyConnect 用户无法登录 SSL VPN",
        title_en="AnyConnect users cannot log in to the SSL VPN",
        desc_zh="今天上午起远程办公用户 AnyConnect 连接报 “Certificate Validation Failure”，约 200 人受影响。",
        desc_en="Since this morning remote users get 'Certificate Validation Failure' from "
        "AnyConnect; about 200 people affected.",
        steps=(
            W(
                "remote",
                "检查 trustpoint，SSL 证书已于昨日到期；show vpn-sessiondb summary 当前会话 0。",
                "Checked the trustpoints: the SSL certificate expired yesterday; "
                "show vpn-sessiondb summary shows 0 sessions.",
                (20, 40),
            ),
            W(
                "phone",
                "协助客户向 CA 申请新证书，生成 CSR 并发给客户。",
                "Helped the customer request a new certificate from their CA; generated the CSR.",
                (15, 30),
            ),
            W(
                "remote",
                "导入新证书并绑定 outside 接口（ssl trust-point），用户测试登录成功。",
                "Imported the new certificate, bound it to outside (ssl trust-point); test users "
                "log in again.",
                (20, 45),
            ),
        ),
        solution_zh="SSL VPN 证书过期。已重新签发并导入 trustpoint，建议客户在监控中加入证书到期提醒。",
        solution_en="The SSL VPN certificate had expired. Re-issued and imported; recommended "
        "certificate-expiry monitoring.",
        weight=8,
    ),
    Problem(
        key="asa-nat-request",
        skill="security",
        priorities=("P4",),
        platforms=(ASA5525, ASA5520, FPR2110),
        title_zh="新增服务器端口映射（静态 NAT）需求",
        title_en="Request: new static NAT / port mapping for a server",
        desc_zh="新上线的预约系统服务器 10.20.{vlan}.15 需要对外发布 443 端口，请协助配置静态 NAT 与访问策略。",
        desc_en="A new booking server 10.20.{vlan}.15 must be published on TCP 443; please configure "
        "static NAT and the access rule.",
        steps=(
            W(
                "phone",
                "与客户确认公网地址 {ip}、端口与放行源地址范围，约定今晚 22:00 变更。",
                "Confirmed public address {ip}, ports and allowed sources with the customer; "
                "change scheduled for 22:00 tonight.",
                (10, 20),
            ),
            W(
                "remote",
                "按变更单配置 object nat 与 access-list，packet-tracer 验证通过，已保存配置并备份。",
                "Configured object NAT and the ACL per the change form; packet-tracer passes; "
                "configuration saved and backed up.",
                (30, 60),
            ),
        ),
        solution_zh="已完成静态 NAT 与访问策略配置，外网访问验证正常，配置已备份。",
        solution_en="Static NAT and the access rule are in place, verified from outside; "
        "configuration backed up.",
        weight=8,
    ),
    Problem(
        key="ftd-upgrade",
        skill="security",
        priorities=("P4",),
        platforms=(FPR2110,),
        title_zh="Firepower FTD 升级方案咨询",
        title_en="Firepower FTD upgrade plan",
        desc_zh="当前 {version}，厂商通告存在安全漏洞，请评估升级路径与停机时间。",
        desc_en="Running {version}; a Cisco advisory applies. Please assess the upgrade path and "
        "the downtime.",
        steps=(
            W(
                "note",
                "查阅升级兼容矩阵：需先升级 FMC，再分两步升级 FTD；预计停机 40 分钟。",
                "Checked the compatibility matrix: FMC first, then FTD in two steps; about 40 "
                "minutes of downtime.",
                (30, 60),
            ),
            W(
                "onsite",
                "按方案在维护窗口完成 FMC 与 FTD 升级，策略部署正常。",
                "Upgraded FMC and FTD in the maintenance window as planned; policy deploys cleanly.",
                (120, 240),
            ),
        ),
        solution_zh="已按方案完成升级，漏洞已修复，升级报告已发送客户。",
        solution_en="Upgrade done as planned, advisory fixed; upgrade report sent to the customer.",
        weight=5,
    ),
    # --- switching ----------------------------------------------------------------------
    Problem(
        key="errdisable",
        skill="switching",
        priorities=("P2", "P3"),
        platforms=(C6509, C6807, C3850),
        title_zh="核心交换机 {platform} 端口 {iface} err-disable",
        title_en="Core switch {platform} port {iface} err-disabled",
        desc_zh="{site}核心交换机 {iface} 端口灯灭，下联楼层交换机整层断网。",
        desc_en="At {site} the core switch port {iface} went dark; the floor switch behind it is "
        "cut off.",
        steps=(
            W(
                "remote",
                "show interfaces status err-disabled 显示原因为 bpduguard；日志 %SPANTREE-2-BLOCK_BPDUGUARD。",
                "show interfaces status err-disabled: reason bpduguard; log "
                "%SPANTREE-2-BLOCK_BPDUGUARD.",
                (15, 40),
            ),
            W(
                "phone",
                "与客户核实：楼层有人私接了小交换机，已要求拆除。",
                "Checked with the customer: someone plugged a small switch in on that floor; asked "
                "them to remove it.",
                (10, 20),
            ),
            W(
                "remote",
                "shutdown/no shutdown 恢复端口，配置 errdisable recovery cause bpduguard interval 300。",
                "Recovered the port (shut/no shut) and configured errdisable recovery cause "
                "bpduguard interval 300.",
                (10, 30),
            ),
        ),
        solution_zh="接入侧私接交换机触发 BPDU Guard。已拆除私接设备并恢复端口，配置自动恢复策略。",
        solution_en="A rogue switch on the access side tripped BPDU Guard. Device removed, port "
        "restored, automatic recovery configured.",
        weight=14,
    ),
    Problem(
        key="core-cpu",
        skill="switching",
        priorities=("P2", "P3"),
        platforms=(C6509, C6807),
        title_zh="核心交换机 {platform} CPU 利用率持续 90% 以上",
        title_en="Core switch {platform} CPU above 90%",
        desc_zh="网管告警核心交换机 CPU 持续高于 90%，部分用户反映访问缓慢、丢包。",
        desc_en="The NMS reports core CPU constantly above 90%; users complain of slowness and loss.",
        steps=(
            W(
                "remote",
                "show processes cpu sorted 显示 IP Input 占用 70%；netdr capture 抓到 VLAN {vlan} 大量 ARP。",
                "show processes cpu sorted: IP Input at 70%; netdr capture shows an ARP flood in "
                "VLAN {vlan}.",
                (30, 60),
            ),
            W(
                "remote",
                "定位源 MAC 到接入交换机端口，确认为一台中毒终端，已 shutdown 该端口。",
                "Traced the source MAC to an access port: an infected PC; port shut down.",
                (20, 40),
            ),
            W(
                "note",
                "建议客户启用 DAI 与 CoPP，已提交配置建议。",
                "Recommended Dynamic ARP Inspection and CoPP; configuration proposal sent.",
                (15, 30),
                True,
            ),
        ),
        solution_zh="VLAN {vlan} 中毒终端发起 ARP 泛洪导致 CPU 高。已隔离终端，CPU 回落至 15%，并提交 CoPP/DAI 加固建议。",
        solution_en="An infected host flooded ARP in VLAN {vlan}. Host isolated, CPU back to 15%; "
        "CoPP/DAI hardening proposed.",
        weight=10,
    ),
    Problem(
        key="sup-failure",
        skill="switching",
        priorities=("P1", "P2"),
        platforms=(C6509, C6807),
        title_zh="核心交换机 Sup 引擎故障，备用引擎接管",
        title_en="Core switch supervisor failed, standby took over",
        desc_zh="凌晨核心交换机主引擎故障，备用引擎接管期间全网中断约 3 分钟；当前无冗余。",
        desc_en="The active supervisor failed; during the switchover the whole network was down "
        "for about 3 minutes. No redundancy now.",
        steps=(
            W(
                "remote",
                "show module 显示 slot 5 状态 Faulty，show logging 有 %C6KPWR-SP-4-DISABLED 与诊断失败记录。",
                "show module: slot 5 Faulty; the log has %C6KPWR-SP-4-DISABLED and failed "
                "diagnostics.",
                (20, 40),
            ),
            W(
                "note",
                "收集 show tech 与 diagnostic result，判断为引擎硬件故障。",
                "Collected show tech and the diagnostic results: supervisor hardware fault.",
                (10, 20),
            ),
        ),
        solution_zh="引擎硬件故障，已通过 RMA 更换 {part}，SSO 冗余恢复，切换测试正常。",
        solution_en="Supervisor hardware fault; {part} replaced by RMA, SSO redundancy restored "
        "and tested.",
        part="VS-SUP2T-10G",
        rma=True,
        vendor="maybe",
        weight=5,
    ),
    Problem(
        key="stp-loop",
        skill="switching",
        priorities=("P1", "P2"),
        platforms=(C3850, C9300, C2960),
        title_zh="接入层环路导致{site}网络中断",
        title_en="Layer-2 loop takes down the network at {site}",
        desc_zh="{site}全部终端无法上网，交换机端口灯狂闪。",
        desc_en="No host at {site} can reach the network; switch port LEDs flash wildly.",
        steps=(
            W(
                "phone",
                "指导客户逐一拔除可疑上联，定位到 3 楼弱电间一根两端都插在同一交换机上的网线。",
                "Talked the customer through unplugging uplinks; found a cable with both ends in "
                "the same 3rd-floor switch.",
                (20, 45),
            ),
            W(
                "remote",
                "恢复后检查 STP：接入端口未启用 portfast/bpduguard，已统一配置 loop guard。",
                "After recovery checked STP: access ports lacked portfast/bpduguard; applied them "
                "with loop guard.",
                (30, 60),
            ),
        ),
        solution_zh="接入层物理环路引发广播风暴。已拆除环路线缆，全网启用 bpduguard/storm-control 防护。",
        solution_en="A physical loop at the access layer caused a broadcast storm. Cable removed; "
        "bpduguard/storm-control enabled everywhere.",
        weight=6,
    ),
    Problem(
        key="stack-reload",
        skill="switching",
        priorities=("P2", "P3"),
        platforms=(C3850, C9300),
        title_zh="{platform} 堆叠成员反复重启",
        title_en="{platform} stack member keeps reloading",
        desc_zh="{site}接入堆叠中 2 号成员每隔数小时重启一次，所接终端断网。",
        desc_en="Member 2 of the {site} access stack reloads every few hours; its hosts drop off.",
        steps=(
            W(
                "remote",
                "show switch 显示成员 2 在 Ready/Removed 间切换；show logging onboard 有 StackWise 端口 CRC。",
                "show switch: member 2 flaps between Ready and Removed; show logging onboard shows "
                "StackWise port CRC errors.",
                (30, 60),
            ),
            W(
                "onsite",
                "现场重新插拔并更换堆叠线缆，问题仍在，判断为成员 2 堆叠接口硬件故障。",
                "On site: reseated and replaced the stack cable, still failing: member 2 stack "
                "port hardware fault.",
                (60, 120),
            ),
        ),
        solution_zh="成员交换机堆叠接口硬件故障，已 RMA 更换整机（{part}），堆叠稳定运行。",
        solution_en="Stack port hardware fault on member 2; switch replaced by RMA ({part}); the "
        "stack is stable.",
        part="C9300-48P-A",
        rma=True,
        weight=7,
    ),
    Problem(
        key="vpc-peer-link",
        skill="datacenter",
        priorities=("P1", "P2"),
        platforms=(N7010, N9K),
        title_zh="Nexus vPC peer-link 故障，部分 VLAN 不通",
        title_en="Nexus vPC peer-link down, some VLANs unreachable",
        desc_zh="数据中心一对 Nexus vPC peer-link 中断，二级设备将 vPC 成员口挂起，部分业务 VLAN 不通。",
        desc_en="The vPC peer-link of the data-centre Nexus pair is down; the secondary suspended "
        "its vPC member ports and several VLANs are unreachable.",
        steps=(
            W(
                "remote",
                "show vpc brief 显示 peer-link down，peer-keepalive 正常；peer-link 成员口 Eth3/1-2 光功率异常。",
                "show vpc brief: peer-link down, keepalive alive; peer-link members Eth3/1-2 show "
                "abnormal optical power.",
                (20, 50),
            ),
            W(
                "onsite",
                "现场清洁光纤并更换一只 SFP，peer-link 恢复，vPC 一致性检查通过。",
                "On site: cleaned the fibres and replaced one SFP; peer-link up, vPC consistency "
                "checks pass.",
                (60, 150),
            ),
        ),
        solution_zh="peer-link 光纤污损及光模块老化。已清洁并更换光模块，vPC 恢复；建议 peer-link 跨板卡部署。",
        solution_en="Dirty fibres and an ageing optic broke the peer-link. Cleaned and replaced; "
        "vPC restored. Recommended spreading the peer-link across line cards.",
        part="SFP-10G-LR",
        vendor="maybe",
        weight=5,
    ),
    Problem(
        key="psu-alarm",
        skill="switching",
        priorities=("P3",),
        platforms=(C6509, C3850, N9K, ASR1K),
        title_zh="{platform} 电源模块告警（PS2 failed）",
        title_en="{platform} power supply alarm (PS2 failed)",
        desc_zh="网管收到 {platform}（SN {sn}）电源 2 故障告警，设备目前单电源运行。",
        desc_en="The NMS raised a PS2 failure on {platform} (SN {sn}); it runs on one supply now.",
        steps=(
            W(
                "remote",
                "show environment power 显示 PS2 状态 failed，输入电压正常，判断电源模块故障。",
                "show environment power: PS2 failed with normal input voltage: faulty power supply.",
                (10, 20),
            ),
        ),
        solution_zh="电源模块硬件故障，已 RMA 更换 {part}，双电源恢复冗余。",
        solution_en="Power supply hardware fault; {part} replaced by RMA, power redundancy restored.",
        part="PWR-C1-715WAC",
        rma=True,
        weight=9,
    ),
    Problem(
        key="vlan-change",
        skill="switching",
        priorities=("P4",),
        platforms=(C6509, C9300, C3850, N9K),
        title_zh="新增 VLAN {vlan} 及 Trunk 配置变更申请",
        title_en="Change request: add VLAN {vlan} and trunk configuration",
        desc_zh="{site}新增业务网段，需新建 VLAN {vlan}、SVI 网关并在上联 Trunk 放行。",
        desc_en="A new subnet at {site} needs VLAN {vlan}, an SVI gateway and the VLAN allowed "
        "on the uplink trunks.",
        steps=(
            W(
                "phone",
                "与客户确认地址规划与网关地址，填写变更单。",
                "Confirmed the addressing and gateway with the customer; change form filed.",
                (10, 20),
            ),
            W(
                "remote",
                "维护窗口内完成 VLAN、SVI、HSRP 与 Trunk allowed vlan 配置，测试互通正常。",
                "Configured VLAN, SVI, HSRP and trunk allowed VLANs in the window; connectivity "
                "tested.",
                (30, 60),
            ),
        ),
        solution_zh="VLAN {vlan} 及相关配置已完成并验证，配置已备份。",
        solution_en="VLAN {vlan} and related configuration done and verified; backed up.",
        weight=10,
    ),
    # --- routing --------------------------------------------------------------------------
    Problem(
        key="bgp-flap",
        skill="routing",
        priorities=("P1", "P2", "P3"),
        platforms=(ASR1K, ASR9K, C7609),
        title_zh="与运营商 BGP 邻居 {ip} 反复 flapping",
        title_en="BGP neighbor {ip} flapping",
        desc_zh="{platform} 与上游 BGP 邻居 {ip} 反复 Up/Down，日志 %BGP-5-ADJCHANGE: neighbor {ip} Down BGP Notification sent, hold time expired。",
        desc_en="{platform}: the eBGP session to {ip} keeps going up and down; log "
        "%BGP-5-ADJCHANGE: neighbor {ip} Down - hold time expired.",
        steps=(
            W(
                "remote",
                "show ip bgp summary 邻居 Up/Down 时间频繁重置；extended ping 1500 字节大包丢包 8%。",
                "show ip bgp summary: the neighbor timer keeps resetting; extended ping with 1500-byte "
                "packets loses 8%.",
                (30, 60),
            ),
            W(
                "phone",
                "联系运营商报障，运营商确认传输线路误码，安排抢修。",
                "Reported to the carrier; they confirmed bit errors on the circuit and dispatched a "
                "repair crew.",
                (15, 30),
            ),
            W(
                "remote",
                "线路修复后观察 BGP 稳定；建议启用 BFD 加快故障检测。",
                "After the circuit repair BGP is stable; recommended BFD for faster detection.",
                (20, 40),
            ),
        ),
        solution_zh="运营商传输线路误码导致 BGP hold timer 超时。运营商已修复线路，BGP 稳定运行 48 小时。",
        solution_en="Bit errors on the carrier circuit expired the BGP hold timer. Circuit repaired; "
        "BGP stable for 48 hours.",
        weight=12,
    ),
    Problem(
        key="ospf-exstart",
        skill="routing",
        priorities=("P2", "P3"),
        platforms=(ISR4451, ASR1K),
        title_zh="OSPF 邻接关系卡在 EXSTART",
        title_en="OSPF adjacency stuck in EXSTART",
        desc_zh="新开通的{site}专线两端 OSPF 邻居停在 EXSTART/EXCHANGE，路由无法学习。",
        desc_en="On the new {site} circuit OSPF stays in EXSTART/EXCHANGE; no routes learnt.",
        steps=(
            W(
                "remote",
                "debug ip ospf adj 显示 'Nbr has larger interface MTU'；两端接口 MTU 分别为 1500 与 1492。",
                "debug ip ospf adj: 'Nbr has larger interface MTU'; interface MTUs are 1500 and 1492.",
                (20, 40),
            ),
            W(
                "remote",
                "统一接口 MTU 为 1500（运营商确认支持），邻居进入 FULL。",
                "Set both MTUs to 1500 (confirmed with the carrier); neighbours reach FULL.",
                (10, 20),
            ),
        ),
        solution_zh="两端接口 MTU 不一致导致 DBD 交换失败。已统一 MTU，OSPF 邻接正常。",
        solution_en="MTU mismatch broke the DBD exchange. MTUs aligned; OSPF adjacency FULL.",
        weight=7,
    ),
    Problem(
        key="memory-leak",
        skill="routing",
        priorities=("P2", "P3"),
        platforms=(ISR4451, ASR1K, C7609),
        title_zh="{platform} 内存持续增长，疑似内存泄漏",
        title_en="{platform} memory keeps growing (suspected leak)",
        desc_zh="网管显示 {platform} 可用内存两周内从 60% 降到 8%，担心设备宕机。",
        desc_en="The NMS shows free memory on {platform} falling from 60% to 8% in two weeks; the "
        "customer fears a crash.",
        steps=(
            W(
                "remote",
                "show processes memory sorted 显示 SNMP ENGINE 进程持续增长，间隔 1 小时采集三次数据。",
                "show processes memory sorted: SNMP ENGINE keeps growing; sampled three times an "
                "hour apart.",
                (30, 60),
            ),
            W(
                "note",
                "比对 Bug Search，与已知缺陷 {bug} 症状一致，修复版本 {fixver}。",
                "Bug Search: symptoms match {bug}, fixed in {fixver}.",
                (20, 40),
                True,
            ),
            W(
                "onsite",
                "维护窗口内升级到 {fixver}，观察一周内存平稳。",
                "Upgraded to {fixver} in the maintenance window; memory flat for a week.",
                (90, 180),
            ),
        ),
        solution_zh="命中软件缺陷 {bug}（SNMP 内存泄漏），已升级到 {fixver}，内存使用稳定。",
        solution_en="Software defect {bug} (SNMP memory leak). Upgraded to {fixver}; memory stable.",
        vendor="maybe",
        weight=6,
    ),
    Problem(
        key="ios-upgrade",
        skill="routing",
        priorities=("P4",),
        platforms=(ISR4451, ASR1K, C9300, C6509),
        title_zh="IOS 升级申请：{platform} 升级到推荐版本",
        title_en="IOS upgrade request: {platform} to the recommended release",
        desc_zh="根据年度巡检报告，{platform}（当前 {version}）需升级到厂商推荐版本，请安排方案与时间。",
        desc_en="Per the annual health check, {platform} (running {version}) should move to the "
        "recommended release; please plan it.",
        steps=(
            W(
                "note",
                "制定升级方案：校验 MD5、备份配置、确认 ROMMON 版本，回退方案就绪。",
                "Upgrade plan: MD5 check, config backup, ROMMON version confirmed, rollback ready.",
                (30, 60),
            ),
            W(
                "onsite",
                "维护窗口内完成升级，show version 确认 {fixver}，业务验证正常。",
                "Upgraded in the window; show version confirms {fixver}; services verified.",
                (90, 180),
            ),
        ),
        solution_zh="已升级到 {fixver}，升级报告与配置备份已提交客户。",
        solution_en="Now on {fixver}; upgrade report and configuration backup sent to the customer.",
        weight=10,
    ),
    Problem(
        key="router-crash",
        skill="routing",
        priorities=("P1", "P2"),
        platforms=(ASR1K, ISR4451),
        title_zh="{platform} 异常重启并生成 crashinfo",
        title_en="{platform} reloaded unexpectedly, crashinfo written",
        desc_zh="{site}出口路由器 {hhmm} 左右异常重启，业务中断约 5 分钟，设备已自行恢复。",
        desc_en="The {site} edge router reloaded at about {hhmm}; traffic was down for about five "
        "minutes and it recovered by itself.",
        steps=(
            W(
                "remote",
                "show version 显示 'Last reload reason: Critical software exception'；已下载 crashinfo 与 core 文件。",
                "show version: 'Last reload reason: Critical software exception'; crashinfo and core "
                "file downloaded.",
                (20, 40),
            ),
            W(
                "note",
                "解码 crashinfo，堆栈指向 QFP 微码，需厂商确认。",
                "Decoded the crashinfo: the stack points into QFP microcode; needs the vendor.",
                (20, 40),
                True,
            ),
        ),
        solution_zh="TAC 确认为软件缺陷 {bug}，已升级到 {fixver}，观察两周未再重启。",
        solution_en="TAC confirmed software defect {bug}; upgraded to {fixver}, no reload in two "
        "weeks.",
        vendor="always",
        weight=5,
    ),
    Problem(
        key="wan-down",
        skill="routing",
        priorities=("P1", "P2"),
        platforms=(ISR4451, C7609, ASR1K),
        title_zh="广域网专线中断（{site}）",
        title_en="WAN circuit down ({site})",
        desc_zh="{site}至总部 MPLS 专线中断，接口 line protocol down，备份 4G 链路已接管但带宽不足。",
        desc_en="The MPLS circuit from {site} is down (line protocol down); the 4G backup took over "
        "but lacks bandwidth.",
        steps=(
            W(
                "remote",
                "show interface 显示 Gi0/0/1 down/down，光功率 -40 dBm，判断线路中断。",
                "show interface: Gi0/0/1 down/down, -40 dBm receive power: the line is cut.",
                (10, 20),
            ),
            W(
                "phone",
                "向运营商报障（故障单号 {rma}），运营商确认光缆被施工挖断。",
                "Reported to the carrier (ticket {rma}); a construction crew cut the fibre.",
                (15, 30),
            ),
        ),
        solution_zh="运营商光缆被挖断，已熔接修复，专线恢复，路由已切回主链路。",
        solution_en="Carrier fibre cut by construction; spliced and restored, routing back on the "
        "primary circuit.",
        weight=7,
    ),
    Problem(
        key="qos-request",
        skill="routing",
        priorities=("P4",),
        platforms=(ISR4451, ASR1K),
        title_zh="专线 QoS 策略配置咨询",
        title_en="QoS policy for the WAN circuit",
        desc_zh="视频会议在专线繁忙时卡顿，希望为视频与语音配置优先级队列。",
        desc_en="Video calls stutter when the WAN is busy; the customer wants priority queuing for "
        "voice and video.",
        steps=(
            W(
                "note",
                "设计 MQC 策略：EF 20% LLQ、AF41 30%、默认 class-default fair-queue。",
                "Designed the MQC policy: EF 20% LLQ, AF41 30%, fair-queue in class-default.",
                (30, 60),
            ),
            W(
                "remote",
                "配置 service-policy output 并验证 show policy-map interface 计数正常。",
                "Applied service-policy output; show policy-map interface counters look right.",
                (20, 40),
            ),
        ),
        solution_zh="QoS 策略已部署，视频会议测试流畅。",
        solution_en="QoS policy deployed; test video calls are smooth.",
        weight=6,
    ),
    # --- wireless -------------------------------------------------------------------------
    Problem(
        key="ap-join",
        skill="wireless",
        priorities=("P3",),
        platforms=(WLC5520, WLC9800, AP2802),
        title_zh="AP 无法注册到 WLC",
        title_en="Access points cannot join the WLC",
        desc_zh="{site}新上架的 12 台 AP 无法注册到控制器 {platform}，AP 指示灯红绿交替。",
        desc_en="Twelve new APs at {site} cannot join the {platform} controller; LEDs alternate "
        "red and green.",
        steps=(
            W(
                "remote",
                "AP console 显示 DTLS 握手失败；WLC 上 debug capwap 显示 AP 证书（MIC）校验失败。",
                "AP console: DTLS handshake fails; debug capwap on the WLC shows the AP's MIC "
                "certificate rejected.",
                (30, 60),
            ),
            W(
                "remote",
                "核对 WLC 时间偏差 2 年（NTP 未配置），配置 NTP 后 AP 全部注册成功。",
                "The WLC clock was two years off (no NTP); after configuring NTP all APs joined.",
                (15, 30),
            ),
        ),
        solution_zh="WLC 时钟错误导致 AP 证书校验失败。已配置 NTP，AP 全部上线。",
        solution_en="A wrong WLC clock failed the AP certificate check. NTP configured; all APs up.",
        weight=8,
    ),
    Problem(
        key="wifi-roaming",
        skill="wireless",
        priorities=("P3", "P4"),
        platforms=(WLC5520, WLC9800),
        title_zh="{site}无线覆盖差、漫游掉线",
        title_en="Poor Wi-Fi coverage and roaming drops at {site}",
        desc_zh="{site}移动查房推车在走廊漫游时频繁掉线，影响移动护理系统使用。",
        desc_en="Mobile carts at {site} drop the Wi-Fi while roaming along the corridors.",
        steps=(
            W(
                "onsite",
                "现场使用 Ekahau 勘测，走廊东段信号 -78 dBm，信道 36/40 同频干扰严重。",
                "Site survey with Ekahau: -78 dBm in the east corridor and heavy co-channel "
                "interference on 36/40.",
                (120, 240),
            ),
            W(
                "remote",
                "调整 RRM 与发射功率，启用 802.11r/k/v，增加 2 台 AP 的方案已提交客户。",
                "Tuned RRM and transmit power, enabled 802.11r/k/v; a proposal for two more APs sent.",
                (30, 60),
            ),
        ),
        solution_zh="优化信道与功率并启用快速漫游，补点 2 台 AP 后复测漫游正常。",
        solution_en="Channels and power optimised, fast roaming enabled, two APs added; roaming "
        "retested fine.",
        weight=6,
    ),
    Problem(
        key="wlc-ha",
        skill="wireless",
        priorities=("P2",),
        platforms=(WLC9800,),
        title_zh="WLC 9800 HA SSO 切换后部分 AP 掉线",
        title_en="Some APs drop after WLC 9800 HA SSO switchover",
        desc_zh="控制器主备切换后约 40 台 AP 未能重新上线，需手动重启。",
        desc_en="After an SSO switchover about 40 APs did not come back until rebooted by hand.",
        steps=(
            W(
                "remote",
                "收集 show wireless stats ap join summary 与 RA trace，AP 状态卡在 Image Download。",
                "Collected show wireless stats ap join summary and RA traces: APs stuck in image "
                "download.",
                (30, 60),
            ),
        ),
        solution_zh="TAC 确认为 {bug}，升级到 {fixver} 后切换测试 AP 全部正常。",
        solution_en="TAC confirmed {bug}; after upgrading to {fixver} all APs survive switchover "
        "tests.",
        vendor="always",
        weight=4,
    ),
    # --- voice ----------------------------------------------------------------------------
    Problem(
        key="phone-registration",
        skill="voice",
        priorities=("P2", "P3"),
        platforms=(CUCM,),
        title_zh="IP 电话批量注册失败",
        title_en="IP phones fail to register",
        desc_zh="{site}约 80 部 IP 电话显示 “正在注册”，无法拨打内外线。",
        desc_en="About 80 IP phones at {site} show 'Registering' and cannot call.",
        steps=(
            W(
                "remote",
                "RTMT 显示 CallManager 服务正常；电话 TFTP 下载配置文件超时。",
                "RTMT shows the CallManager service up; phones time out fetching their TFTP config.",
                (20, 40),
            ),
            W(
                "remote",
                "检查 DHCP option 150 指向旧 TFTP 地址，修改后电话陆续注册。",
                "DHCP option 150 pointed at the old TFTP server; corrected, phones register.",
                (15, 30),
            ),
        ),
        solution_zh="DHCP option 150 配置错误（仍指向旧 TFTP）。已修正，全部电话注册成功。",
        solution_en="DHCP option 150 still pointed at the old TFTP server; fixed, all phones "
        "registered.",
        weight=7,
    ),
    Problem(
        key="e1-trunk",
        skill="voice",
        priorities=("P2", "P3"),
        platforms=(ISR2911,),
        title_zh="语音网关 E1 中继无法呼出",
        title_en="Voice gateway E1 trunk cannot place outbound calls",
        desc_zh="总机外线全部无法呼出，呼入正常。",
        desc_en="No outbound PSTN calls go through; inbound calls work.",
        steps=(
            W(
                "remote",
                "show isdn status Layer 2 MULTIPLE_FRAME_ESTABLISHED；debug isdn q931 显示 Cause 0x81 0xA2（无可用电路）。",
                "show isdn status: layer 2 established; debug isdn q931 shows cause 0x81A2 (no "
                "circuit available).",
                (20, 40),
            ),
            W(
                "phone",
                "与运营商核对，运营商侧误将中继设为只入，已要求恢复。",
                "With the carrier: they had set the trunk inbound-only by mistake; asked them to "
                "restore it.",
                (15, 30),
            ),
        ),
        solution_zh="运营商侧中继数据配置错误（只入）。运营商修正后呼出恢复。",
        solution_en="Carrier-side trunk set inbound-only; corrected by the carrier, outbound calls "
        "work.",
        weight=5,
    ),
    Problem(
        key="one-way-audio",
        skill="voice",
        priorities=("P3",),
        platforms=(CUCM, ISR2911),
        title_zh="IP 电话通话单通",
        title_en="One-way audio on IP phone calls",
        desc_zh="分支与总部之间通话经常只能听到一方声音。",
        desc_en="Calls between the branch and head office often have audio in one direction only.",
        steps=(
            W(
                "remote",
                "抓包发现 RTP 单向；分支防火墙未放行 UDP 16384-32767 返回流量。",
                "Capture shows RTP one way only; the branch firewall drops return UDP 16384-32767.",
                (30, 60),
            ),
        ),
        solution_zh="防火墙 RTP 端口策略缺失导致单通，已放行并关闭 SIP ALG，通话正常。",
        solution_en="Missing RTP rule on the firewall caused one-way audio; rule added and SIP ALG "
        "disabled; calls are fine.",
        weight=5,
    ),
    # --- data centre ----------------------------------------------------------------------
    Problem(
        key="ucs-disk",
        skill="datacenter",
        priorities=("P3",),
        platforms=(UCSC240,),
        title_zh="UCS C240 M5 硬盘预告警（Predictive Failure）",
        title_en="UCS C240 M5 disk predictive failure",
        desc_zh="CIMC 告警 Slot 4 硬盘 Predictive Failure，RAID 5 目前正常。",
        desc_en="CIMC reports predictive failure on the disk in slot 4; the RAID 5 is still optimal.",
        steps=(
            W(
                "remote",
                "CIMC 查看 Storage 日志，slot 4 媒体错误计数 214，确认需更换。",
                "CIMC storage log: 214 media errors on slot 4; replacement needed.",
                (10, 20),
            ),
        ),
        solution_zh="已 RMA 更换 slot 4 硬盘（{part}），RAID 重建完成。",
        solution_en="Disk in slot 4 replaced by RMA ({part}); RAID rebuild complete.",
        part="UCS-HD1T7KS12G",
        rma=True,
        weight=7,
    ),
    Problem(
        key="fex-offline",
        skill="datacenter",
        priorities=("P2", "P3"),
        platforms=(N2248, N5548),
        title_zh="Nexus 2248 FEX 离线",
        title_en="Nexus 2248 FEX offline",
        desc_zh="机柜 B12 的 FEX 113 离线，下联服务器单链路运行。",
        desc_en="FEX 113 in rack B12 is offline; the servers behind it run on one link.",
        steps=(
            W(
                "remote",
                "show fex 113 detail 显示 Discovered 后反复 Offline，Fabric 口 SFP 告警。",
                "show fex 113 detail: cycles between Discovered and Offline; fabric port SFP alarm.",
                (20, 40),
            ),
            W(
                "onsite",
                "现场更换 FET 模块后 FEX 仍不稳定，判断 FEX 本体故障。",
                "On site: replaced the FET optics, FEX still unstable: the FEX itself is faulty.",
                (60, 120),
            ),
        ),
        solution_zh="FEX 硬件故障，已 RMA 更换（{part}），上线后预配置自动下发。",
        solution_en="FEX hardware fault; replaced by RMA ({part}); pre-provisioned config applied.",
        part="N2K-C2248TP-E",
        rma=True,
        weight=5,
    ),
    Problem(
        key="fi-uplink",
        skill="datacenter",
        priorities=("P1", "P2"),
        platforms=(UCSFI,),
        title_zh="UCS Fabric Interconnect 上行端口 down，刀片失去 A 平面",
        title_en="UCS Fabric Interconnect uplinks down, blades lose fabric A",
        desc_zh="FI-A 全部上行端口 down，虚拟化集群部分主机告警网络冗余丢失。",
        desc_en="All FI-A uplinks are down; several hypervisor hosts report lost network "
        "redundancy.",
        steps=(
            W(
                "remote",
                "UCSM 故障列表 F0283 及 port-channel 1 down；上游 Nexus 侧 LACP suspended。",
                "UCSM faults F0283, port-channel 1 down; LACP suspended on the upstream Nexus.",
                (30, 60),
            ),
        ),
        solution_zh="TAC 确认 FI 固件缺陷 {bug}，升级 UCSM 基础设施包到 {fixver}，上行恢复。",
        solution_en="TAC confirmed FI firmware defect {bug}; infrastructure bundle upgraded to "
        "{fixver}; uplinks restored.",
        vendor="always",
        weight=4,
    ),
    Problem(
        key="nxos-upgrade",
        skill="datacenter",
        priorities=("P4",),
        platforms=(N9K, N7010),
        title_zh="Nexus NX-OS 升级方案评审",
        title_en="Review of the Nexus NX-OS upgrade plan",
        desc_zh="客户计划季度维护窗口升级数据中心 Nexus，请评审 ISSU 方案。",
        desc_en="The customer plans to upgrade the data-centre Nexus in the quarterly window; "
        "please review the ISSU plan.",
        steps=(
            W(
                "note",
                "show install all impact 评估为 disruptive，建议分批升级 vPC 两台。",
                "show install all impact says disruptive; recommended upgrading the vPC pair one "
                "at a time.",
                (30, 60),
            ),
        ),
        solution_zh="升级方案已评审并反馈客户，附操作步骤与回退方案。",
        solution_en="Plan reviewed and returned with step-by-step procedure and rollback.",
        weight=5,
    ),
    # --- information and licences ---------------------------------------------------------
    Problem(
        key="smart-license",
        skill="security",
        priorities=("P4",),
        platforms=(FPR2110, C9300, WLC9800),
        title_zh="Smart License 授权同步失败",
        title_en="Smart Licensing sync failure",
        desc_zh="{platform} 提示 'Smart Licensing: Out of Compliance'，90 天内需解决。",
        desc_en="{platform} reports 'Smart Licensing: Out of Compliance'; to be fixed within 90 "
        "days.",
        steps=(
            W(
                "remote",
                "设备无法访问 tools.cisco.com，改用 SSM On-Prem 离线注册方式。",
                "The device cannot reach tools.cisco.com; switched to SSM On-Prem offline "
                "registration.",
                (20, 40),
            ),
        ),
        solution_zh="已通过 SSM On-Prem 完成注册，授权状态 Authorized。",
        solution_en="Registered through SSM On-Prem; status Authorized.",
        weight=5,
    ),
)

# Cisco bug IDs and fixed releases used when a problem needs one.
BUGS = ("CSCvx53125", "CSCwb74821", "CSCvz33702", "CSCwd12094", "CSCwe44510", "CSCvt86411")
FIXED = {
    "ISR 4451-X": "IOS-XE 17.9.4a",
    "ASR 1002-X": "IOS-XE 17.9.4a",
    "Cisco 7609-S": "IOS 15.5(3)S10",
    "C9800-40-K9": "IOS-XE 17.9.5",
    "UCS 6332 Fabric Interconnect": "UCSM 4.2(3h)",
    "Catalyst 9300-48P": "IOS-XE 17.9.5",
    "Catalyst 6509-E": "IOS 15.1(2)SY16",
}
DEFAULT_FIXED = "the recommended release"

# Phrases the desk writes on every kind of CASE: (zh, en) pairs or lists of them.
T: dict[str, Any] = {
    # A manager serving an urgent CASE whose box is no longer covered (its contract expired).
    "goodwill": (
        "合同 {contract} 已到期，续约正在商谈；故障影响业务，批准按原服务级别善意受理。",
        "Contract {contract} has expired and its renewal is being negotiated; the outage hurts "
        "the business: approved as goodwill at the former service level.",
    ),
    "assign_note": [
        ("按技能（{skill}）与当前负载指派。", "Assigned by skill ({skill}) and current load."),
        ("该客户原项目实施工程师，优先指派。", "Engineer of the customer's original project."),
        ("客户指定工程师。", "Engineer requested by the customer."),
    ],
    "notify": (
        "已电话通知{eng}工程师（{eng_phone}），工程师确认接单。",
        "Phoned {eng} ({eng_phone}); the engineer confirmed.",
    ),
    "callback": [
        (
            "已回访客户{caller}，确认故障现象与影响范围，约定远程排查。",
            "Called {caller} back: confirmed the symptoms and impact, agreed on remote diagnosis.",
        ),
        (
            "回电{caller}：故障仍存在，已获取设备远程登录权限。",
            "Called {caller} back: the fault persists; remote access granted.",
        ),
        (
            "与{caller}电话沟通，请客户收集 show tech 与日志，初步判断为{skill}问题。",
            "Spoke with {caller}, asked for show tech and logs; looks like a {skill} problem.",
        ),
    ],
    "customer_note": [
        (
            "补充：故障时段为 {hhmm} 前后，show tech 已上传。",
            "Added: the fault began around {hhmm}; show tech uploaded.",
        ),
        ("请尽快处理，影响{site}业务。", "Please hurry, {site} is affected."),
        ("设备序列号 {sn}，在保修期内。", "Serial number {sn}, under warranty."),
    ],
    "followup": [
        (
            "跟进：与客户{caller}确认观察情况，暂未复现。",
            "Follow-up with {caller}: not reproduced so far.",
        ),
        (
            "继续分析客户提供的日志，计划下个维护窗口验证。",
            "Still analysing the logs; will verify in the next window.",
        ),
        (
            "电话跟进{caller}，客户反馈业务基本正常，继续观察。",
            "Phoned {caller}: service mostly normal, still watching.",
        ),
    ],
    "pend": {
        "customer": ("等待客户安排维护窗口。", "Waiting for the customer's maintenance window."),
        "vendor": ("等待 Cisco TAC 分析（{vref}）。", "Waiting for Cisco TAC ({vref})."),
        "parts": ("等待备件到货（RMA {rma}）。", "Waiting for the spare part (RMA {rma})."),
    },
    "pend_chase": {
        "customer": [
            (
                "再次联系{caller}，客户仍在协调维护窗口。",
                "Chased {caller}: still arranging a window.",
            ),
            (
                "{caller}回复：本周业务高峰，维护窗口推迟到下周。",
                "{caller}: busy week, the window moves to next week.",
            ),
            ("邮件提醒{caller}确认变更时间。", "E-mailed {caller} to confirm the change window."),
        ],
        "vendor": [
            (
                "催促 TAC（{vref}），TAC 工程师正在复现问题。",
                "Chased TAC ({vref}); they are reproducing it.",
            ),
            (
                "TAC 要求补充 debug 输出，已协调客户收集并上传。",
                "TAC asked for more debug output; collected with the customer and uploaded.",
            ),
            (
                "TAC 已将问题提交 BU 分析，等待结论。",
                "TAC passed it to the business unit; waiting for their analysis.",
            ),
        ],
        "parts": [
            (
                "询问备件物流，预计 2 个工作日内到货。",
                "Checked the part's shipping: two working days.",
            ),
            (
                "北京备件库无现货，已从上海中心库调拨。",
                "No stock in Beijing; the part comes from the Shanghai depot.",
            ),
            (
                "RMA {rma} 备件已发出，物流单号已告知客户。",
                "RMA {rma} part shipped; tracking number sent to the customer.",
            ),
        ],
    },
    "resume": {
        "customer": ("客户已确定维护窗口，继续处理。", "The customer set a window; work resumes."),
        "vendor": ("TAC 已回复分析结论，继续处理。", "TAC answered; work resumes."),
        "parts": ("备件已到货，安排现场更换。", "The part arrived; on-site swap scheduled."),
    },
    "esc_senior": [
        (
            "一线排查超出处理能力，申请升级到高级工程师。",
            "Beyond first-line diagnosis; escalating to a senior engineer.",
        ),
        (
            "已超过处理时限，按流程升级至高级工程师。",
            "Time limit passed; escalating to a senior engineer per procedure.",
        ),
    ],
    "esc_assign": (
        "升级处理：改派高级工程师{eng}。",
        "Escalation: reassigned to senior engineer {eng}.",
    ),
    "esc_vendor": (
        "疑似软件缺陷，升级至 Cisco TAC（{vref}）。",
        "Suspected software defect; escalated to Cisco TAC ({vref}).",
    ),
    "vendor_log": (
        "已在 Cisco SCM 开 TAC case {vref}（Severity {sev}），上传 show tech 与日志。",
        "Opened TAC case {vref} (severity {sev}) in Cisco SCM; show tech and logs uploaded.",
    ),
    "vendor_back": (
        "TAC 回复：命中已知缺陷 {bug}，建议升级到 {fixver}，临时规避方案已实施。",
        "TAC: known defect {bug}, fixed in {fixver}; the workaround is applied.",
    ),
    "rma_log": (
        "诊断确认硬件故障，已提交 RMA 申请（RMA 号 {rma}），备件 {part}。",
        "Hardware fault confirmed; RMA {rma} raised for {part}.",
    ),
    "rma_swap": (
        "携备件到{site}现场更换 {part}，加电自检通过，配置恢复，业务验证正常。",
        "On site at {site}: replaced {part}, POST passed, configuration restored, services verified.",
    ),
    "confirm_desk": [
        (
            "客户{caller}电话确认业务已恢复，同意关闭。",
            "{caller} confirmed by phone that service is restored; agreed to close.",
        ),
        (
            "客户{caller}邮件回复确认问题解决。",
            "{caller} confirmed by e-mail that the problem is solved.",
        ),
    ],
    "confirm_customer": (
        "已确认，问题解决，谢谢！",
        "Confirmed, the problem is solved. Thank you!",
    ),
    "remind_confirm": (
        "已邮件提醒客户{caller}确认解决方案。",
        "E-mailed {caller} a reminder to confirm the solution.",
    ),
    "reopen_customer": ("问题再次出现，请继续处理。", "The problem is back, please continue."),
    "reopen_desk": [
        ("客户来电反馈故障复现，重新打开。", "The customer called: the fault is back; reopened."),
        (
            "客户投诉问题未彻底解决，重新打开并跟进。",
            "Customer complaint: not really fixed; reopened.",
        ),
    ],
    "reassign": [
        ("本人本周在外地项目现场，申请改派。", "I am on another site all week; please reassign."),
        (
            "该问题主要涉及{skill}，申请改派给更合适的工程师。",
            "This is mainly {skill}; please give it to a better-suited engineer.",
        ),
    ],
    "reassigned": ("按工程师申请改派给{eng}。", "Reassigned to {eng} as the engineer asked."),
    "prio_up": (
        "客户反馈影响范围扩大（多个站点），提升优先级。",
        "Impact grew (several sites) per the customer; priority raised.",
    ),
    "prio_down": (
        "已有临时规避方案，业务基本恢复，降低优先级。",
        "A workaround restored most service; priority lowered.",
    ),
    "helper_log": (
        "协助排查：核对相关配置与日志，提供同类案例经验。",
        "Helped: reviewed the configuration and logs, shared a similar case.",
    ),
    "internal": [
        (
            "内部备注：该客户合同 {contract} 下季度到期，注意续保。",
            "Internal: contract {contract} ends next quarter; mind the renewal.",
        ),
        (
            "内部备注：客户对响应速度较敏感，请及时回访。",
            "Internal: this customer is sensitive to response times; call back promptly.",
        ),
    ],
}
