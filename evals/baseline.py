"""A plain reviewer without the law store: regular expressions over the draft text, nothing else.

It exists to be compared with fashen. It reads only `case.draft.text` (no case record, no store, no
resolver, no dated parameters) and flags what a careful clerk could spot by eye with a checklist: 涉嫌 in
the facts, a missing or wrong remedy statement, an unmasked ID number, cash or own-account payment, a fine
above a ceiling that the draft itself quotes, no decision date, no cited provision, an internal body as
issuer, an on-the-spot decision above the small-amount limit. Whatever the store, resolver and parameter
layers add on top of this is the difference the evaluation report shows.

The result has the same shape as fashen's (`review.models.Review`): six verdicts and a conclusion, so the
same metrics apply. Findings carry no citations — the baseline has no store to quote from — and say so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from corpus.numerals import find_amount_ranges, parse_amount
from review.engine import conclusion_for, verdict_for
from review.models import Case, Criterion, CriterionResult, Finding, Review, Severity

BASELINE_VERSION = "baseline-regex-0.1"

_CN_NUM = "零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟萬"
_AMOUNT = rf"(?:[0-9０-９][0-9０-９,，.]*万?|[{_CN_NUM}]+)"

# Where the facts are told and where they end (the legal reasoning or the evidence list starts).
_FACTS_START_RE = re.compile(r"经查|现查明|查明|经调查|发现")
_FACTS_END_RE = re.compile(r"上述事实|以上事实|本(?:机关|局|委|队|所|支队|大队|中队|办|府)认为|违反了")
# A sentence that names the case (……涉嫌……一案，立案调查) uses 涉嫌 properly.
_CASE_NAMING_RE = re.compile(r"一案|立案|案由")
# 18-digit 公民身份号码 with a plausible birth date (GB 11643), not hidden by *.
_ID_CARD_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_DATE_RE = re.compile(
    r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日"
)
_CITATION_RE = re.compile(r"第[0-9零〇一二三四五六七八九十百千]+条")
_OPERATIVE_RE = re.compile(r"决定(?:对当事人)?(?:作出|给予|如下|：)|如下(?:行政)?处罚|处罚如下|如下处理")
_FINE_RE = re.compile(
    rf"罚款(?:人民币)?(?P<a>{_AMOUNT})\s*元|(?:人民币)?(?P<b>{_AMOUNT})\s*元(?:整)?(?:的)?罚款"
)
_LITIGATION_MONTHS_RE = re.compile(r"(?P<n>[0-9一二三四五六七八九十]+)\s*个月[^。；\n]{0,30}(?:诉讼|起诉)")
_INTERNAL_BODY_RE = re.compile(r"(?:综合行政执法队|执法中队|执法分队|执法队|监察队)$")


def _finding(
    criterion: Criterion, severity: Severity, code: str, title: str, detail: str, quote: str | None = None
) -> Finding:
    return Finding(
        criterion=criterion,
        severity=severity,
        code=f"baseline.{code}",
        title=title,
        detail=detail + "（基线检查：仅据草稿文字的正则匹配，未查询法条库，未附法条原文。）",
        quote=quote,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _operative_start(text: str) -> int | None:
    # The last 决定 phrase starts the operative part (earlier ones may quote the notice).
    starts = [m.start() for m in _OPERATIVE_RE.finditer(text)]
    return starts[-1] if starts else None


def fine_amount(text: str) -> float | None:
    """The fine imposed in the operative part of the draft, in yuan; None when none is found."""
    start = _operative_start(text)
    if start is None:
        return None
    for m in _FINE_RE.finditer(text, start):
        if (
            "加处" in text[max(0, m.start() - 6) : m.start()]
            or "每" in text[max(0, m.start() - 8) : m.start()]
        ):
            continue
        value = parse_amount((m.group("a") or m.group("b")) + "元")
        if value is not None:
            return value
    return None


# ------------------------------------------------------------------------------------------ checks


def _suspected_facts(text: str) -> list[Finding]:
    # 行政处罚法 第四十条：违法事实不清、证据不足的，不得给予行政处罚 — a decision states facts as found.
    start = _FACTS_START_RE.search(text)
    if start is None:
        return []
    end = _FACTS_END_RE.search(text, start.end())
    facts = text[start.start() : end.start() if end else len(text)]
    for sentence in re.split(r"[。；\n]", facts):
        if "涉嫌" in sentence and not _CASE_NAMING_RE.search(sentence):
            return [
                _finding(
                    Criterion.FACTS,
                    Severity.SEVERE,
                    "facts.suspected",
                    "认定的违法事实使用“涉嫌”",
                    "决定书认定的违法事实应当是查证属实的事实，不能写“涉嫌”。",
                    sentence.strip(),
                )
            ]
    return []


def _remedy(text: str) -> list[Finding]:
    # 行政处罚法 第五十九条第一款第（五）项：决定书应载明申请行政复议、提起行政诉讼的途径和期限。
    has_review = "复议" in text
    has_litigation = "诉讼" in text or "起诉" in text
    if not has_review and not has_litigation:
        return [
            _finding(
                Criterion.PROCEDURE,
                Severity.GENERAL,
                "procedure.remedy_missing",
                "未告知复议、诉讼权利",
                "草稿没有写明申请行政复议或者提起行政诉讼的途径和期限。",
            )
        ]
    out = []
    # 行政诉讼法 第四十六条第一款：直接起诉期限为六个月。
    m = _LITIGATION_MONTHS_RE.search(text)
    if m and m.group("n") not in ("六", "6"):
        out.append(
            _finding(
                Criterion.PROCEDURE,
                Severity.GENERAL,
                "procedure.litigation_period",
                f"起诉期限写为{m.group('n')}个月",
                "直接向人民法院提起行政诉讼的期限为六个月。",
                m.group(0),
            )
        )
    # 行政复议法（2023年修订）第二十条第一款：申请期限为六十日。
    if has_review and not re.search(r"六十日|60日|六十天|60天", text):
        out.append(
            _finding(
                Criterion.PROCEDURE,
                Severity.GENERAL,
                "procedure.review_period",
                "复议期限未写六十日",
                "申请行政复议的期限为自知道或者应当知道之日起六十日。",
            )
        )
    return out


def _id_number(text: str) -> list[Finding]:
    # 行政处罚法 第四十八条 公开决定；政府信息公开条例 第十五条：公开文本不得泄露个人隐私。
    m = _ID_CARD_RE.search(text)
    if m is None:
        return []
    return [
        _finding(
            Criterion.OTHER,
            Severity.GENERAL,
            "other.id_number",
            "决定书载有完整的公民身份号码",
            "公开的决定书应对身份证号码作去标识化处理。",
            m.group(0),
        )
    ]


def _payment(text: str) -> list[Finding]:
    # 行政处罚法 第六十七条：作出罚款决定的行政机关应当与收缴罚款的机构分离。
    m = re.search(
        r"[^。\n]{0,20}(?:现金|缴至本\w{0,3}账户|缴入本\w{0,3}账户|交至本\w{0,3}账户)[^。\n]{0,20}", text
    )
    if m is None:
        return []
    return [
        _finding(
            Criterion.OTHER,
            Severity.GENERAL,
            "other.payment",
            "罚款缴纳方式不符合罚缴分离",
            "罚款应当到指定银行或者通过电子支付系统缴纳，不应以现金或缴入本机关账户。",
            m.group(0),
        )
    ]


def _fine_above_quoted_ceiling(text: str) -> list[Finding]:
    # 行政处罚法 第五条（过罚相当）及罚则条文：罚款不得超出法定幅度——这里只用草稿自己引述的“……以下”。
    fine = fine_amount(text)
    if fine is None:
        return []
    ceilings = [
        r.high
        for r in find_amount_ranges(text)
        if r.unit == "yuan" and r.high is not None and r.low != r.high
    ]
    if not ceilings or fine <= max(ceilings):
        return []
    return [
        _finding(
            Criterion.DISCRETION,
            Severity.SEVERE,
            "discretion.above_quoted_ceiling",
            "罚款数额超过草稿所引幅度的上限",
            f"罚款{fine:g}元，高于草稿中引述的最高额{max(ceilings):g}元。",
        )
    ]


def _decision_date(text: str) -> list[Finding]:
    # 行政处罚法 第五十九条第二款：决定书必须载明作出决定的日期。
    if any(_DATE_RE.search(line) for line in _lines(text)[-5:]):
        return []
    return [
        _finding(
            Criterion.OTHER,
            Severity.GENERAL,
            "other.no_decision_date",
            "决定书末尾没有作出决定的日期",
            "决定书应当载明作出决定的日期。",
        )
    ]


def _no_citation(text: str) -> list[Finding]:
    # 行政处罚法 第五十九条第一款第（二）项、第三十八条第一款：应载明所依据的法律规定，无依据的处罚无效。
    # Not across “…”: a quoted penalty rule names other articles (违反本条例第十条规定的 …).
    violated = re.search(r"违反[^。“”]{0,80}" + _CITATION_RE.pattern, text)
    basis = re.search(r"(?:依据|根据|依照|按照)[^。“”]{0,80}" + _CITATION_RE.pattern, text)
    if violated and basis:
        return []
    missing = "违反的条款" if not violated else "处罚依据条款"
    return [
        _finding(
            Criterion.LAW,
            Severity.SEVERE,
            "law.no_citation",
            f"未写明{missing}",
            f"草稿中找不到“{missing}”的条文引用。",
        )
    ]


def _internal_body(text: str) -> list[Finding]:
    # 行政处罚法 第十七条：行政处罚由具有行政处罚权的行政机关在法定职权范围内实施；内设执法队不是行政主体。
    lines = _lines(text)
    heads = [line for line in lines[:2] if "决定书" not in line] + lines[-3:]
    for line in heads:
        name = re.sub(r"[（(]?印章[）)]?|\s", "", line)
        if _INTERNAL_BODY_RE.search(name):
            return [
                _finding(
                    Criterion.AUTHORITY,
                    Severity.SEVERE,
                    "authority.internal_body",
                    "以内设执法队名义作出决定",
                    "执法队、中队等内设或派出机构不能以自己的名义作出行政处罚。",
                    line,
                )
            ]
    return []


def _on_the_spot_limit(text: str) -> list[Finding]:
    # 行政处罚法 第五十一条：当场处罚限于对公民二百元以下、对法人或者其他组织三千元以下罚款。
    head = "".join(_lines(text)[:3])
    if "当场" not in head and "简易程序" not in text:
        return []
    fine = fine_amount(text)
    if fine is None:
        return []
    organisation = bool(re.search(r"统一社会信用代码|被处罚单位|法定代表人", text))
    limit = 3000.0 if organisation else 200.0
    if fine <= limit:
        return []
    return [
        _finding(
            Criterion.PROCEDURE,
            Severity.SEVERE,
            "procedure.on_the_spot_limit",
            "当场处罚超出简易程序限额",
            f"罚款{fine:g}元，超过当场处罚{limit:g}元的限额。",
        )
    ]


CHECKS: tuple[Callable[[str], list[Finding]], ...] = (
    _internal_body,
    _suspected_facts,
    _no_citation,
    _remedy,
    _on_the_spot_limit,
    _fine_above_quoted_ceiling,
    _id_number,
    _payment,
    _decision_date,
)


def baseline_findings(text: str) -> list[Finding]:
    """Every finding of the plain reviewer on a draft text."""
    out: list[Finding] = []
    for check in CHECKS:
        out.extend(check(text))
    return out


def baseline_review(case: Case, *, today: dt.date | None = None) -> Review:
    """The plain reviewer's verdicts and conclusion for a case; it reads only the draft text."""
    findings = baseline_findings(case.draft.text)
    results = tuple(
        CriterionResult(criterion=c, verdict=verdict_for(fs), findings=tuple(fs))
        for c in Criterion
        for fs in [[f for f in findings if f.criterion == c]]
    )
    conclusion = conclusion_for(findings)
    reasons = tuple(f"{f.criterion.title}：{f.title}" for f in findings) or ("基线检查未发现问题。",)
    return Review(
        case_id=case.case_id,
        case_title=case.title,
        conclusion=conclusion,
        conclusion_reasons=reasons,
        criteria=results,
        reviewed_on=today or dt.date.today(),
        corpus_version="none",
        engine_version=BASELINE_VERSION,
    )


__all__ = ["BASELINE_VERSION", "CHECKS", "baseline_findings", "baseline_review", "fine_amount"]
