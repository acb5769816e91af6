"""Criterion: other (其他事项). Rules are registered with `review.engine.rule`.

- one act fined once (行政处罚法 第二十九条);
- facts that point to a crime are referred (第二十七条; 《行政执法机关移送涉嫌犯罪案件的规定》第三条);
- fines paid to a bank or electronic system, not to the agency or its officers (罚缴分离: 第六十七条,
  exceptions 第六十八条、第六十九条; 《罚款决定与罚款收缴分离实施办法》第三条、第七条);
- minors (第三十条; 治安管理处罚法（2012年修正）第十二条、第二十一条: 行政拘留 not executed);
- personal identity numbers kept out of a decision that will be made public (第四十八条、第五十条;
  《中华人民共和国政府信息公开条例》第十五条; 《市场监督管理行政处罚信息公示规定》第六条).
"""

from __future__ import annotations

import datetime as dt
import re

from review.criteria.penalties import (
    fine_items,
    penalty_provisions,
    provisions_for_item,
    yuan,
)
from review.engine import ReviewContext, RuleOutcome, rule
from review.models import Citation, Criterion, Finding, PartyKind, Severity

PENALTY_LAW = "中华人民共和国行政处罚法"
SEPARATION_RULES = "罚款决定与罚款收缴分离实施办法"
REFERRAL_RULES = "行政执法机关移送涉嫌犯罪案件的规定"
DISCLOSURE_LAW = "中华人民共和国政府信息公开条例"
MARKET_DISCLOSURE_RULES = "市场监督管理行政处罚信息公示规定"


# ============================================================================ one act, one fine

_SEVERAL_ACTS_RE = re.compile(
    r"数个违法行为|多个违法行为|[两二三四]个违法行为|[两二三四]项违法行为|分别裁量|合并执行|合并处罚|数种违法行为"
)


@rule(
    "other.double_fine", Criterion.OTHER, "同一违法行为不得两次罚款", "《中华人民共和国行政处罚法》第二十九条"
)
def double_fine(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    draft = ctx.case.draft
    items = [i for i in fine_items(draft.penalty_text, draft.fine) if not i.responsible]
    if len(items) < 2:
        if items:
            out.checked.append("决定只对当事人处一项罚款。")
        return out
    provisions = penalty_provisions(ctx)
    laws: list[set[str]] = []
    for item in items:
        own = provisions_for_item(ctx, item, provisions) if item.refs else []
        laws.append({p.resolution.law_title or p.cited.law_name or "" for p in own})
    amounts = "、".join(yuan(i.amount) for i in items)
    quote = "；".join(i.text for i in items)[:200]
    distinct_laws = all(laws) and len(set().union(*laws)) > 1 and not set.intersection(*laws)
    several_acts = bool(_SEVERAL_ACTS_RE.search(draft.text))
    cite = (ctx.cite(PENALTY_LAW, 29),)
    if not several_acts:
        # Two fines on one party in one decision that finds no several acts: one act fined twice.
        names = ("依据" + "与".join(f"《{n}》" for n in sorted(set().union(*laws)))) if distinct_laws else ""
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.SEVERE,
                code="other.double_fine",
                title="对同一违法行为给予两次罚款",
                detail=(
                    f"决定书{names}对当事人分别处罚款{amounts}，未认定数个违法行为。"
                    "同一个违法行为违反多个法律规范应当给予罚款处罚的，只能按照罚款数额高的规定处罚一次，"
                    "不得给予两次以上罚款。"
                ),
                quote=quote,
                citations=cite,
                suggestion="择一按罚款数额高的规定处罚，删去另一项罚款；确属数个违法行为的，应分别认定事实并写明。",
            )
        )
        return out
    out.findings.append(
        Finding(
            criterion=Criterion.OTHER,
            severity=Severity.HINT,
            code="other.double_fine.verify",
            title="需核实多项罚款是否针对不同违法行为",
            verify=True,
            detail=f"决定书对当事人处多项罚款（{amounts}），需核实各项罚款针对的是不同的违法行为，而非同一行为重复罚款。",
            quote=quote,
            citations=cite,
            suggestion="数个违法行为应分别写明事实、依据和罚款；同一行为只能罚款一次。",
        )
    )
    return out


# ============================================================================ referral of suspected crimes

_EXPLICIT_CRIME_RE = re.compile(r"涉嫌[^。，；]{0,15}罪|构成犯罪|涉嫌犯罪|追究刑事责任")
_CRIME_NEGATION_RE = re.compile(r"(?:尚不|不|未|没有|不足以)$")
# Facts that by themselves meet a criminal threshold: an injury of 轻伤 or worse (故意伤害罪), violence against
# officers on duty (妨害公务罪). 轻微伤 is not 轻伤.
_CRIME_FACTS_RE = re.compile(
    r"(?<!微)轻伤(?:一级|二级)?|重伤(?:一级|二级)?|致(?:一人|多人|人|其)?死亡|以?暴力(?:、威胁)?(?:的)?方法阻碍"
)
_CRIME_INDICATORS_RE = re.compile(
    r"伪造|变造|有毒有害|非食品原料|非食用物质|假药|劣药|致人(?:死亡|重伤)|走私|假冒注册商标|传销|回收食品"
)
_REFERRAL_RE = re.compile(r"移送|公安机关|司法机关|检察")


def _unquoted(text: str) -> str:
    return re.sub(r"“[^”]*”|\"[^\"]*\"", "", text)


@rule(
    "other.crime_referral",
    Criterion.OTHER,
    "涉嫌犯罪的案件依法移送",
    "《中华人民共和国行政处罚法》第二十七条第一款；《行政执法机关移送涉嫌犯罪案件的规定》第三条",
)
def crime_referral(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    case = ctx.case
    rec = case.record
    text = _unquoted(
        "。".join(
            x for x in (case.draft.facts or case.draft.text, rec.harm or "", *(rec.evidence or ())) if x
        )
    )
    whole = case.draft.text + "。".join(rec.evidence or ())
    referred = bool(_REFERRAL_RE.search(whole))
    cites = (ctx.cite(PENALTY_LAW, 27, 1), ctx.cite(REFERRAL_RULES, 3, 1))
    explicit = [
        m
        for m in _EXPLICIT_CRIME_RE.finditer(text)
        if not _CRIME_NEGATION_RE.search(text[max(0, m.start() - 3) : m.start()])
        and text[m.end() : m.end() + 1] != "的"  # 构成犯罪的，依法追究刑事责任: a quoted rule, not a finding
    ]
    explicit += [
        m
        for m in _CRIME_FACTS_RE.finditer(text)
        if not _CRIME_NEGATION_RE.search(text[max(0, m.start() - 6) : m.start()].rstrip("达到构成"))
    ]
    if explicit and not referred:
        m = explicit[0]
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.SEVERE,
                code="other.crime_referral",
                title="涉嫌犯罪未移送，以行政处罚代替移送",
                detail=f"案卷或决定书载明“{m.group(0)}”，违法行为涉嫌犯罪，但未见向公安机关或者司法机关移送的记载，"
                "决定仅作行政处罚。涉嫌犯罪的案件应当及时移送司法机关，行政执法机关不得以行政处罚代替移送。",
                quote=text[max(0, m.start() - 20) : m.end() + 10],
                citations=(*cites, ctx.cite(REFERRAL_RULES, 11, 1)),
                suggestion="依法将涉嫌犯罪的案件移送公安机关；经审查确不构成犯罪的，应在案卷中写明依据。",
            )
        )
        return out
    hits = list(dict.fromkeys(m.group(0) for m in _CRIME_INDICATORS_RE.finditer(text)))
    if hits and not referred:
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.HINT,
                code="other.crime_referral.verify",
                title="需核实是否涉嫌犯罪、应否移送",
                verify=True,
                detail=f"认定的事实涉及“{'、'.join(hits)}”，可能涉嫌犯罪；案卷未显示是否已评估移送。",
                citations=cites,
                suggestion="对照刑事追诉标准核实涉案金额、数量和后果；涉嫌犯罪的，应依法移送公安机关。",
            )
        )
        return out
    if not referred and not (ctx.case.draft.facts or "").strip():
        # Without the facts there is nothing to judge a referral on: that is unknown, not "no crime".
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.HINT,
                code="other.crime_referral.no_facts",
                title="需核实是否涉嫌犯罪、应否移送",
                verify=True,
                detail="未能识别决定书认定的违法事实，无法判断是否涉嫌犯罪、是否应当移送。",
                citations=cites,
                suggestion="核对违法事实部分；涉嫌犯罪的，应依法移送司法机关。",
            )
        )
        return out
    out.checked.append("案卷未显示涉嫌犯罪需移送的情形。" if not referred else "案卷已有移送司法机关的记载。")
    return out


# ============================================================================ 罚缴分离

_OWN_ACCOUNT_RE = re.compile(
    r"(?:本|我)(?:局|机关|委|队|所|站|中心|单位|办|院|厅|府|支队|大队)(?:的)?(?:指定)?"
    r"(?:账户|帐户|账号|帐号|财务室|财务科|财务部门|收费窗口)"
)
_ACCOUNT_NAME_RE = re.compile(r"户名[：:]\s*(?P<name>[^；;，,）)\s]+)")
_TREASURY_RE = re.compile(r"财政|国库|金库|非税")
_AGENCY_END_RE = re.compile(r"(?:局|委员会|办事处|执法队|大队|支队|中队|分局|所|站)$")
_CASH_RE = re.compile(
    r"(?:交|缴)(?:纳)?(?:给|至|予)?(?:执法人员|办案人员|经办人|承办人)|现金(?:缴纳|交纳|方式)|以现金|收取现金"
    r"|(?:由|交由)(?:执法人员|办案人员|经办人|承办人|工作人员)[^。；，]{0,6}(?:收取|收缴|代收|代缴|代为缴纳)"
    # handed to a unit of the agency itself (交至本街道综合行政执法队)
    r"|(?:交至|缴至|交到|缴到|送至)本[\u4e00-\u9fff]{0,14}?(?:执法队|大队|中队|支队|所|站|科|室)(?![\u4e00-\u9fff]{0,4}银行)"
)
_CHANNEL_RE = re.compile(r"银行|代收|电子|非税|缴款系统|网点|支付|信用社|缴款渠道|收缴一体化")
_ON_THE_SPOT_RE = re.compile(r"当场收缴")
_REMOTE_RE = re.compile(r"边远|水上|交通不便|难以执行")


def _clause_at(text: str, start: int, end: int) -> str:
    """The clause (between ，；。) around a match, to quote what the draft says."""
    left = max(text.rfind(c, 0, start) for c in "，；。\n") + 1
    rights = [i for i in (text.find(c, end) for c in "，；。\n") if i >= 0]
    return text[left : min(rights) if rights else len(text)].strip()


def _separation_cites(ctx: ReviewContext) -> tuple[Citation, ...]:
    return (
        ctx.cite(PENALTY_LAW, 67, 2),
        ctx.cite(PENALTY_LAW, 67, 3),
        ctx.cite(SEPARATION_RULES, 3),
        ctx.cite(SEPARATION_RULES, 7, 1),
    )


@rule(
    "other.fine_collection",
    Criterion.OTHER,
    "罚款决定与罚款收缴分离",
    "《中华人民共和国行政处罚法》第六十七条、第六十八条、第六十九条；《罚款决定与罚款收缴分离实施办法》第三条、第七条",
)
def fine_collection(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    case = ctx.case
    draft = case.draft
    items = [i for i in fine_items(draft.penalty_text, draft.fine) if not i.responsible]
    pay = draft.payment_text
    if not items and not (pay and "罚" in pay):
        return out
    text = pay or draft.text
    agencies = [a for a in (case.agency, draft.agency, draft.signature_agency) if a]
    own = _OWN_ACCOUNT_RE.search(text)
    name_m = _ACCOUNT_NAME_RE.search(text)
    if own is None and name_m is not None:
        name = name_m.group("name")
        if not _TREASURY_RE.search(name) and (
            any(a in name or name in a for a in agencies) or _AGENCY_END_RE.search(name)
        ):
            own = name_m
    if own is not None:
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.GENERAL,
                code="other.fine_collection.own_account",
                title="罚款缴入本机关账户，违反罚缴分离",
                detail=(
                    f"决定书要求当事人将罚（没）款缴至“{own.group(0)}”。除依法当场收缴的以外，作出罚款决定的"
                    "行政机关不得自行收缴罚款，当事人应到指定的银行或者通过电子支付系统缴纳，由银行直接上缴国库。"
                ),
                quote=text[max(0, own.start() - 20) : own.end() + 40],
                citations=_separation_cites(ctx),
                suggestion="改为到指定代收银行（写明名称、地址）或者通过非税收入电子缴款系统缴纳。",
            )
        )
        return out
    total = sum(i.amount for i in items)
    simple = (case.procedure == "简易程序") or "当场" in draft.text[:80]
    # “除依法当场收缴的以外” restates the rule; it does not collect anything
    spot = next(
        (x for x in _ON_THE_SPOT_RE.finditer(text) if "除" not in text[max(0, x.start() - 6) : x.start()]),
        None,
    )
    cash = _CASH_RE.search(text)
    if spot or cash:
        m = spot or cash
        assert m is not None
        if simple and total <= 100:
            out.checked.append(
                f"简易程序当场收缴{yuan(total)}罚款，属依法给予一百元以下罚款可以当场收缴的情形。"
            )
            return out
        if simple and _REMOTE_RE.search(draft.text):
            out.findings.append(
                Finding(
                    criterion=Criterion.OTHER,
                    severity=Severity.HINT,
                    code="other.fine_collection.on_the_spot",
                    title="需核实当场收缴罚款的法定情形",
                    verify=True,
                    detail=f"决定当场收缴罚款{yuan(total)}，需核实属于不当场收缴事后难以执行或者边远、水上、交通不便地区的情形。",
                    quote=text[max(0, m.start() - 20) : m.end() + 20],
                    citations=(ctx.cite(PENALTY_LAW, 68), ctx.cite(PENALTY_LAW, 69)),
                    suggestion="在案卷中记载当场收缴的理由，并出具省级财政部门统一制发的专用票据。",
                )
            )
            return out
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.GENERAL,
                code="other.fine_collection.cash",
                title="由执法人员收取罚款，违反罚缴分离",
                detail=(
                    f"决定书载有“{_clause_at(text, m.start(), m.end())}”，罚款{yuan(total)}"
                    + ("适用普通程序" if not simple else "超过一百元")
                    + "，不属于可以当场收缴罚款的情形。"
                ),
                quote=text[max(0, m.start() - 20) : m.end() + 20],
                citations=(*_separation_cites(ctx), ctx.cite(PENALTY_LAW, 68)),
                suggestion="改为当事人到指定代收银行或者通过电子支付系统缴纳。",
            )
        )
        return out
    if pay and not _CHANNEL_RE.search(pay):
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.HINT,
                code="other.fine_collection.channel",
                title="未写明代收罚款的银行或电子缴款渠道",
                detail="决定书的履行方式未写明代收机构的名称、地址或电子缴款渠道。",
                quote=pay[:120],
                citations=(ctx.cite(SEPARATION_RULES, 7, 1), ctx.cite(PENALTY_LAW, 67, 3)),
                suggestion="写明代收银行名称、地址或非税收入电子缴款渠道。",
            )
        )
        return out
    if pay:
        out.checked.append("罚款由当事人到代收银行或通过电子缴款渠道缴纳，符合罚缴分离。")
    return out


# ============================================================================ minors

_BIRTH_RES = (
    re.compile(
        r"出生(?:日期|年月)[：:]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"
    ),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?\s*(?:出生|生)"),
    re.compile(
        r"(?<![0-9A-Za-z])\d{6}(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
    ),
)
_MINOR_MENTION_RE = re.compile(r"未成年|不满十八周岁|未满十八周岁|已满十四周岁")


def _age_range(birth_y: int, birth_m: int, birth_d: int | None, on: dt.date) -> tuple[int, int]:
    """Youngest and oldest possible age on `on` (month known, day perhaps not)."""

    def age(d: int) -> int:
        return on.year - birth_y - ((on.month, on.day) < (birth_m, d))

    if birth_d is not None:
        a = age(birth_d)
        return a, a
    return age(31), age(1)


def _party_header(ctx: ReviewContext) -> str:
    text = ctx.case.draft.text
    cut = min(
        (i for i in (text.find("经查"), text.find("查明"), text.find("本机关认为")) if i > 0), default=600
    )
    return text[: min(cut, 800)]


def _age(ctx: ReviewContext) -> tuple[int, int, str] | None:
    """(youngest, oldest, source) of the party's age at the time of the act."""
    party = ctx.case.record.party
    if party is not None and party.age is not None:
        return party.age, party.age, "案卷记载"
    if party is not None and party.kind not in (None, PartyKind.NATURAL_PERSON):
        return None
    draft = ctx.case.draft
    if party is None and draft.party_id_kind == "uscc":
        return None
    on = ctx.act_date or ctx.decision_date
    if on is None:
        return None
    header = _party_header(ctx)
    for pattern in _BIRTH_RES:
        m = pattern.search(header)
        if m:
            try:
                y, mo = int(m.group("y")), int(m.group("m"))
                d = int(m.group("d")) if m.group("d") else None
                lo, hi = _age_range(y, mo, d, on)
            except ValueError:
                continue
            return lo, hi, f"决定书记载出生“{m.group(0)}”"
    return None


@rule(
    "other.minor",
    Criterion.OTHER,
    "未成年人不予处罚或者依法从轻、减轻",
    "《中华人民共和国行政处罚法》第三十条",
)
def minor(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    draft = ctx.case.draft
    age = _age(ctx)
    if age is None:
        return out
    lo, hi, source = age
    penalised = bool(draft.penalty_kinds) or draft.fine is not None
    cite = (ctx.cite(PENALTY_LAW, 30),)
    if hi < 14 and penalised:
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.SEVERE,
                code="other.minor.under_14",
                title="对不满十四周岁的未成年人予以处罚",
                detail=(
                    f"{source}，当事人行为时{'约' if lo != hi else ''}{hi}周岁，"
                    "不满十四周岁，依法不予行政处罚。"
                ),
                citations=cite,
                suggestion="不予行政处罚，责令监护人加以管教。",
            )
        )
    elif lo >= 14 and hi < 18:
        _detention_for_minor(ctx, out, lo, hi, source)
        if _MINOR_MENTION_RE.search(draft.text):
            out.checked.append(f"当事人行为时{hi}周岁，决定书已说明未成年人从轻或者减轻处罚。")
        else:
            from review.criteria.discretion import applicable_midpoint

            # A fine at or above the middle of its range has not been lightened at all: the mandatory
            # mitigation was ignored (明显不当). Below it, the decision only fails to say why.
            mid = applicable_midpoint(ctx)
            high = mid is not None and mid[0] >= mid[1]
            out.findings.append(
                Finding(
                    criterion=Criterion.OTHER,
                    severity=Severity.SEVERE if high else Severity.GENERAL,
                    code="other.minor.not_mitigated",
                    title="未成年人未依法从轻或者减轻处罚",
                    detail=f"{source}，当事人行为时{hi}周岁，已满十四周岁不满十八周岁，应当从轻或者减轻行政处罚，决定书未予说明"
                    + (
                        f"；罚款{yuan(mid[0])}不低于{mid[2]}幅度的中间值{yuan(mid[1])}，未体现从轻或者减轻，"
                        "属明显不当。"
                        if mid is not None and high
                        else "。"
                    ),
                    citations=cite,
                    suggestion="依法从轻或者减轻处罚并写明理由；送达时通知其监护人。",
                )
            )
    elif (lo < 14 <= hi or lo < 18 <= hi) and penalised:
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.HINT,
                code="other.minor.verify_age",
                title="需核实当事人行为时的年龄",
                verify=True,
                detail=f"{source}，当事人行为时为{lo}至{hi}周岁，处于十四周岁或十八周岁的界线上。",
                citations=cite,
                suggestion="核对当事人的出生日期，确定是否适用未成年人不予处罚或者从轻、减轻的规定。",
            )
        )
    else:
        out.checked.append(f"当事人行为时已满十八周岁（{source}）。")
    return out


_PUBLIC_ORDER_LAW = "中华人民共和国治安管理处罚法"
# 治安管理处罚法（2012年修正）第二十一条 lists who, though liable to 行政拘留, is not detained; its items
# state the ages (已满十四周岁不满十六周岁 / 已满十六周岁不满十八周岁，初次违反治安管理的). Read from the text.
_AGE_ITEM_RE = re.compile(r"已满(?P<lo>[一二三四五六七八九十]+)周岁不满(?P<hi>[一二三四五六七八九十]+)周岁")
_NOT_EXECUTED_RE = re.compile(r"不(?:予)?执行(?:行政)?拘留|(?:行政)?拘留[^。；\n]{0,12}不(?:予)?执行")
_FIRST_TIME_RE = re.compile(r"初次|首次|无违法犯罪记录|无违法记录|没有违法犯罪记录")


def _public_order_penalty(ctx: ReviewContext) -> bool:
    """The draft punishes under the 治安管理处罚法 in a version the store verifies for the act date."""
    return any(
        cp.role == "penalty" and res.law_title is not None and _PUBLIC_ORDER_LAW in res.law_title and res.ok
        for cp, res in ctx.resolved_citations
    )


def _detention_for_minor(ctx: ReviewContext, out: RuleOutcome, lo: int, hi: int, source: str) -> None:
    """行政拘留 of a minor the 治安管理处罚法 says is not to be detained (第二十一条第（一）项、第（二）项)."""
    draft = ctx.case.draft
    if "行政拘留" not in draft.penalty_kinds or not _public_order_penalty(ctx):
        return
    if _NOT_EXECUTED_RE.search(draft.text):
        out.checked.append(f"当事人行为时{hi}周岁，决定书已写明行政拘留不执行。")
        return
    day = ctx.act_date or ctx.decision_date
    article = ctx.cite(_PUBLIC_ORDER_LAW, 21, on=day)
    if not article.verified or not article.in_force:
        return
    from corpus.numerals import cn_to_int

    party = ctx.case.record.party
    record_text = "。".join([draft.text, *(ctx.case.record.evidence or ()), ctx.case.record.harm or ""])
    first: bool | None = None
    if party is not None and party.prior_violations is not None:
        first = party.prior_violations == 0
    if first is None and _FIRST_TIME_RE.search(record_text):
        first = True
    for no, line in enumerate(re.findall(r"（[一二三四五六七八九十]+）[^\n]*", article.text), start=1):
        m = _AGE_ITEM_RE.search(line)
        if m is None:
            continue
        low, high = cn_to_int(m.group("lo")), cn_to_int(m.group("hi"))
        if not (lo >= low and hi < high):
            continue
        needs_first = "初次" in line
        item = ctx.cite(_PUBLIC_ORDER_LAW, 21, None, no, on=day)
        cites = (item, ctx.cite(_PUBLIC_ORDER_LAW, 12, on=day), ctx.cite(PENALTY_LAW, 30))
        if needs_first and first is None:
            out.findings.append(
                Finding(
                    criterion=Criterion.OTHER,
                    severity=Severity.HINT,
                    code="other.minor.detention_verify",
                    title="需核实未成年人是否初次违反治安管理（行政拘留可否执行）",
                    verify=True,
                    detail=f"{source}，当事人行为时{hi}周岁；已满十六周岁不满十八周岁初次违反治安管理的，"
                    "依法应当给予行政拘留处罚的不执行行政拘留处罚，案卷未显示是否初次违反治安管理。",
                    citations=cites,
                    suggestion="查明当事人此前有无违反治安管理的记录；属初次的，写明行政拘留不执行。",
                )
            )
            return
        if needs_first and not first:
            return
        out.findings.append(
            Finding(
                criterion=Criterion.OTHER,
                severity=Severity.SEVERE,
                code="other.minor.detention_executed",
                title="对依法不执行行政拘留的未成年人决定执行拘留",
                detail=f"{source}，当事人行为时{hi}周岁"
                + ("，系初次违反治安管理" if needs_first else "")
                + f"，属于{item.article}“{re.sub(r'^（[一二三四五六七八九十]+）', '', line).strip('；。 ')}”的情形：依法应当给予行政拘留处罚的，不执行行政拘留处罚；"
                "决定书决定行政拘留，未写明不执行，适用法律错误。",
                quote=draft.penalty_text,
                citations=cites,
                suggestion="写明行政拘留不执行，并依法从轻或者减轻处罚；送达时通知其监护人。",
            )
        )
        return


# ==================================================================== personal data in a published decision

_ID_RE = re.compile(
    r"(?<![0-9A-Za-z*])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z*])"
)
_MASKED_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{3,6}\*{4,12}\d{0,4}[\dXx*]")
_PUBLISH_RE = re.compile(r"公开|公示|信用信息|门户网站|信息平台|信息服务平台")


@rule(
    "other.personal_info",
    Criterion.OTHER,
    "公开的决定书隐去个人身份证号码",
    "《中华人民共和国行政处罚法》第四十八条第一款、第五十条；《中华人民共和国政府信息公开条例》第十五条；"
    "《市场监督管理行政处罚信息公示规定》第六条",
)
def personal_info(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    case = ctx.case
    text = case.draft.text
    ids = [m for m in _ID_RE.finditer(text) if "信用代码" not in text[max(0, m.start() - 20) : m.start()]]
    if not ids:
        if _MASKED_ID_RE.search(text):
            out.checked.append("决定书中的身份证号码已部分隐去。")
        return out
    published = _PUBLISH_RE.search(text)
    publish_sentence = None
    if published:
        publish_sentence = (
            re.split(r"[。\n]", text[: published.start()])[-1]
            + re.split(r"[。\n]", text[published.start() :])[0]
        )
    market = "市场监督管理" in (case.agency or "") + (case.draft.agency or "")
    cites = [ctx.cite(PENALTY_LAW, 48, 1), ctx.cite(PENALTY_LAW, 50), ctx.cite(DISCLOSURE_LAW, 15)]
    if market:
        cites.append(ctx.cite(MARKET_DISCLOSURE_RULES, 6))
    m = ids[0]
    # The decision served on the party identifies it by its full number; only the text to be published must
    # be de-identified. A draft that says it will be published is that text (a defect); otherwise advice.
    out.findings.append(
        Finding(
            criterion=Criterion.OTHER,
            severity=Severity.GENERAL if published else Severity.HINT,
            code="other.personal_info" if published else "other.personal_info.advice",
            title="决定书载有完整身份证号码" + ("（拟公开）" if published else "，公开时应去标识化"),
            detail=(
                "决定书载明完整的公民身份号码"
                + (
                    f"，并写明“{publish_sentence.strip()}”"
                    if publish_sentence
                    else "；行政处罚决定依法公开时"
                )
                + "，公开文本应当对身份证号码等个人信息作去标识化处理（如隐去中间若干位），"
                "送达文本与公开文本可分别制作。"
            ),
            quote=text[max(0, m.start() - 12) : m.end()],
            citations=tuple(cites),
            suggestion="公开文本隐去身份证号码中间若干位（如只保留前六位和后四位），并删除其他不必要的个人信息。",
        )
    )
    return out
