"""Criterion: procedure (执法程序). Rules are registered with `review.engine.rule`.

What a reviewer checks on the way the decision was reached and on what the decision tells the party:

* prior notice with facts, reasons, basis and the rights to 陈述、申辩 (听证 where 第六十三条 requires it);
* no decision before the statement period and the hearing-request window have run out (working days,
  第八十五条), a requested hearing held first;
* decision within 90 days of filing unless extended; 法制审核 and 集体讨论 for serious cases;
* the elements 第五十九条 requires in a decision; remedy periods and the 复议机关 right for the date;
* 简易程序 only within the limits of 第五十一条.

Record facts win; for a bare draft the draft's own account (送达告知书的日期、告知的权利、立案日期) is read
instead, and what neither shows is reported as 需核实.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import cn2an

from review.criteria.provisions import HEARING_KINDS, hearing_level, party_is_person
from review.dates import Deadline, deadline_end, working_day_deadline
from review.engine import ReviewContext, RuleOutcome, rule
from review.models import Citation, Criterion, Finding, Severity
from review.params import ParameterError, ParameterValue, param

PROC = Criterion.PROCEDURE
PUNISH_LAW = "中华人民共和国行政处罚法"
REVIEW_LAW = "中华人民共和国行政复议法"
# The 2023 revision of 行政复议法 applies from this day (its 第九十条); before it the 2017 text.
REVIEW_LAW_2023 = dt.date(2024, 1, 1)


def _finding(
    severity: Severity, code: str, title: str, detail: str, *, quote: str | None = None,
    citations: Iterable[Citation] = (), suggestion: str | None = None, verify: bool = False,
) -> Finding:
    return Finding(
        criterion=PROC, severity=severity, code=code, title=title, detail=detail, quote=quote,
        citations=tuple(citations), suggestion=suggestion, verify=verify,
    )


def _verify(
    code: str, title: str, detail: str, citations: Iterable[Citation] = (), suggestion: str | None = None
) -> Finding:
    """A fact the materials do not show (需核实): one per missing fact."""
    return _finding(
        Severity.HINT, code, title, detail, citations=citations, suggestion=suggestion, verify=True
    )


def _cite(
    ctx: ReviewContext, article: int, paragraph: int | None = None, item: int | None = None
) -> Citation:
    return ctx.cite(PUNISH_LAW, article, paragraph, item)


def _param(key: str, day: dt.date) -> ParameterValue | None:
    try:
        return param(key, day)
    except ParameterError:
        return None


def normalised(text: str) -> str:
    """Text without whitespace, for finding a name however the draft is laid out."""
    return re.sub(r"\s+", "", text)


def _iso(day: dt.date) -> str:
    return f"{day.isoformat()}（星期{'一二三四五六日'[day.weekday()]}）"


def _cn(n: int) -> str:
    """60 → 六十, as periods are written in decisions."""
    return str(cn2an.an2cn(n))


def _calendar_note(deadline: Deadline) -> str:
    return "" if deadline.calendar_exact else "（该年度节假日安排未收录，按周一至周五推算，请人工核对）"


# ---------------------------------------------------------------- the draft's account, record silent

_DATE = r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日"
_NOTICE_SENTENCE_RE = re.compile(r"[^。\n]*告知[^。\n]*")
_NOTICE_DATE_RES = (
    re.compile(rf"{_DATE}[^。\n]{{0,40}}?(?:送达|告知|发出|作出)[^。\n]{{0,30}}?告知"),
    re.compile(rf"告知书[^。\n]{{0,40}}?于{_DATE}"),
)
_FILED_RE = re.compile(rf"{_DATE}[^。，\n]{{0,12}}立案")
_PERIOD_RE = re.compile(
    r"(?P<n>[0-9]+|[一二三四五六七八九十]+)\s*(?:个)?(?:工作日|日)内[^。\n]{0,20}(?:陈述|申辩|听证)"
)
_SIMPLE_TITLE_RE = re.compile(r"当场(?:行政)?处罚决定书")


def _date(m: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


def _notice_sentences(text: str) -> list[str]:
    return [m.group(0) for m in _NOTICE_SENTENCE_RE.finditer(text) if "不服" not in m.group(0)]


def draft_notice_date(text: str) -> dt.date | None:
    """Date the draft says the 告知书 was served (…于2025年9月16日向当事人送达了《行政处罚事先告知书》)."""
    found = [m for pattern in _NOTICE_DATE_RES if (m := pattern.search(text))]
    if not found:
        return None
    return _date(min(found, key=lambda m: m.start()))


def draft_rights(text: str) -> set[str]:
    """Rights the draft says were told in the notice: 陈述, 申辩, 听证."""
    told: set[str] = set()
    for sentence in _notice_sentences(text):
        told.update(r for r in ("陈述", "申辩", "听证") if r in sentence)
    return told


def draft_filed_date(text: str) -> dt.date | None:
    m = _FILED_RE.search(text)
    return _date(m) if m else None


def _is_simple(ctx: ReviewContext) -> bool:
    return ctx.case.procedure == "简易程序" or bool(_SIMPLE_TITLE_RE.search(ctx.draft.text[:200]))


def _notice_date(ctx: ReviewContext) -> tuple[dt.date | None, str]:
    notice = ctx.record.notice
    if notice is not None and notice.served_date is not None:
        return notice.served_date, "案卷"
    day = draft_notice_date(ctx.draft.text)
    return day, "决定书"


def _rights(ctx: ReviewContext) -> tuple[set[str] | None, str]:
    notice = ctx.record.notice
    if notice is not None and notice.rights is not None:
        return {r.strip() for r in notice.rights}, "案卷"
    told = draft_rights(ctx.draft.text)
    return (told or None), "决定书"


# ---------------------------------------------------------------- 事先告知


@rule("procedure.prior_notice", PROC, "作出决定前告知拟处罚内容及陈述申辩权",
      "《中华人民共和国行政处罚法》第四十四条、第六十二条")
def prior_notice(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    cites = [_cite(ctx, 44), _cite(ctx, 62)]
    served, source = _notice_date(ctx)
    rights, rights_source = _rights(ctx)
    silent = ctx.record.notice is None and not _notice_sentences(ctx.draft.text)
    if served is None and rights is None and silent:
        out.findings.append(_verify(
            "procedure.prior_notice.unknown", "事先告知情况需核实",
            "案卷和决定书均未显示是否已向当事人告知拟作出的行政处罚内容及事实、理由、依据和陈述、申辩权利。",
            cites, "核对《行政处罚事先告知书》及送达回证；未告知的，不得作出行政处罚决定。",
        ))
        return out
    told = "、".join(sorted(rights)) if rights is not None else ""
    missing = [r for r in ("陈述", "申辩") if rights is not None and r not in told]
    if rights is None:
        out.findings.append(_verify(
            "procedure.prior_notice.rights_unknown", "告知的权利需核实",
            "案卷未记载事先告知书告知了哪些权利，决定书也未写明。", cites,
            "核对告知书是否告知陈述、申辩（及依法应告知的听证）权利。",
        ))
    elif missing:
        out.findings.append(_finding(
            Severity.SEVERE, "procedure.prior_notice.rights", f"未告知当事人{'、'.join(missing)}权利",
            f"据{rights_source}，事先告知只告知了{told or '（无）'}，未告知{'、'.join(missing)}的权利。"
            "未依法告知陈述、申辩权利，不得作出行政处罚决定。",
            citations=cites, suggestion="重新送达事先告知书，告知陈述、申辩权利，听取意见后再作决定。",
        ))
    else:
        out.checked.append(f"据{rights_source}，事先告知了{told}权利。")
    if served is None and not _is_simple(ctx):
        out.findings.append(_verify(
            "procedure.prior_notice.date_unknown", "事先告知书送达日期需核实",
            "案卷和决定书未显示事先告知书的送达日期，无法核对陈述申辩期限。", cites,
            "补充告知书送达回证的日期。",
        ))
    elif served is not None:
        out.checked.append(f"据{source}，事先告知书于{served.isoformat()}送达。")
    return out


@rule("procedure.hearing_notice", PROC, "依法告知听证权利", "《中华人民共和国行政处罚法》第六十三条第一款")
def hearing_notice(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    if _is_simple(ctx):
        return out
    level, reason = hearing_level(ctx.case)
    if level == "no":
        out.checked.append("拟作出的处罚不属于第六十三条应当告知听证权利的情形（按较大数额参考标准）。")
        return out
    rights, source = _rights(ctx)
    cites = [_cite(ctx, 63, 1)]
    if rights is not None and any("听证" in r for r in rights):
        out.checked.append(f"{reason}；据{source}，已告知听证权利。")
        return out
    if rights is None:
        out.findings.append(_verify(
            "procedure.hearing_notice.unknown", "是否告知听证权利需核实",
            f"{reason}，可能属于应当告知听证权利的情形；案卷和决定书未显示告知的权利。", cites,
            "核对事先告知书是否告知了要求听证的权利。",
        ))
        return out
    if level == "required":
        out.findings.append(_finding(
            Severity.SEVERE, "procedure.hearing_notice", "应当告知听证权利而未告知",
            f"{reason}，属于应当告知当事人有要求听证权利的情形；据{source}，只告知了{'、'.join(sorted(rights))}。"
            "未告知听证权利即作出决定，剥夺了当事人要求听证的权利。"
            "（较大数额以当地标准为准；本系统的参考标准系保守的实务假定，并非语料库中的法律，"
            "见 review/criteria/provisions.py。）",
            citations=cites, suggestion="重新告知，包括要求听证的权利；当事人要求听证的，依法组织听证。",
        ))
    else:
        out.findings.append(_verify(
            "procedure.hearing_notice.local_standard", "罚没数额是否属“较大数额”需按当地标准核实",
            f"{reason}；据{source}，未告知听证权利。是否属于应当告知听证的“较大数额”，由当地规定确定，语料库未收录该标准。",
            cites, "查明本地较大数额罚款（没收）的标准；达到标准的，应告知听证权利。",
        ))
    return out


# ---------------------------------------------------------------- periods before the decision


@rule("procedure.decision_before_window", PROC, "陈述申辩期限届满前未作出决定",
      "《中华人民共和国行政处罚法》第四十四条、第六十二条、第八十五条")
def decision_before_window(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    if _is_simple(ctx):
        return out
    decision = ctx.decision_date
    served, _ = _notice_date(ctx)
    if served is None:
        return out  # reported by procedure.prior_notice
    if decision is None:
        out.findings.append(_verify(
            "procedure.decision_date_unknown", "决定日期需核实",
            "案卷和决定书均未显示作出决定的日期，无法核对各项期限。",
            [_cite(ctx, 59, 1, 6)], "写明作出决定的日期。",
        ))
        return out
    cites = [_cite(ctx, 44), _cite(ctx, 62), _cite(ctx, 85)]
    if decision < served:
        out.findings.append(_finding(
            Severity.SEVERE, "procedure.decision_before_window.before_notice", "决定日期早于事先告知",
            f"决定日期{_iso(decision)}早于事先告知书送达日期{_iso(served)}。", citations=cites,
            suggestion="先依法告知并听取陈述申辩，再作决定。",
        ))
        return out
    notice = ctx.record.notice
    days = notice.period_days if notice is not None else None
    if days is None:
        m = _PERIOD_RE.search(ctx.draft.text)
        if m:
            from corpus.numerals import cn_to_int

            try:
                days = int(m.group("n")) if m.group("n").isdigit() else cn_to_int(m.group("n"))
            except ValueError:
                days = None
    if days is None:
        out.findings.append(_verify(
            "procedure.decision_before_window.period_unknown", "陈述申辩期限需核实",
            f"事先告知书{served.isoformat()}送达，但案卷未记载给予当事人陈述、申辩的期限，无法核对决定是否在期限届满后作出。",
            cites, "核对告知书载明的陈述申辩期限。",
        ))
        return out
    deadline = working_day_deadline(served, days)
    statement = ctx.record.statement
    if days == 0 and statement is not None and statement.made:
        # Heard on the spot and decided at once (公安 practice under its own procedural rules, not in the
        # corpus): the party was heard, but whether no time at all to respond was lawful needs checking.
        out.findings.append(_verify(
            "procedure.decision_before_window.heard_at_once", "当场听取陈述申辩后即作出决定，期限需核实",
            f"事先告知于{_iso(served)}作出，未给予陈述、申辩期限，当事人当场陈述、申辩后于{_iso(decision)}作出决定。"
            "请核实本领域程序规定是否允许当场听取意见后即作出决定，以及当事人是否明确表示放弃继续陈述、申辩。",
            cites, "未给予合理期限的，应重新告知并给予陈述、申辩期限。",
        ))
        return out
    if decision <= deadline.date:
        made = statement is not None and statement.made
        out.findings.append(_finding(
            Severity.SEVERE, "procedure.decision_before_window",
            "陈述申辩期限届满前作出决定",
            f"事先告知书于{_iso(served)}送达，给予{days}个工作日陈述、申辩，期限至{_iso(deadline.date)}届满"
            f"{_calendar_note(deadline)}；决定日期{_iso(decision)}不在期满之后"
            + ("（当事人虽已提出陈述、申辩，但期限内仍可补充）" if made else "")
            + "。在期限届满前作出决定，剥夺了当事人的陈述申辩权。",
            quote=notice.proposed_penalty if notice is not None else None, citations=cites,
            suggestion=f"在{deadline.date.isoformat()}之后作出决定，并如实记载当事人陈述申辩情况。",
        ))
    else:
        out.checked.append(
            f"告知书{served.isoformat()}送达，{days}个工作日至{deadline.date.isoformat()}届满"
            f"{_calendar_note(deadline)}，决定日期{decision.isoformat()}在期满之后。"
        )
    return out


_HEARING_HELD_RE = re.compile(r"(?:举行|组织|召开)[^。；\n]{0,8}听证|听证会|听证笔录|听证(?:意见|报告)")
_HEARING_ASKED_RE = re.compile(r"(?:(?:申请|要求|提出)[^。；，、\n]{0,6}听证(?:申请|要求)?|听证申请)(?!的?权)")


@rule("procedure.hearing_window", PROC, "听证申请期限届满、听证举行后作出决定",
      "《中华人民共和国行政处罚法》第六十四条第（一）项、第六十五条、第八十五条")
def hearing_window(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    rights, _ = _rights(ctx)
    decision = ctx.decision_date
    served, _ = _notice_date(ctx)
    hearing = ctx.record.hearing
    if _is_simple(ctx) or decision is None:
        return out
    if hearing is not None and hearing.requested:
        cites = [_cite(ctx, 63, 1), _cite(ctx, 65)]
        text = ctx.draft.text
        held = _HEARING_HELD_RE.search(text)
        asked = next((m for m in _HEARING_ASKED_RE.finditer(text)
                      if not re.search(r"(?:未|没有|不|放弃)$", text[max(0, m.start() - 3) : m.start()])), None)
        if hearing.held_date is None and held is not None:
            out.checked.append(f"当事人要求听证，决定书记载“{held.group()}”。")
        elif hearing.held_date is None and asked is not None:
            out.findings.append(_finding(
                Severity.SEVERE, "procedure.hearing_window.not_held", "当事人要求听证而未举行听证即作出决定",
                f"案卷记载当事人要求听证，决定书也写明“{asked.group()}”，但案卷和决定书均无举行听证的记载"
                "（听证通知、听证笔录），即作出决定。当事人要求听证的，行政机关应当组织听证，并根据听证笔录作出决定。",
                quote=asked.group(), citations=cites, suggestion="依法组织听证，听证结束后根据听证笔录作出决定。",
            ))
        elif hearing.held_date is None:
            out.findings.append(_verify(
                "procedure.hearing_window.held_unknown", "当事人要求听证，听证是否已举行需核实",
                "案卷记载当事人要求听证，但未记载听证举行日期。当事人要求听证的，应当组织听证，并根据听证笔录作出决定。",
                cites, "补充听证通知、听证笔录；未举行听证的，不得作出决定。",
            ))
        elif hearing.held_date > decision:
            out.findings.append(_finding(
                Severity.SEVERE, "procedure.hearing_window.not_held", "听证举行前作出决定",
                f"当事人要求听证，听证于{hearing.held_date.isoformat()}举行，决定却在{decision.isoformat()}作出。",
                citations=cites, suggestion="听证结束后根据听证笔录作出决定。",
            ))
        else:
            out.checked.append(f"当事人要求听证，听证于{hearing.held_date.isoformat()}举行，在决定之前。")
        return out
    if rights is None or not any("听证" in r for r in rights) or served is None:
        return out
    days_param = _param("hearing_request_working_days", decision)
    if days_param is None:
        return out
    days = int(days_param.value)
    deadline = working_day_deadline(served, days)
    cites = [ctx.cite_param(days_param), _cite(ctx, 85)]
    if decision <= deadline.date:
        out.findings.append(_finding(
            Severity.SEVERE, "procedure.hearing_window", "听证申请期限届满前作出决定",
            f"告知了听证权利，当事人可在告知后{days}日（工作日）内提出听证要求：告知书{_iso(served)}送达，"
            f"期限至{_iso(deadline.date)}届满{_calendar_note(deadline)}；决定日期{_iso(decision)}不在期满之后。",
            citations=cites, suggestion=f"在{deadline.date.isoformat()}之后作出决定。",
        ))
    else:
        out.checked.append(f"听证申请期限至{deadline.date.isoformat()}届满，决定在其后；当事人未要求听证。")
    return out


@rule("procedure.case_deadline", PROC, "自立案之日起九十日内作出决定", "《中华人民共和国行政处罚法》第六十条")
def case_deadline(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    if _is_simple(ctx):
        return out
    decision = ctx.decision_date
    filed = ctx.record.filed_date or draft_filed_date(ctx.draft.text)
    if decision is None:
        return out
    p = _param("case_deadline_days", decision)
    if p is None:
        out.checked.append("决定日期在2021年7月15日之前，当时的行政处罚法未规定统一的九十日办案期限。")
        return out
    if filed is None:
        out.findings.append(_verify(
            "procedure.case_deadline.unknown", "立案日期需核实",
            "案卷和决定书未显示立案日期，无法核对九十日办案期限。",
            [ctx.cite_param(p)], "补充立案审批表日期。",
        ))
        return out
    days = int(p.value)
    deadline = deadline_end(filed, days)
    elapsed = (decision - filed).days
    if decision <= deadline.date:
        out.checked.append(f"{filed.isoformat()}立案，{decision.isoformat()}作出决定，历时{elapsed}日，未超过{days}日。")
        return out
    ext = ctx.record.extension
    if ext is not None and ext.approved and (ext.until is None or decision <= ext.until):
        out.checked.append(f"立案后{elapsed}日作出决定，已经批准延长办案期限"
                           + (f"至{ext.until.isoformat()}" if ext.until else "") + "。")
        return out
    detail = (f"{filed.isoformat()}立案，{decision.isoformat()}作出决定，历时{elapsed}日，"
              f"超过自立案之日起{days}日（至{deadline.date.isoformat()}）的办案期限")
    if ext is not None and ext.approved and ext.until is not None:
        detail += f"，也超过批准延长的期限（至{ext.until.isoformat()}）"
    elif ext is None or ext.approved is None:
        out.findings.append(_verify(
            "procedure.case_deadline.extension_unknown", "超过九十日办案期限，延期审批需核实",
            detail + "；案卷未记载是否经批准延长办案期限。", [ctx.cite_param(p)],
            "核对延长办案期限的审批材料及中止、不计入期限的情形。",
        ))
        return out
    else:
        detail += "，案卷中没有延长办案期限的审批"
    out.findings.append(_finding(
        Severity.SEVERE, "procedure.case_deadline", "超过法定办案期限作出决定",
        detail + "。", citations=[ctx.cite_param(p)],
        suggestion="说明超期原因；依法应当延长的，须经批准并记载于案卷。",
    ))
    return out


# ---------------------------------------------------------------- 法制审核, 集体讨论


@rule("procedure.legal_review", PROC, "重大案件经法制审核", "《中华人民共和国行政处罚法》第五十八条第一款")
def legal_review(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    step = ctx.record.legal_review
    hearing = ctx.record.hearing
    level, reason = hearing_level(ctx.case)
    heard = hearing is not None and hearing.held_date is not None
    if step is None or step.done is not False:
        return out
    if not (heard or level == "required"):
        return out
    why = "经过听证程序" if heard else reason
    out.findings.append(_finding(
        Severity.HINT, "procedure.legal_review", "须经法制审核通过后方可作出决定",
        f"本案{why}，属于作出决定前应当法制审核的情形；案卷记载尚未完成法制审核，本次审核通过前不得作出决定。",
        citations=[_cite(ctx, 58, 1)], suggestion="本次法制审核通过后再提交负责人决定。",
    ))
    return out


@rule("procedure.collective_discussion", PROC, "情节复杂或重大违法行为经负责人集体讨论",
      "《中华人民共和国行政处罚法》第五十七条第二款")
def collective_discussion(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    if _is_simple(ctx):
        return out
    level, reason = hearing_level(ctx.case)
    if level != "required":
        return out
    step = ctx.record.collective_discussion
    cites = [_cite(ctx, 57, 2)]
    if step is not None and step.done:
        when = f"（{step.date.isoformat()}）" if step.date else ""
        out.checked.append(f"{reason}；已经负责人集体讨论{when}。")
        return out
    if step is None or step.done is None:
        if "集体讨论" in ctx.draft.text:
            out.checked.append("决定书记载经集体讨论。")
            return out
        out.findings.append(_verify(
            "procedure.collective_discussion.unknown", "是否经负责人集体讨论需核实",
            f"{reason}，处罚较重，可能属于应当由行政机关负责人集体讨论决定的重大违法行为；案卷未记载。",
            cites,
            "核对集体讨论记录。",
        ))
        return out
    heavy = [k for k in ctx.draft.penalty_kinds if k in HEARING_KINDS]
    if not heavy:
        # What counts as 重大违法行为 by amount is a local standard the corpus lacks (the amounts in
        # provisions.py are an assumption): the reviewer checks it, nothing is concluded.
        out.findings.append(_verify(
            "procedure.collective_discussion.local_standard", "是否属于应当集体讨论的重大违法行为需核实",
            f"{reason}；案卷记载未经负责人集体讨论。情节复杂或者重大违法行为应当集体讨论决定，"
            "按罚款数额是否属于“重大”由当地规定确定，语料库未收录该标准。",
            cites, "按本地重大执法决定的标准核实；属于的，提交负责人集体讨论。",
        ))
        return out
    out.findings.append(_finding(
        Severity.GENERAL, "procedure.collective_discussion", "较重处罚未经负责人集体讨论",
        f"{reason}，属于较重的行政处罚，宜认定为重大违法行为，应由行政机关负责人集体讨论决定；案卷记载未集体讨论。",
        citations=cites, suggestion="提交负责人集体讨论，并将讨论记录归档。",
    ))
    return out


# ---------------------------------------------------------------- elements of the decision (第五十九条)

# The parser's fields are the first evidence of each element; these looser patterns keep a draft laid out
# in an unusual way from being reported as lacking what it does state.
_ADDRESS_RE = re.compile(
    r"(?:住所|住址|地址|经营场所|经营地址|注册地址|营业场所|住\s*址|居住地)[^：:\n]{0,3}[：:]"
    r"|[，,]\s*(?:现住|住|户籍所在地)[^，。\n]{4,}"
)
# Party lines the parser may not read as 当事人 (公安机关 write 违法行为人：…, 被处罚人：… in one line).
_PARTY_LINE_RE = re.compile(
    r"^\s*(?:违法行为人|被处罚人|被处罚单位|当事人|行政相对人)(?:姓名|名称)?\s*[：:]\s*[\u4e00-\u9fff]", re.MULTILINE
)
# 当场收缴 (行政处罚法 第六十八条) is itself the manner and time of payment.
_ON_THE_SPOT_PAYMENT_RE = re.compile(r"当场收缴")
_EVIDENCE_WORDS_RE = re.compile(r"证据|笔录|为证|证明|证实")
_PENALTY_WORDS_RE = re.compile(
    r"(?:决定|给予|处以|并处|处)[^。\n]{0,30}(?:罚款|警告|没收|吊销|责令停产|责令停业|责令关闭|拘留|通报批评)"
)
_PAYMENT_WORDS_RE = re.compile(r"缴纳|缴至|缴款|缴交")


@rule("procedure.decision_elements", PROC, "决定书载明法定事项", "《中华人民共和国行政处罚法》第五十九条")
def decision_elements(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    d = ctx.draft
    simple = _is_simple(ctx)
    missing: list[tuple[str, Citation]] = []
    if not d.party_name and not _PARTY_LINE_RE.search(d.text):
        missing.append(("当事人的姓名或者名称", _cite(ctx, 59, 1, 1)))
    if not _ADDRESS_RE.search(d.text) and not simple:
        missing.append(("当事人的地址", _cite(ctx, 59, 1, 1)))
    # Whether the facts are clear and proven is the facts criterion; here only whether they are stated.
    if not d.facts and not any(c.role == "violated" for c in d.citations):
        missing.append(("违法事实", _cite(ctx, 59, 1, 2)))
    if not d.evidence and not simple and not _EVIDENCE_WORDS_RE.search(d.text):
        missing.append(("证据", _cite(ctx, 59, 1, 2)))
    if not d.penalty_text and not _PENALTY_WORDS_RE.search(d.text):
        missing.append(("行政处罚的种类", _cite(ctx, 59, 1, 3)))
    pays = any(k in d.penalty_kinds for k in ("罚款", "没收违法所得")) or d.fine is not None
    spot = simple and bool(_ON_THE_SPOT_PAYMENT_RE.search(d.text))
    if pays and not spot and not d.payment_text and not _PAYMENT_WORDS_RE.search(d.text):
        missing.append(("行政处罚的履行方式和期限", _cite(ctx, 59, 1, 4)))
    elif pays and not spot and d.payment_text and not re.search(r"日内|日起|期限|之日|当场", d.payment_text):
        missing.append(("缴纳罚款的期限", _cite(ctx, 59, 1, 4)))
    if not d.remedy_text and not (re.search(r"复议", d.text) and re.search(r"诉讼|起诉", d.text)):
        missing.append(("申请行政复议、提起行政诉讼的途径和期限", _cite(ctx, 59, 1, 5)))
    # The parser knows agencies by their usual endings; a name it cannot read (…科, …所) is still a name when
    # the body the case names is written in the draft.
    named_in_text = bool(ctx.case.agency) and normalised(ctx.case.agency or "") in normalised(d.text)
    if not (d.signature_agency or d.agency or named_in_text):
        missing.append(("作出决定的行政机关名称", _cite(ctx, 59, 1, 6)))
    if d.decision_date is None:
        missing.append(("作出决定的日期", _cite(ctx, 59, 1, 6)))
    # A text with neither a closing date nor a signing agency is an excerpt (a published summary, a page
    # cut short): what it lacks cannot be told from what the decision lacks.
    complete = d.decision_date is not None or d.signature_agency is not None
    if missing:
        names = "、".join(name for name, _ in missing)
        cites: list[Citation] = []
        for _, c in missing:
            if c not in cites:
                cites.append(c)
        if not complete:
            out.findings.append(_verify(
                "procedure.decision_elements.incomplete", "决定书文本不完整，法定事项需核实",
                f"所附文本没有落款机关和日期，可能不是完整的决定书；文本中未见{names}。",
                cites, f"提供完整的决定书，核对是否载明{names}。",
            ))
            return out
        out.findings.append(_finding(
            Severity.GENERAL, "procedure.decision_elements", f"决定书未载明：{names}",
            f"行政处罚决定书应当载明第五十九条所列事项；本决定书未见{names}。", citations=cites,
            suggestion=f"补充{names}。",
        ))
    else:
        out.checked.append("决定书载明了当事人、事实和证据、处罚种类和依据、履行方式和期限、救济途径和期限、机关名称和日期。")
    if d.seal is None and complete:
        out.findings.append(_verify(
            "procedure.decision_elements.seal", "决定书印章需核实",
            "决定书文本中未见印章标注（如“（印章）”）；决定书必须盖有作出决定的行政机关的印章。",
            [_cite(ctx, 59, 2)], "核对正式文书是否加盖作出决定的行政机关印章。",
        ))
    return out


# ---------------------------------------------------------------- remedy told to the party


@rule("procedure.remedy_periods", PROC, "复议、诉讼期限告知正确",
      "《中华人民共和国行政复议法》第二十条第一款；《中华人民共和国行政诉讼法》第四十六条第一款；"
      "《中华人民共和国行政处罚法》第五十九条第一款第（五）项")
def remedy_periods(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    d = ctx.draft
    remedy = d.remedy_text
    if not remedy:
        return out  # reported by procedure.decision_elements
    day = ctx.procedure_date
    review = _param("reconsideration_days", day)
    litigation = _param("litigation_months", day)
    review_first = bool(re.search(r"先(?:依法)?(?:向[^，。；]{0,30})?申请(?:行政)?复议|复议前置", remedy))
    if review is not None and "复议" in remedy:
        expected = int(review.value)
        if d.review_days is None:
            out.findings.append(_finding(
                Severity.GENERAL, "procedure.remedy_periods.review_missing", "未写明申请行政复议的期限",
                "决定书告知了行政复议途径，但未写明申请期限。", quote=remedy,
                citations=[ctx.cite_param(review, on=day)],
                suggestion=f"写明“自收到本决定书之日起{_cn(expected)}日内”申请行政复议。",
            ))
        elif d.review_days != expected:
            out.findings.append(_finding(
                Severity.GENERAL, "procedure.remedy_periods.review",
                f"复议申请期限告知错误（写作{_cn(d.review_days)}日）",
                f"决定书写明{_cn(d.review_days)}日内申请行政复议；申请行政复议的期限为{_cn(expected)}日。",
                quote=remedy, citations=[ctx.cite_param(review, on=day)],
                suggestion=f"改为{_cn(expected)}日。",
            ))
        else:
            out.checked.append(f"复议申请期限{_cn(expected)}日，告知正确（{review.reference}）。")
    if litigation is not None:
        expected_m = int(litigation.value)
        if d.litigation_months is not None and d.litigation_months != expected_m:
            out.findings.append(_finding(
                Severity.GENERAL, "procedure.remedy_periods.litigation",
                f"起诉期限告知错误（写作{_cn(d.litigation_months)}个月）",
                f"决定书写明{_cn(d.litigation_months)}个月内提起行政诉讼；直接向人民法院提起诉讼的期限是"
                f"自知道或者应当知道作出行政行为之日起{_cn(expected_m)}个月。",
                quote=remedy, citations=[ctx.cite_param(litigation, on=day), _cite(ctx, 59, 1, 5)],
                suggestion=f"改为“{_cn(expected_m)}个月内”。",
            ))
        elif d.litigation_months is None and not review_first and not re.search(r"诉讼|起诉", remedy):
            out.findings.append(_finding(
                Severity.GENERAL, "procedure.remedy_periods.litigation_missing",
                "未告知提起行政诉讼的途径和期限",
                "决定书只告知了行政复议，未告知可以直接向人民法院提起行政诉讼及其期限。", quote=remedy,
                citations=[ctx.cite_param(litigation, on=day), _cite(ctx, 59, 1, 5)],
                suggestion=f"补充“也可以在{_cn(expected_m)}个月内依法向人民法院提起行政诉讼”。",
            ))
        elif d.litigation_months is not None:
            out.checked.append(f"起诉期限{_cn(expected_m)}个月，告知正确（{litigation.reference}）。")
    # 当场处罚决定: from 2024-01-01 复议前置 (行政复议法 第二十三条第一款第（一）项、第二款).
    if _is_simple(ctx) and day >= REVIEW_LAW_2023 and not review_first:
        out.findings.append(_finding(
            Severity.GENERAL, "procedure.remedy_periods.review_first", "当场处罚决定未告知应先申请行政复议",
            "对当场作出的行政处罚决定不服的，应当先申请行政复议；行政机关作出决定时应当告知。决定书未作此告知。",
            quote=remedy,
            citations=[ctx.cite(REVIEW_LAW, 23, 1, 1, on=day), ctx.cite(REVIEW_LAW, 23, 2, on=day)],
            suggestion="改为“应当自收到本决定书之日起六十日内先申请行政复议；对复议决定不服的，可以依法提起行政诉讼”。",
        ))
    return out


# The region of an agency and the kind of body it is: 北京市海淀区 + 清河湾街道办事处 / 市场监督管理局.
_REGION_RE = re.compile(
    r"^(?P<region>(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?市)?(?:[\u4e00-\u9fff]{1,8}?(?:区|县|旗))?)"
    r"(?P<rest>[\u4e00-\u9fff]+)$"
)
# Vertically led agencies and 国家安全机关 go to the higher department (2023 第二十七条); 派出机构 and
# units whose 复议机关 depends on facts the draft does not show are not checked.
_NOT_CHECKED_RE = re.compile(
    r"海关|税务|金融|外汇|国家安全|消防|海事|分局|派出所|支队|大队|中队|执法队|所$|站$"
)


def expected_review_body(agency: str) -> tuple[str, str] | None:
    """(复议机关, why) for a 街道办事处 or a county/district/city department, else None."""
    name = re.sub(r"\s+", "", agency)
    if _NOT_CHECKED_RE.search(name) or name.endswith("人民政府"):
        return None
    m = _REGION_RE.match(name)
    if not m or not m.group("region") or not m.group("rest"):
        return None
    region, rest = m.group("region"), m.group("rest")
    if rest.endswith("街道办事处"):
        return f"{region}人民政府", "街道办事处是区、县人民政府的派出机关"
    if re.search(r"(?:局|委员会|委|厅|办公室)$", rest):
        return f"{region}人民政府", "作出决定的是本级人民政府的工作部门"
    return None


@rule("procedure.review_body", PROC, "复议机关告知正确",
      "《中华人民共和国行政复议法》第二十四条第一款；《中华人民共和国行政处罚法》第五十九条第一款第（五）项")
def review_body(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    d = ctx.draft
    agency = ctx.case.agency or d.agency or d.signature_agency
    body = d.review_body
    if not agency or not body:
        return out
    found = expected_review_body(agency)
    if found is None:
        return out
    expected, why = found
    day = ctx.procedure_date
    body_norm = re.sub(r"\s+", "", body)
    if body_norm == expected or (body_norm.endswith("人民政府") and expected.endswith(body_norm)
                                 and len(body_norm) > len("人民政府") + 1):
        out.checked.append(f"复议机关{body}正确（{why}）。")
        return out
    if day < REVIEW_LAW_2023:
        # 2017 text 第十二条: a department's decision may go to the 本级人民政府 or the 上一级主管部门.
        if body_norm.endswith("人民政府") and not expected.endswith(body_norm):
            pass
        else:
            out.checked.append(f"复议机关{body}：按当时有效的行政复议法（2017年修正）可由当事人选择，未发现错误。")
            return out
    cites = [ctx.cite(REVIEW_LAW, 24, 1, on=day)] if day >= REVIEW_LAW_2023 else [
        ctx.cite(REVIEW_LAW, 12, 1, on=day), ctx.cite(REVIEW_LAW, 15, 1, 1, on=day)]
    out.findings.append(_finding(
        Severity.GENERAL, "procedure.review_body", f"复议机关告知有误：{body}",
        f"{agency}作出的行政处罚，{why}，行政复议机关应为{expected}；决定书写作{body}。",
        quote=d.remedy_text, citations=cites, suggestion=f"改为“向{expected}申请行政复议”。",
    ))
    return out


# ---------------------------------------------------------------- 简易程序


@rule("procedure.simple_procedure", PROC, "简易程序在法定限额内适用",
      "《中华人民共和国行政处罚法》第五十一条")
def simple_procedure(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    if not _is_simple(ctx):
        return out
    d = ctx.draft
    day = ctx.procedure_date
    person = party_is_person(ctx.case)
    p_person = _param("simple_procedure_max_fine_person", day)
    p_org = _param("simple_procedure_max_fine_org", day)
    if p_person is None or p_org is None:
        return out
    other_kinds = [k for k in d.penalty_kinds if k not in ("罚款", "警告")]
    cites = [ctx.cite_param(p_org if person is False else p_person), _cite(ctx, 54, 1)]
    if other_kinds:
        out.findings.append(_finding(
            Severity.SEVERE, "procedure.simple_procedure.kind", f"当场处罚不得作出{'、'.join(other_kinds)}",
            f"简易程序（当场处罚）只适用于警告和限额以内的罚款；本决定还作出{'、'.join(other_kinds)}，应当适用普通程序。",
            quote=d.penalty_text, citations=cites, suggestion="改按普通程序立案调查、事先告知后作出决定。",
        ))
    if d.fine is None:
        return out
    limit_param = p_org if person is False else p_person
    limit = float(limit_param.value)
    who = "法人或者其他组织" if person is False else "公民"
    if d.fine.yuan <= limit:
        out.checked.append(f"当场处罚对{who}罚款{d.fine.yuan:,.0f}元，未超过{limit:,.0f}元。")
        return out
    if person is None and d.fine.yuan <= float(p_org.value):
        out.findings.append(_verify(
            "procedure.simple_procedure.party_unknown", "当事人类别需核实（简易程序限额）",
            f"当场罚款{d.fine.yuan:,.0f}元：对公民的上限为{float(p_person.value):,.0f}元，对法人或者其他组织为"
            f"{float(p_org.value):,.0f}元；案卷未显示当事人类别。", [ctx.cite_param(p_person)],
            "核实当事人是公民还是单位；对公民超过限额的，应适用普通程序。",
        ))
        return out
    out.findings.append(_finding(
        Severity.SEVERE, "procedure.simple_procedure", "超过简易程序罚款限额",
        f"当场处罚只适用于对公民{float(p_person.value):,.0f}元以下、对法人或者其他组织{float(p_org.value):,.0f}元以下"
        f"罚款或者警告；本案对{who}罚款{d.fine.yuan:,.0f}元，超过限额，应当适用普通程序（立案、调查取证、书面告知、"
        "听取陈述申辩后作出决定）。",
        quote=d.fine.text, citations=cites,
        suggestion="撤回当场处罚决定，按普通程序办理。",
    ))
    return out

