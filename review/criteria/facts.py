"""Criterion: facts (事实与证据). Rules are registered with `review.engine.rule`.

《中华人民共和国行政处罚法》第四十条: the agency must establish the facts; unclear facts or insufficient
evidence bar a penalty. 第五十九条第一款第（二）项: the decision states the facts and the evidence.
第四十六条第二款: evidence must be verified before it grounds a finding. The checks read the 经查 section,
the evidence listed in the draft and in the record, and the record's dates, and look for the defects a
reviewer finds: missing elements of the act, findings written as suspicion, key amounts with no evidence
behind them, facts that contradict each other or the record, dates out of order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from corpus.numerals import cn_to_int, parse_amount
from review.engine import ReviewContext, RuleOutcome, rule
from review.models import Citation, Criterion, Finding, Severity

LPL = "中华人民共和国行政处罚法"


def _finding(
    severity: Severity, code: str, title: str, detail: str, *, quote: str | None = None,
    citations: Iterable[Citation] = (), suggestion: str | None = None, verify: bool = False,
) -> Finding:
    return Finding(
        criterion=Criterion.FACTS, severity=severity, code=code, title=title, detail=detail, quote=quote,
        citations=tuple(citations), suggestion=suggestion, verify=verify,
    )


def _basis(ctx: ReviewContext) -> list[Citation]:
    """第四十条 and 第五十九条第一款第（二）项: facts must be established and stated with their evidence."""
    return [ctx.cite(LPL, 40), ctx.cite(LPL, 59, 1, 2)]


# ---------------------------------------------------------------- dates in text

_NUM = r"[0-9０-９]{1,4}|[〇零一二三四五六七八九十]{1,4}"
_DATE_RE = re.compile(
    rf"(?P<y>[0-9０-９]{{4}}|[〇零一二三四五六七八九]{{4}})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]"
    rf"(?:\s*(?:至|到|—|-|～)\s*(?:(?P<y2>[0-9]{{4}})\s*年\s*)?(?P<m2>{_NUM})\s*月\s*(?P<d2>{_NUM})\s*[日号])?"
)
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九０１２３４５６７８９", "00123456789" + "0123456789")


@dataclass(frozen=True)
class DateSpan:
    day: dt.date
    start: int
    end: int


def _int(text: str) -> int | None:
    try:
        return cn_to_int(text)
    except ValueError:
        return None


def _make_date(y: int, m: str, d: str) -> dt.date | None:
    month, day = _int(m), _int(d)
    if month is None or day is None:
        return None
    try:
        return dt.date(y, month, day)
    except ValueError:
        return None


def dates_in(text: str) -> Iterator[DateSpan]:
    """Every full date in `text`; a range (2025年2月10日至3月20日) yields both ends."""
    for m in _DATE_RE.finditer(text):
        year = int(m.group("y").translate(_YEAR_DIGITS))
        first = _make_date(year, m.group("m"), m.group("d"))
        if first is not None:
            yield DateSpan(first, m.start(), m.start("d") + len(m.group("d")) + 1)
        if m.group("m2"):
            y2 = int(m.group("y2")) if m.group("y2") else year
            second = _make_date(y2, m.group("m2"), m.group("d2"))
            if second is not None:
                yield DateSpan(second, m.start("m2"), m.end())


# ---------------------------------------------------------------- shared readings


def evidence_items(ctx: ReviewContext) -> list[str]:
    """Evidence as listed in the record and in the draft."""
    return [*(ctx.case.record.evidence or ()), *ctx.case.draft.evidence]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;！？\n])", text) if s.strip()]


_FINDING_PARA_RE = re.compile(r"(?:本|我)[\u4e00-\u9fff]{0,4}(?:（单位）)?认为[：:，,]?(?P<body>[^\n]*)")


def finding_paragraph(text: str) -> str | None:
    """The paragraph in which the agency states its finding (本机关认为 …)."""
    m = _FINDING_PARA_RE.search(text)
    return m.group("body") if m else None


def _formal(ctx: ReviewContext) -> bool:
    """A draft that reads as a complete decision (title and a facts section of some length): what it
    leaves out is missing, not merely unread."""
    facts = ctx.case.draft.facts or ""
    return "行政处罚决定书" in ctx.case.draft.text and len(facts) >= 30


# ---------------------------------------------------------------- 1. elements of the act


_TIME_RE = re.compile(
    r"[0-9０-９〇零一二三四五六七八九十]{1,4}\s*(?:年|月|日|时|号)|近日|当日|当天|当晚|期间|以来|至今"
)
_PLACE_RE = re.compile(
    r"[路街巷道号村镇乡区县市楼室院店厂场站馆园]|位于|地点|场所|现场|门前|门口|附近|交叉口|路口|工地|车间|"
    r"小区|大厦|广场|住所|地址|楼道|通道|辖区"
)
_SUBJECT_RE = re.compile(r"当事人|你(?:公司|单位|店|厂|局)?|被处罚|该(?:公司|单位|店|厂|企业|餐厅|超市)|其")


@rule("facts.elements", Criterion.FACTS, "违法事实写明时间、地点、行为和主体",
      "《中华人民共和国行政处罚法》第四十条、第五十九条第一款第（二）项")
def facts_elements(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    draft = ctx.case.draft
    facts = draft.facts
    if not facts or len(facts.strip()) < 8:
        out.findings.append(_finding(
            Severity.HINT, "facts.elements.no_facts", "需核实：决定书的违法事实部分",
            "未能从决定书中识别出认定的违法事实（“经查”部分），无法审核事实是否清楚。",
            citations=_basis(ctx), suggestion="决定书应写明认定的违法事实（时间、地点、行为、情节）。",
            verify=True,
        ))
        return out
    party = draft.party_name or (ctx.case.record.party.name if ctx.case.record.party else None)
    missing = []
    if not _TIME_RE.search(facts):
        missing.append("时间")
    if not _PLACE_RE.search(facts):
        missing.append("地点")
    has_subject = bool(_SUBJECT_RE.search(facts)) or bool(party and party[:2] in facts)
    if missing:
        formal = _formal(ctx)
        out.findings.append(_finding(
            Severity.SEVERE if formal else Severity.HINT, "facts.elements.missing",
            ("事实不清：违法事实未写明" if formal else "需核实：违法事实的") + "、".join(missing),
            f"认定的违法事实中没有违法行为发生的{'、'.join(missing)}，违法事实的要素不完整。",
            quote=facts[:120], citations=_basis(ctx),
            suggestion=f"依据调查证据写明违法行为的{'、'.join(missing)}。", verify=not formal,
        ))
    if not has_subject:
        out.findings.append(_finding(
            Severity.HINT, "facts.elements.subject", "需核实：违法事实中的行为主体",
            "认定的违法事实未明确写出实施违法行为的当事人。", quote=facts[:120], citations=_basis(ctx),
            verify=True,
        ))
    if not missing and has_subject:
        out.checked.append("违法事实写明了时间、地点和实施行为的当事人。")
    return out


# ---------------------------------------------------------------- 2. findings stated as suspicion


_SUSPECT_RE = re.compile(r"涉嫌")
# 涉嫌 legitimately names the case (…涉嫌…一案，立案调查) or a transfer for a crime; not a finding of fact.
_SUSPECT_OK_RE = re.compile(
    r"一案|立案|案由|犯罪|移送|案件来源|举报|投诉|线索|扣押|查封|登记保存|强制措施|抽样|送检"
)


@rule("facts.suspected", Criterion.FACTS, "违法事实作确定认定，不写“涉嫌”",
      "《中华人民共和国行政处罚法》第四十条、第五十九条第一款第（二）项")
def facts_suspected(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    draft = ctx.case.draft
    parts = [("经查部分", draft.facts or ""), ("“本机关认为”部分", finding_paragraph(draft.text) or "")]
    hits = []
    for where, text in parts:
        for sentence in _sentences(text):
            if _SUSPECT_RE.search(sentence) and not _SUSPECT_OK_RE.search(sentence):
                clause = next(c for c in re.split(r"[，,：:]", sentence) if _SUSPECT_RE.search(c))
                hits.append((where, clause.strip(" 。；")))
    if hits:
        where, clause = hits[0]
        out.findings.append(_finding(
            Severity.SEVERE, "facts.suspected", "事实不清：违法事实写作“涉嫌”",
            f"{where}写“{clause[:80]}”。处罚决定是对违法事实的确定认定，“涉嫌”表明事实尚未查实；"
            "事实未查清的，不得给予行政处罚。",
            quote=clause[:120], citations=_basis(ctx),
            suggestion="核实违法事实是否已查证属实：已查实的，删除“涉嫌”作确定表述；未查实的，补充调查后再作决定。",
        ))
    elif draft.facts:
        out.checked.append("违法事实作确定认定，未使用“涉嫌”。")
    return out


# ---------------------------------------------------------------- 3. key facts backed by evidence


@dataclass(frozen=True)
class KeyFact:
    """A fact the penalty amount rests on, and the kinds of evidence that can prove it."""

    name: str
    in_penalty: re.Pattern[str]
    evidence: re.Pattern[str]
    contradicts: re.Pattern[str] | None = None


# 违法所得 (行政处罚法 第二十八条第二款: 实施违法行为所取得的款项) must be proved by records of money taken.
_INCOME = KeyFact(
    "违法所得",
    re.compile(r"没收[^，。；\n]{0,6}违法所得[^，。；\n]{0,6}[0-9０-９零一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]"),
    re.compile(
        r"收款|收入|销售(?:记录|单|台账|清单|凭证|票据|明细|数据)|营业额|流水|账[目本册单]|台账|发票|票据|收据|"
        r"交易(?:记录|明细)|订单|结算|出库|财务|审计|鉴定|评估|计算|核算|所得"
    ),
    re.compile(
        r"(?:尚未|未曾|未|没有|无|不曾)(?:售出|卖出|销售|出售|成交|营业|经营所得|收入|获利|违法所得|收取)"
    ),
)
_COST = KeyFact(
    "建设工程造价",
    re.compile(r"造价"),
    re.compile(r"造价|预算|结算|评估|审计|鉴定|咨询报告"),
)
_GOODS_VALUE = KeyFact(
    "货值金额",
    re.compile(r"货值"),
    re.compile(r"货值|票据|价格|售价|标价|进货|购进|购货|销售|账|单据|发票|合同|清单|价签|台账|记录"),
)
KEY_FACTS: tuple[KeyFact, ...] = (_INCOME, _COST, _GOODS_VALUE)
_STATEMENT_RE = re.compile(r"询问笔录|调查笔录|陈述|谈话笔录|讯问")
# Records of goods bought (进货单据, 送货单) show cost and quantity, not the money taken: like a statement,
# they may ground 违法所得 through a calculation the reviewer must see.
_PURCHASE_RE = re.compile(r"进货|购货|送货单|采购")
# What an evidence item says it proves (…，证明熟食来源及开始销售的时间）.
_PROVES_RE = re.compile(r"证明(?P<what>[^）)；;]*)")
# Matters that bear on money taken.
_MONEY_MATTER_RE = re.compile(
    r"收入|收款|收取|违法所得|获利|营业额|经营额|销售(?:额|金额|数量|收入|记录|情况|明细)|金额|数额|价款|[0-9０-９]\s*元"
)


# A purpose that covers the whole of the facts found (证明上述事实, 证明对违法事实无异议).
_ALL_FACTS_RE = re.compile(r"(?:上述|以上|全部|基本|案件|违法)事实")


# An item that records sales or takings (已销售120件, 收入300元) is not a denial even if it also says
# some goods were unsold.
_POSITIVE_RE = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?\s*元|已(?:销售|售出|卖出|出售)|共(?:销售|售出|卖出)")


def _proves_money(what: str) -> bool:
    return bool(_MONEY_MATTER_RE.search(what) or _ALL_FACTS_RE.search(what))


def _purpose(item: str, described: list[str]) -> str | None:
    """What an evidence item proves: its own “证明…”, else the decision's description of the same document
    (named alike), else — for statements and purchase records — of documents of its kind."""
    m = _PROVES_RE.search(item)
    if m is not None:
        return m.group("what")
    head = re.split(r"[（(，,]", item)[0].strip()
    same = [e for e in described if len(head) >= 4 and head in e]
    if not same:
        kind = _STATEMENT_RE.search(item) or _PURCHASE_RE.search(item)
        same = [e for e in described if kind is not None and kind.group() in e]
    purposes = [d.group("what") for e in same if (d := _PROVES_RE.search(e)) is not None]
    if not purposes:
        return None
    return next((w for w in purposes if _proves_money(w)), purposes[0])


def _may_show_income(item: str, described: list[str]) -> bool:
    """An item may bear on the money taken unless it, or the decision's description of it, says it proves
    something else (“生活垃圾收运台账，证明混合垃圾已交收运单位运出”)."""
    what = _purpose(item, described)
    return what is None or _proves_money(what)


# Evidence named in a sentence rather than a list: 有执法记录仪视频及现场照片为证 / 有…等证据证实.
_INLINE_EVIDENCE_RE = re.compile(r"有[^。；\n]{2,80}?(?:为证|等证据证实|等证据证明|证据证实|证据证明)")


@rule("facts.evidence", Criterion.FACTS, "认定事实有证据证明，关键数额有证据支持",
      "《中华人民共和国行政处罚法》第四十条、第四十六条第二款、第五十九条第一款第（二）项")
def facts_evidence(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    draft = ctx.case.draft
    items = evidence_items(ctx)
    penalty = draft.penalty_text or ""
    cites = [*_basis(ctx), ctx.cite(LPL, 46, 2)]
    if not items:
        out.findings.append(_finding(
            Severity.HINT, "facts.evidence.none", "需核实：认定事实所依据的证据",
            "决定书和案卷均未显示证据目录，无法核对认定的事实是否有证据证明。", citations=cites,
            suggestion="决定书应列明认定违法事实的证据，并与案卷证据目录一致。", verify=True,
        ))
        return out
    inline = _INLINE_EVIDENCE_RE.search(draft.text)
    if ctx.case.record.evidence and not draft.evidence and inline is None:
        out.findings.append(_finding(
            Severity.HINT, "facts.evidence.not_in_draft", "需核实：决定书是否列明证据",
            "案卷有证据目录，但未能从决定书中识别出所列证据。", citations=cites, verify=True,
        ))
    listed = (
        f"决定书列明证据{len(draft.evidence)}项" if draft.evidence
        else f"决定书以概括方式列明证据（“{inline.group()[:40]}”）" if inline else "决定书未列明证据"
    )
    record = f"，案卷证据目录{len(ctx.case.record.evidence)}项" if ctx.case.record.evidence else ""
    out.checked.append(f"{listed}{record}。")
    for fact in KEY_FACTS:
        hit = fact.in_penalty.search(penalty)
        if hit is None:
            continue
        shown = draft.confiscation.text if fact is _INCOME and draft.confiscation else hit.group()
        contradiction = [
            e for e in items
            if fact.contradicts is not None and fact.contradicts.search(e) and not _POSITIVE_RE.search(e)
        ]
        support = [
            e for e in items
            if fact.evidence.search(e) and e not in contradiction
            and (fact is not _INCOME or _may_show_income(e, list(draft.evidence)))
        ]
        statements = [
            e for e in items
            if (_STATEMENT_RE.search(e) or (fact is _INCOME and _PURCHASE_RE.search(e)))
            and e not in contradiction and e not in support
            and (fact is not _INCOME or _may_show_income(e, list(draft.evidence)))
        ]
        extra = [ctx.cite(LPL, 28, 2)] if fact is _INCOME else []
        elsewhere = [
            w for e in items
            if _STATEMENT_RE.search(e) and e not in statements and (w := _purpose(e, list(draft.evidence)))
        ]
        if contradiction and support:
            out.findings.append(_finding(
                Severity.HINT, f"facts.evidence.{_code(fact)}_conflicting",
                f"需核实：{fact.name}的证据前后不一",
                f"证据“{support[0][:60]}”可证明{fact.name}，但证据“{contradiction[0][:60]}”的记载与之相反，"
                f"请核实{fact.name}的认定依据。",
                quote=contradiction[0], citations=[*cites, *extra], verify=True,
            ))
        elif contradiction:
            out.findings.append(_finding(
                Severity.SEVERE, f"facts.evidence.{_code(fact)}_contradicted",
                f"主要证据不足：{fact.name}的认定与在案证据矛盾",
                f"决定按{fact.name}处理（“{shown}”），但在案证据记载"
                f"“{contradiction[0]}”，与认定的{fact.name}相矛盾；证据中也没有证明{fact.name}数额的材料。",
                quote=contradiction[0], citations=[*cites, *extra],
                suggestion=f"补充调查{fact.name}的数额并取得相应证据；查证不实的，不得据此处罚。",
            ))
        elif support:
            out.checked.append(f"{fact.name}有证据支持：{support[0][:60]}。")
        elif statements:
            out.findings.append(_finding(
                Severity.HINT, f"facts.evidence.{_code(fact)}_statement_only",
                f"需核实：{fact.name}是否有证据证明",
                f"决定按{fact.name}处理，证据中没有直接证明{fact.name}的书证，仅有当事人陈述或进货记录等间接证据"
                f"（{statements[0][:40]}），请核实其是否记载了{fact.name}数额及其计算依据。",
                quote=shown, citations=[*cites, *extra], verify=True,
            ))
        else:
            out.findings.append(_finding(
                Severity.SEVERE, f"facts.evidence.{_code(fact)}_unproven",
                f"主要证据不足：{fact.name}无证据证明",
                f"决定按{fact.name}处理（“{shown}”），但证据目录中没有任何证明"
                f"{fact.name}的材料"
                + (f"；笔录所载证明事项为“{elsewhere[0]}”，不涉及{fact.name}。" if elsewhere else "。"),
                quote=shown, citations=[*cites, *extra],
                suggestion=f"补充证明{fact.name}的证据；查证不实的，不得据此处罚。",
            ))
    return out


def _code(fact: KeyFact) -> str:
    return {"违法所得": "income", "建设工程造价": "cost", "货值金额": "goods_value"}[fact.name]


# ---------------------------------------------------------------- 4. consistency of the facts


# Measured quantities only: counts of goods (件、袋、箱) in a penalty are often totals computed
# from the facts.
_UNIT_RE = re.compile(
    r"(?P<n>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*"
    r"(?P<u>平方米|㎡|立方米|m³|公里|千米|米|吨|千克|公斤|亩|公顷|株|棵)"
)
_INSPECT_RE = re.compile(r"检查|巡查|发现|勘察|勘验|抽查|抽检")
_INSPECTION_RECORD_RE = re.compile(r"(?:检查|现场|勘察|勘验|巡查)[^，、；]{0,6}(?:笔录|记录)")
_PERIOD_AFTER_RE = re.compile(r"^\s*(?:起|至|到|以来|开始|之前|以前|前|后|之后|左右|许)")
_FILED_RE = re.compile(
    r"(?P<date>[0-9〇零一二三四五六七八九]{4}\s*年[^年。；，]{1,10}?[日号])\s*(?:对[^。；，]{0,20})?立案"
)
_MASK_RE = re.compile(r"[某*＊×xX]")
_NOTE_RE = re.compile(r"（[^）]*）|\([^)]*\)")


_UNIT_ALIASES = {"㎡": "平方米", "m³": "立方米", "千米": "公里", "公斤": "千克"}


def _quantities(text: str) -> dict[str, set[float]]:
    out: dict[str, set[float]] = {}
    for m in _UNIT_RE.finditer(text):
        unit = _UNIT_ALIASES.get(m.group("u"), m.group("u"))
        number = float(m.group("n").translate(_YEAR_DIGITS).replace("．", "."))
        out.setdefault(unit, set()).add(number)
    return out


def _fmt(x: float) -> str:
    return f"{x:g}"


def _same_party(a: str, b: str) -> bool:
    a, b = _NOTE_RE.sub("", a).strip(), _NOTE_RE.sub("", b).strip()
    if not a or not b or a in b or b in a:
        return True
    for masked, plain in ((a, b), (b, a)):
        m = _MASK_RE.search(masked)
        if m is not None:
            return m.start() > 0 and plain.startswith(masked[: m.start()])
    return False


@rule("facts.consistency", Criterion.FACTS, "当事人、日期、数量、金额前后一致并与案卷相符",
      "《中华人民共和国行政处罚法》第四十条、第五十九条第一款第（一）项、第（二）项")
def facts_consistency(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    _party_consistent(ctx, out)
    _inspection_date_consistent(ctx, out)
    _evidence_dates_consistent(ctx, out)
    _filing_date_consistent(ctx, out)
    _quantities_consistent(ctx, out)
    _income_amount_consistent(ctx, out)
    return out


def _party_consistent(ctx: ReviewContext, out: RuleOutcome) -> None:
    draft = ctx.case.draft
    draft_name = draft.party_name
    party = ctx.case.record.party
    record_name = party.name if party else None
    if not draft_name or not record_name:
        return
    # The party block may name the business and its operator on separate lines (经营者：刘春生).
    header = draft.text[: draft.text.find(draft.facts)] if draft.facts and draft.facts in draft.text else ""
    plain = _NOTE_RE.sub("", record_name).strip()
    if _same_party(draft_name, record_name) or (plain and plain in header):
        out.checked.append(f"决定书当事人“{draft_name}”与案卷记载一致。")
        return
    out.findings.append(_finding(
        Severity.SEVERE, "facts.consistency.party", "事实不清：当事人与案卷记载不一致",
        f"决定书当事人为“{draft_name}”，案卷记载的当事人为“{record_name}”，处罚对象不明确。",
        quote=draft_name, citations=[ctx.cite(LPL, 40), ctx.cite(LPL, 59, 1, 1)],
        suggestion="核实当事人身份，按案卷证据统一当事人名称。",
    ))


def _record_dates(ctx: ReviewContext) -> set[dt.date]:
    r = ctx.case.record
    known = {d for d in (r.violation_date, r.discovered_date, r.filed_date) if d is not None}
    for item in r.evidence or ():
        known.update(s.day for s in dates_in(item))
    return known


_PARTIAL_DATE_RE = re.compile(
    r"[0-9０-９一二三四五六七八九十]{1,2}\s*月\s*[0-9０-９一二三四五六七八九十]{1,3}\s*日|次日|当日|翌日"
)
_RECHECK_RE = re.compile(r"复查|复核|回访|再次")
_INSPECT_WINDOW = 80


def _inspection_dates(facts: str) -> list[tuple[dt.date, str]]:
    """Dates the facts give for an inspection or discovery: the verb follows the date closely (not the
    start or end of a period, not a re-inspection)."""
    out = []
    for sentence in _sentences(facts):
        spans = list(dates_in(sentence))
        for i, span in enumerate(spans):
            before = sentence[max(0, span.start - 1) : span.start]
            if _PERIOD_AFTER_RE.match(sentence[span.end :]) or before in ("自", "从", "至"):
                continue
            end = min(spans[i + 1].start if i + 1 < len(spans) else len(sentence), span.end + _INSPECT_WINDOW)
            window = sentence[span.end : end]
            other = _PARTIAL_DATE_RE.search(window)
            window = window[: other.start()] if other else window
            if _INSPECT_RE.search(window) and not _RECHECK_RE.search(window):
                out.append((span.day, sentence.strip()))
    return out


def _inspection_date_consistent(ctx: ReviewContext, out: RuleOutcome) -> None:
    facts = ctx.case.draft.facts
    r = ctx.case.record
    known = _record_dates(ctx)
    if not facts or (r.discovered_date is None and not r.evidence):
        return
    for day, sentence in _inspection_dates(facts):
        if day in known:
            out.checked.append(f"事实所载检查（发现）日期{day}与案卷记载一致。")
            continue
        record_side = [f"发现日期{r.discovered_date}"] if r.discovered_date else []
        record_side += [
            e for e in (r.evidence or ()) if _INSPECTION_RECORD_RE.search(e) and list(dates_in(e))
        ][:2]
        out.findings.append(_finding(
            Severity.SEVERE, "facts.consistency.inspection_date", "事实不清：检查（发现）日期与案卷不一致",
            f"决定书认定{day}检查（发现）违法行为（“{sentence[:60]}”），而案卷记载为"
            f"{'；'.join(record_side) or '其他日期'}，案卷中没有{day}的检查记录，认定的事实与证据不一致。",
            quote=sentence[:120], citations=_basis(ctx),
            suggestion="核对现场检查笔录等证据，按证据统一检查日期。",
        ))
        return


# Kinds of record an evidence item can be; an item naming several is compared with all of them.
_RECORD_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("复查笔录", re.compile(r"复查")),
    ("询问笔录", re.compile(r"询问|调查笔录|谈话")),
    ("现场检查笔录", _INSPECTION_RECORD_RE),
)


def _kinds_of(item: str) -> set[str]:
    return {name for name, pattern in _RECORD_KINDS if pattern.search(item)}


def _evidence_dates_consistent(ctx: ReviewContext, out: RuleOutcome) -> None:
    """A dated record in the draft's evidence must carry a date the record gives the same kind of record."""
    by_kind: dict[str, set[dt.date]] = {}
    for item in ctx.case.record.evidence or ():
        days = {s.day for s in dates_in(item)}
        for kind in _kinds_of(item):
            by_kind.setdefault(kind, set()).update(days)
    for item in ctx.case.draft.evidence:
        # A listed item often names several documents; a date belongs to the document it is written with.
        for part in re.split(r"[、，,；;及和与]", item):
            kinds = [k for k in _kinds_of(part) if by_kind.get(k)]
            if not kinds:
                continue
            recorded = set().union(*(by_kind[k] for k in kinds))
            span = next((d for d in dates_in(part) if d.day not in recorded), None)
            if span is not None:
                shown = "、".join(str(d) for d in sorted(recorded))
                out.findings.append(_finding(
                    Severity.SEVERE, "facts.consistency.evidence_date", "事实不清：证据日期与案卷不一致",
                    f"决定书列明的证据“{part.strip()[:60]}”日期为{span.day}，而案卷中{'、'.join(kinds)}的日期为"
                    f"{shown}。",
                    quote=part.strip()[:120], citations=_basis(ctx),
                    suggestion="核对证据原件，统一证据名称和日期。",
                ))
                return


def _filing_date_consistent(ctx: ReviewContext, out: RuleOutcome) -> None:
    filed = ctx.case.record.filed_date
    if filed is None:
        return
    for m in _FILED_RE.finditer(ctx.case.draft.text):
        stated = next(dates_in(m.group("date")), None)
        if stated is None:
            continue
        if stated.day == filed:
            out.checked.append(f"决定书所载立案日期{filed}与案卷一致。")
        else:
            out.findings.append(_finding(
                Severity.GENERAL, "facts.consistency.filed_date", "决定书所载立案日期与案卷不一致",
                f"决定书写“{m.group()}”，案卷记载立案日期为{filed}。", quote=m.group(),
                citations=[ctx.cite(LPL, 59, 1, 2)], suggestion="按立案审批表统一立案日期。",
            ))
        return


def _quantities_consistent(ctx: ReviewContext, out: RuleOutcome) -> None:
    draft = ctx.case.draft
    facts = draft.facts or ""
    found = _quantities(facts)
    penalty = _quantities(draft.penalty_text or "")
    evidence_text = "；".join(evidence_items(ctx))
    evidenced = _quantities(evidence_text)
    for unit, values in penalty.items():
        stated = found.get(unit, set())
        stray = values - stated - evidenced.get(unit, set())
        if stated and stray:
            out.findings.append(_finding(
                Severity.SEVERE, "facts.consistency.quantity", f"事实不清：{unit}数前后不一致",
                f"违法事实认定为{'、'.join(_fmt(x) + unit for x in sorted(stated))}，处罚决定部分却写"
                f"{'、'.join(_fmt(x) + unit for x in sorted(stray))}，前后不一致，"
                "处罚（责令改正）的对象不明确。",
                quote=f"{_fmt(min(stray))}{unit}", citations=_basis(ctx),
                suggestion="按测量、勘验等证据统一数量，并核对处罚内容。",
            ))
            return
    for item in evidence_items(ctx):
        if not re.search(r"测绘|测量|勘测|丈量|测算|鉴定|检测|报告", item):
            continue
        for unit, values in _quantities(item).items():
            stated = found.get(unit, set())
            if stated and not values & stated:
                out.findings.append(_finding(
                    Severity.SEVERE, "facts.consistency.quantity_evidence", f"事实不清：{unit}数与证据不一致",
                    f"违法事实认定为{'、'.join(_fmt(x) + unit for x in sorted(stated))}，而证据“{item}”记载为"
                    f"{'、'.join(_fmt(x) + unit for x in sorted(values))}。",
                    quote=item, citations=_basis(ctx), suggestion="按证据核实并统一认定的数量。",
                ))
                return
    if penalty or found:
        out.checked.append("事实与处罚内容中的面积、数量前后一致。")


_INCOME_IN_FACTS_RE = re.compile(
    r"违法所得(?:为|计|共计|合计|是)?(?:人民币)?[^，。；]{0,4}?(?P<amt>[0-9０-９.,，]+\s*(?:万)?元)"
)


def _income_amount_consistent(ctx: ReviewContext, out: RuleOutcome) -> None:
    draft = ctx.case.draft
    if draft.confiscation is None or not draft.facts:
        return
    for m in _INCOME_IN_FACTS_RE.finditer(draft.facts):
        stated = parse_amount(m.group("amt"))
        if stated is None:
            continue
        if abs(stated - draft.confiscation.yuan) > 0.005:
            out.findings.append(_finding(
                Severity.SEVERE, "facts.consistency.income", "事实不清：没收违法所得数额与认定事实不一致",
                f"事实部分认定“{m.group()}”，处罚决定没收违法所得{_fmt(draft.confiscation.yuan)}元，数额不一致。",
                quote=draft.confiscation.text, citations=[*_basis(ctx), ctx.cite(LPL, 28, 2)],
                suggestion="核实违法所得数额并统一事实认定与处罚内容。",
            ))
        else:
            out.checked.append(f"没收违法所得{_fmt(stated)}元与事实认定一致。")
        return


# ---------------------------------------------------------------- 5. order of the record's dates


@rule("facts.date_order", Criterion.FACTS, "案卷日期先后顺序合理",
      "《中华人民共和国行政处罚法》第四十条、第五十四条、第四十四条")
def facts_date_order(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    r = ctx.case.record
    decision = r.decision_date or ctx.case.draft.decision_date
    steps = [
        ("发现", r.discovered_date),
        ("立案", r.filed_date),
        ("送达事先告知书", r.notice.served_date if r.notice else None),
        ("作出决定", decision),
    ]
    known = [(n, d) for n, d in steps if d is not None]
    # violation_date is the end of a continuing act, so it may follow discovery and filing; it cannot
    # follow the decision that punishes it.
    problems = []
    for (n1, d1), (n2, d2) in itertools.pairwise(known):
        if d1 > d2:
            problems.append(f"{n1}日期{d1}晚于{n2}日期{d2}")
    if r.violation_date and decision and r.violation_date > decision:
        problems.append(f"违法行为日期{r.violation_date}晚于作出决定日期{decision}")
    if problems:
        out.findings.append(_finding(
            Severity.SEVERE, "facts.date_order", "事实不清：案卷日期先后矛盾",
            "；".join(problems) + "。案件办理各环节的日期顺序与实际不符，认定的事实和程序无法成立。",
            quote="；".join(problems), citations=[ctx.cite(LPL, 40), ctx.cite(LPL, 54, 2), ctx.cite(LPL, 44)],
            suggestion="核对立案审批表、告知书送达回证、决定书等材料的日期。",
        ))
    elif len(known) >= 2:
        out.checked.append("案卷日期顺序：" + "→".join(f"{n}{d}" for n, d in known) + "。")
    return out
