"""Criterion: discretion (行政裁量). Rules are registered with `review.engine.rule`.

- the fine lies within the range the penalty provision states (过罚相当, 行政处罚法 第五条第二款);
- where a published benchmark (裁量基准, 第三十四条) covers the case, within the tier its
  circumstances select;
- mandatory mitigation and 不予处罚 grounds shown by the record are reflected (第三十二条、第三十三条);
- no heavier penalty than proposed after the party was heard (第四十五条第二款);
- the reasons for the amount are stated.
"""

from __future__ import annotations

import difflib
import re
import weakref
from dataclasses import dataclass, field

from corpus.citations import find_citations
from corpus.discretion import rows_for_citation
from corpus.models import DiscretionRow
from corpus.store import discretion_unit_id
from review.criteria.penalties import (
    CaseCircumstances,
    FineItem,
    Measured,
    PenaltyProvision,
    StatutoryRange,
    base_amounts,
    circumstance_fits,
    fine_items,
    measure,
    party_side,
    penalty_provisions,
    proposed_fine_total,
    provisions_for_item,
    row_fine_contains,
    select_ranges,
    statutory_ranges,
    tier_label,
    violated_of_same_law,
    yuan,
)
from review.engine import ReviewContext, RuleOutcome, citation_from_resolution, rule
from review.models import Citation, Criterion, Finding, Severity

PENALTY_LAW = "中华人民共和国行政处罚法"


# ============================================================================ fine vs statutory range


@dataclass
class ItemCheck:
    """How one fine of the draft compares with the ranges of its penalty provisions."""

    item: FineItem
    status: str  # inside | outside | unknown | no_range | unresolved
    provision: PenaltyProvision | None = None
    ranges: list[StatutoryRange] = field(default_factory=list)  # applicable ranges of that provision
    inside: list[StatutoryRange] = field(default_factory=list)
    measured: list[Measured] = field(default_factory=list)


_CHECKS: weakref.WeakKeyDictionary[ReviewContext, list[ItemCheck]] = weakref.WeakKeyDictionary()


def fine_checks(ctx: ReviewContext) -> list[ItemCheck]:
    """Each fine of the draft measured against its provisions' ranges (computed once per review)."""
    if ctx in _CHECKS:
        return _CHECKS[ctx]
    draft = ctx.case.draft
    items = [i for i in fine_items(draft.penalty_text, draft.fine) if not i.responsible]
    provisions = penalty_provisions(ctx)
    party = ctx.case.record.party
    side = party_side(party.kind if party else None, draft)
    out: list[ItemCheck] = []
    for item in items:
        best: ItemCheck | None = None
        for prov in provisions_for_item(ctx, item, provisions):
            if prov.article is None:
                best = best or ItemCheck(item, "unresolved", prov)
                continue
            ranges = statutory_ranges(prov.article, prov.cited.paragraph, prov.cited.item)
            if not ranges:
                if best is None or best.status == "unresolved":
                    best = ItemCheck(item, "no_range", prov)
                continue
            bases = base_amounts(draft, [r.base for r in ranges if r.base])
            applicable = select_ranges(
                ranges,
                penalty_article=prov.cited.article_no or 0,
                violated=violated_of_same_law(ctx, prov),
                side=side,
                draft_text=draft.text,
                base_amounts=bases,
            )
            measured = [measure(r, item, draft, bases) for r in applicable]
            inside = [
                r
                for r, m in zip(applicable, measured, strict=True)
                if m.value is not None and r.contains(m.value)
            ]
            unknown = any(m.value is None for m in measured)
            status = "inside" if inside else "unknown" if unknown else "outside"
            check = ItemCheck(item, status, prov, applicable, inside, measured)
            rank = {"inside": 0, "unknown": 1, "outside": 2, "no_range": 3, "unresolved": 4}
            if best is None or rank[status] < rank[best.status]:
                best = check
        out.append(best or ItemCheck(item, "unresolved"))
    _CHECKS[ctx] = out
    return out


def _penalty_citation(prov: PenaltyProvision) -> Citation:
    """The penalty provision as the draft cites it, verbatim from the store (or why it is unverified)."""
    return citation_from_resolution(prov.resolution)


# 减轻处罚 (below the statutory minimum) needs a ground the law names: 行政处罚法 第三十条（未成年人）、
# 第三十二条; special laws name their own (治安管理处罚法 第十九条).
_MITIGATION_GROUND_RE = re.compile(
    r"第三十二条|第三十条|第十九条|未成年|主动消除|主动减轻|胁迫|诱骗|主动供述[^。；]{0,12}尚未掌握|立功"
)
_REDUCED_RE = re.compile(r"(?<![不未])减轻(?:处罚|行政处罚)")


def _outside_finding(ctx: ReviewContext, c: ItemCheck) -> Finding:
    """A fine outside every applicable range: above it is never lawful; below it is 减轻处罚, lawful only on a
    ground the law names — stated with such a ground, the reviewer checks it rather than the tool concluding."""
    assert c.provision is not None
    allowed = "、".join(dict.fromkeys(r.describe() for r in c.ranges))
    hows = "；".join(dict.fromkeys(m.how for m in c.measured))
    below = all(
        m.value is not None and m.value < r.bounds()[0] for r, m in zip(c.ranges, c.measured, strict=True)
    )
    text = ctx.case.draft.text
    cites = (_penalty_citation(c.provision), ctx.cite(PENALTY_LAW, 5, 2))
    if below and _REDUCED_RE.search(text) and _MITIGATION_GROUND_RE.search(text):
        return Finding(
            criterion=Criterion.DISCRETION,
            severity=Severity.HINT,
            code="discretion.statutory_range.reduced",
            title="需核实减轻处罚的法定情形",
            verify=True,
            detail=f"决定{hows}，低于{c.provision.label}规定的{allowed}；决定书说明减轻处罚，"
            "请核实所述情形属于法律规定应当或者可以减轻处罚的情形，且证据充分。",
            quote=c.item.text,
            citations=(*cites, ctx.cite(PENALTY_LAW, 32)),
            suggestion="核对减轻处罚的法定依据及证据；不属于的，在法定幅度内重新裁量。",
        )
    if below:
        return Finding(
            criterion=Criterion.DISCRETION,
            severity=Severity.SEVERE,
            code="discretion.statutory_range",
            title="罚款低于法定最低额",
            detail=(
                f"决定{hows}，而{c.provision.label}规定的罚款幅度为{allowed}，罚款低于法定最低额。"
                "在法定幅度以下处罚属减轻处罚，只能依据法律规定的减轻情形（如行政处罚法第三十二条）并说明理由；"
                "决定书未写明减轻处罚的法定情形，“从轻”只能在幅度内，属明显不当的裁量。"
            ),
            quote=c.item.text,
            citations=(*cites, ctx.cite(PENALTY_LAW, 32)),
            suggestion=f"在{allowed}的幅度内重新裁量；确有法定减轻情形的，写明依据和事实。拟处罚内容变化的，应重新告知。",
        )
    return Finding(
        criterion=Criterion.DISCRETION,
        severity=Severity.SEVERE,
        code="discretion.statutory_range",
        title="罚款超出法定幅度",
        detail=(
            f"决定{hows}，而{c.provision.label}规定的罚款幅度为{allowed}，罚款超出法定幅度，"
            "属明显不当的裁量；行政处罚法没有在法定幅度以外加重处罚的依据。"
        ),
        quote=c.item.text,
        citations=cites,
        suggestion=f"在{allowed}的幅度内重新裁量并说明理由；拟处罚内容变化的，应重新告知当事人。",
    )


@rule(
    "discretion.statutory_range",
    Criterion.DISCRETION,
    "罚款数额在罚则规定的幅度内",
    "《中华人民共和国行政处罚法》第五条第二款；所引罚则条文规定的罚款幅度",
)
def statutory_range(ctx: ReviewContext) -> RuleOutcome:
    draft = ctx.case.draft
    out = RuleOutcome()
    checks = fine_checks(ctx)
    if not checks:
        if "罚款" in draft.penalty_kinds:
            out.findings.append(
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.HINT,
                    code="discretion.statutory_range.amount_unknown",
                    title="需核实罚款数额",
                    detail="决定书载有罚款，但未能识别出具体罚款数额，无法与法定幅度比对。",
                    quote=draft.penalty_text,
                    verify=True,
                    suggestion="请在处罚内容中写明罚款的具体数额（大写并注明人民币）。",
                )
            )
        elif draft.penalty_kinds:
            out.checked.append("决定书未处罚款，无须审查罚款幅度。")
        else:
            # No penalty could be read at all (an excerpt, an OCR page): "no fine" would be a guess.
            out.findings.append(
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.HINT,
                    code="discretion.statutory_range.penalty_unknown",
                    title="需核实处罚内容",
                    detail="未能从决定书中识别出处罚种类和数额，无法审查是否在法定幅度内。",
                    verify=True,
                    suggestion="请核对决定书的处罚内容部分（处罚种类、罚款数额）。",
                )
            )
        return out
    for c in checks:
        amount = yuan(c.item.amount)
        if c.status == "inside" and c.provision is not None:
            how = next((m.how for r, m in zip(c.ranges, c.measured, strict=True) if r in c.inside), amount)
            ranges = "、".join(dict.fromkeys(r.describe() for r in c.inside))
            out.checked.append(f"{how}，在{c.provision.label}规定的{ranges}幅度内。")
        elif c.status == "outside" and c.provision is not None:
            out.findings.append(_outside_finding(ctx, c))
        elif c.status == "unknown" and c.provision is not None:
            hows = "；".join(dict.fromkeys(m.how for m in c.measured if m.value is None))
            allowed = "、".join(dict.fromkeys(r.describe() for r in c.ranges))
            out.findings.append(
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.HINT,
                    code="discretion.statutory_range.base_unknown",
                    title="需核实罚款计算基数",
                    verify=True,
                    detail=f"{c.provision.label}规定的罚款幅度为{allowed}，{hows}，无法核对罚款{amount}是否在幅度内。",
                    quote=c.item.text,
                    citations=(_penalty_citation(c.provision),),
                    suggestion="在决定书中写明计罚基数（如违法所得、货值金额、数量）及其认定依据。",
                )
            )
        elif c.status == "no_range" and c.provision is not None:
            out.findings.append(
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.HINT,
                    code="discretion.statutory_range.no_range",
                    title="需核实罚款的法定幅度",
                    verify=True,
                    detail=(
                        f"所引处罚依据{c.provision.label}的条文中没有可识别的罚款幅度（可能为转致其他法规的条款），"
                        f"无法核对罚款{amount}是否在法定幅度内。"
                    ),
                    quote=c.item.text,
                    citations=(_penalty_citation(c.provision),),
                    suggestion="请引用规定罚款幅度的具体条款，并核对罚款在该幅度内。",
                )
            )
        else:
            why = (
                f"{c.provision.label}未能在法规库中核验"
                if c.provision
                else "决定书未写明（或未能识别）罚款所依据的罚则条款"
            )
            out.findings.append(
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.HINT,
                    code="discretion.statutory_range.unresolved",
                    title="需核实罚款的法定幅度",
                    verify=True,
                    detail=f"{why}，无法核对罚款{amount}是否在法定幅度内。",
                    quote=c.item.text,
                    citations=(_penalty_citation(c.provision),) if c.provision else (),
                    suggestion="请人工核对罚则原文规定的罚款幅度。",
                )
            )
    return out


# ============================================================================ benchmark tiers

_NAMED_MATTER_RE = re.compile(r"第\s*(\d+-\d+)\s*项")
_NAMED_TIER_RE = re.compile(r"第\s*([0-9]+|[一二三四五六七八九十])\s*档")
_CN_TIER = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_QUOTE_RE = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"")
_NO_PRIOR_RE = re.compile(r"(?:两年|二年|2年)内?(?:无|没有|未有)[^。；]{0,12}(?:违法|处罚)|(?:初次|首次)违法")


def _table_place(row: DiscretionRow) -> str:
    # table_key is the most specific administrative unit of the table's jurisdiction plus its year
    # (corpus.discretion.derive_table_key): 江门2020 → 江门.
    return re.sub(r"\d+$", "", row.table_key)


def _table_applies(ctx: ReviewContext, row: DiscretionRow) -> tuple[bool, str]:
    case = ctx.case
    where = "".join(
        x or "" for x in (case.jurisdiction, case.agency, case.draft.agency, case.draft.signature_agency)
    )
    place = _table_place(row)
    if not place or place not in where:
        return (
            False,
            f"本案地区/机关（{case.jurisdiction or case.agency or '未写明'}）"
            f"不在{row.table_key}裁量基准的适用地域内",
        )
    day = ctx.decision_date or ctx.act_date
    if day is None:
        return True, ""
    if (row.valid_from and day < row.valid_from) or (row.valid_until and day > row.valid_until):
        span = f"{row.valid_from or '?'}至{row.valid_until or '?'}"
        return False, f"本案决定日期{day.isoformat()}不在{row.table_key}裁量基准有效期（{span}）内"
    return True, ""


def _circumstances(ctx: ReviewContext) -> CaseCircumstances:
    case = ctx.case
    draft = case.draft
    # The draft's own benchmark quotation (…第N档“…项目…”) is what is being checked; leave it out.
    sentences = [
        s for s in re.split(r"[。\n]", draft.text) if not re.search(r"档|参照表|裁量标准|裁量基准", s)
    ]
    text = _QUOTE_RE.sub("", "。".join(sentences))
    extra = [*(case.record.evidence or ()), case.record.harm or ""]
    full = text + "。" + "。".join(extra)
    party = case.record.party
    occurrence: int | None = None
    if party is not None and party.prior_violations is not None:
        occurrence = party.prior_violations + 1
    elif _NO_PRIOR_RE.search(full):
        occurrence = 1
    return CaseCircumstances(text=full, occurrence=occurrence)


def _row_citation(ctx: ReviewContext, rows: list[DiscretionRow]) -> Citation:
    first = rows[0]
    day = ctx.decision_date or ctx.act_date
    in_force = (
        None
        if day is None
        else (
            (first.valid_from is None or day >= first.valid_from)
            and (first.valid_until is None or day <= first.valid_until)
        )
    )
    unit_id = discretion_unit_id(first.table_key, first.item_no)
    unit = ctx.store.unit(unit_id)
    if unit is None:  # the table's unit must come from the store verbatim, or the citation is unverified
        return Citation(
            unit_id=None,
            law=f"裁量基准表（{first.table_key}）",
            article=f"第{first.item_no}项",
            version=None,
            text="法规库中未找到该裁量基准项，未能核验。",
            in_force=None,
            verified=False,
        )
    return Citation(
        unit_id=unit_id,
        law=unit.title,
        article=f"第{first.item_no}项",
        version=first.valid_from.isoformat() if first.valid_from else None,
        text=unit.text,
        in_force=in_force,
        verified=True,
    )


def _item_filter(rows: list[DiscretionRow], item: int | None) -> list[DiscretionRow]:
    if item is None:
        return rows
    kept = []
    for r in rows:
        items = {ref.item for cited in r.basis_citations for ref in find_citations(cited)}
        if None in items or item in items or not items:
            kept.append(r)
    return kept


def _pick_matter(ctx: ReviewContext, rows: list[DiscretionRow]) -> tuple[list[DiscretionRow], str | None]:
    """Rows of the one matter (序号) the case falls under; (all rows, message) when it can't be told."""
    by_item: dict[str, list[DiscretionRow]] = {}
    for r in rows:
        by_item.setdefault(r.item_no, []).append(r)
    if len(by_item) == 1:
        return next(iter(by_item.values())), None
    named = [m for m in _NAMED_MATTER_RE.findall(ctx.case.draft.text) if m in by_item]
    if len(set(named)) == 1:
        return by_item[named[0]], None
    facts = ctx.case.draft.facts or ctx.case.draft.text
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, g[0].matter, facts).find_longest_match().size, k)
            for k, g in by_item.items()
        ),
        reverse=True,
    )
    if scored and scored[0][0] >= 8 and (len(scored) == 1 or scored[0][0] >= scored[1][0] + 4):
        return by_item[scored[0][1]], None
    return rows, "、".join(f"第{k}项（{g[0].matter[:20]}…）" for k, g in by_item.items())


@rule(
    "discretion.benchmark_tier",
    Criterion.DISCRETION,
    "罚款在裁量基准对应档次内",
    "《中华人民共和国行政处罚法》第三十四条；适用地域、有效期内的行政处罚裁量基准",
)
def benchmark_tier(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    all_rows = ctx.store.discretion_rows()
    checks = fine_checks(ctx)
    if not all_rows or not checks:
        return out
    amount = sum(c.item.amount for c in checks)
    seen_matters: set[str] = set()
    for prov in penalty_provisions(ctx):
        law = prov.resolution.law_title or prov.cited.law_name
        if not law or prov.cited.article_no is None:
            continue
        rows = rows_for_citation(
            all_rows, law, prov.cited.article_no, prov.cited.paragraph, prov.cited.article_suffix
        )
        rows = _item_filter(rows, prov.cited.item)
        if not rows:
            continue
        applies, why = _table_applies(ctx, rows[0])
        if not applies:
            out.checked.append(f"{why}，未参照该裁量基准。")
            continue
        matter_rows, ambiguous = _pick_matter(ctx, rows)
        matter_key = matter_rows[0].table_key + matter_rows[0].item_no
        if matter_key in seen_matters:  # 第一百一十七条 and 第一百一十七条第（二）项 cited together
            continue
        seen_matters.add(matter_key)
        base_cites = (
            _row_citation(ctx, matter_rows),
            _penalty_citation(prov),
            ctx.cite(PENALTY_LAW, 34),
        )
        if ambiguous:
            out.findings.append(
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.HINT,
                    code="discretion.benchmark_tier.matter",
                    title="需核实适用的裁量基准事项",
                    verify=True,
                    detail=f"{prov.label}在裁量基准中对应多个事项：{ambiguous}，未能确定本案适用哪一项。",
                    citations=base_cites,
                    suggestion="在决定书中写明参照的裁量基准事项、档次及理由。",
                )
            )
            continue
        out.findings.extend(_tier_findings(ctx, prov, matter_rows, amount, base_cites, out.checked))
    return out


def _tier_findings(
    ctx: ReviewContext,
    prov: PenaltyProvision,
    rows: list[DiscretionRow],
    amount: float,
    cites: tuple[Citation, ...],
    checked: list[str],
) -> list[Finding]:
    rows = [r for r in rows if r.fine is not None and r.fine.unit == "yuan"]
    if not rows:
        return []
    item_no = rows[0].item_no
    facts = _circumstances(ctx)
    fits = {r.row_id: circumstance_fits(r.circumstance, facts) for r in rows}
    candidates = [r for r in rows if fits[r.row_id] is not False]
    determined = any(v is True for v in fits.values()) and bool(candidates) and len(candidates) < len(rows)
    stated = {
        int(t) if t.isdigit() else _CN_TIER.get(t, 0) for t in _NAMED_TIER_RE.findall(ctx.case.draft.text)
    } & {r.tier for r in rows if r.tier is not None}
    money = yuan(amount)
    table = f"裁量基准第{item_no}项"
    if stated:
        stated_rows = [r for r in rows if r.tier in stated]
        if not any(row_fine_contains(r, amount) for r in stated_rows):
            return [
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.SEVERE,
                    code="discretion.benchmark_tier.stated_tier",
                    title="罚款不在所称裁量档次内",
                    detail=f"决定书称参照{table}{tier_label(stated_rows)}，但罚款{money}不在该档幅度内。",
                    quote=_tier_quote(ctx),
                    citations=cites,
                    suggestion="按所适用档次的幅度重新确定罚款数额并说明理由。",
                )
            ]
    if determined:
        tiers = {r.tier for r in candidates}
        within = any(row_fine_contains(r, amount) for r in candidates)
        circ = "；".join(dict.fromkeys(r.circumstance for r in candidates))
        if stated and not (stated & tiers):
            return [
                Finding(
                    criterion=Criterion.DISCRETION,
                    # a wrong tier whose amount still falls in the right one is a reasoning defect only
                    severity=Severity.GENERAL if within else Severity.SEVERE,
                    code="discretion.benchmark_tier.wrong_tier",
                    title="裁量档次适用错误",
                    detail=(
                        f"决定书按{table}{tier_label([r for r in rows if r.tier in stated])}处罚，"
                        f"但案卷显示的情节对应{tier_label(candidates)}（{circ}）；罚款{money}"
                        + ("也在该档幅度内。" if within else "超出应适用档次的幅度。")
                    ),
                    quote=_tier_quote(ctx),
                    citations=cites,
                    suggestion=f"按{tier_label(candidates)}重新裁量，并在决定书中说明档次及从轻、从重情节。",
                )
            ]
        if not within:
            return [
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.SEVERE,
                    code="discretion.benchmark_tier.outside_tier",
                    title="罚款超出裁量基准对应档次",
                    detail=f"案卷显示的情节（{circ}）对应{table}{tier_label(candidates)}，罚款{money}不在该档幅度内。",
                    quote=_tier_quote(ctx),
                    citations=cites,
                    suggestion=f"按{tier_label(candidates)}的幅度重新裁量并说明理由；确需偏离基准的，应写明理由。",
                )
            ]
        if len(tiers) > 1 and not stated:
            return [
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.HINT,
                    code="discretion.benchmark_tier.undetermined",
                    title="需核实裁量档次",
                    verify=True,
                    detail=f"按案卷情节，本案可能属于{table}{tier_label(candidates)}，决定书未写明参照的档次；罚款{money}。",
                    citations=cites,
                    suggestion="在决定书中写明参照的裁量基准档次及理由。",
                )
            ]
        checked.append(f"{table}：案卷情节对应{tier_label(candidates)}，罚款{money}在档内。")
        return []
    if stated:
        return [
            Finding(
                criterion=Criterion.DISCRETION,
                severity=Severity.HINT,
                code="discretion.benchmark_tier.stated_unverified",
                title="需核实所称裁量档次与情节相符",
                verify=True,
                detail=(
                    f"决定书称参照{table}第{'、'.join(str(t) for t in sorted(stated))}档，"
                    f"罚款{money}在该档内；"
                    f"案卷未显示足以判断档次的情节。各档为：{tier_label(rows)}。"
                ),
                quote=_tier_quote(ctx),
                citations=cites,
                suggestion="核对案卷中决定档次的情节（如环评文件类别、违法次数、面积）。",
            )
        ]
    return [
        Finding(
            criterion=Criterion.DISCRETION,
            severity=Severity.HINT,
            code="discretion.benchmark_tier.undetermined",
            title="需核实裁量档次",
            verify=True,
            detail=f"本案适用{table}，案卷未显示足以确定档次的情节。各档为：{tier_label(rows)}；罚款{money}。",
            citations=cites,
            suggestion="在决定书中写明参照的裁量基准档次及理由，并核对罚款在档内。",
        )
    ]


def _tier_quote(ctx: ReviewContext) -> str | None:
    for s in re.split(r"[。\n]", ctx.case.draft.text):
        if _NAMED_TIER_RE.search(s) or _NAMED_MATTER_RE.search(s):
            return s.strip()[:160]
    return None


# ============================================================================ mitigation

_MINOR_HARM_RE = re.compile(
    r"无明显危害|未造成(?:明显|任何)?(?:危害|不良)?后果|没有造成(?:任何)?(?:危害)?后果|无危害后果|危害(?:后果)?(?:较)?轻微|后果轻微"
)
_NO_HARM_RE = re.compile(r"(?:未|没有)造成(?:任何)?危害后果|无危害后果")
_ADDRESSES_33_RE = re.compile(r"第三十三条|不予(?:行政)?处罚|免予处罚|轻微")
_MITIGATION_WORDS_RE = re.compile(r"从轻|减轻|初次|首次|主动改正|及时改正|已改正|整改|较低限|下限")
# 《中华人民共和国行政处罚法》第三十二条 grounds the record may show.
_ART32_GROUNDS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (
        1,
        re.compile(
            r"主动消除(?:或者减轻)?(?:了)?(?:违法行为)?(?:的)?危害后果|主动减轻(?:了)?(?:违法行为)?(?:的)?危害后果"
        ),
    ),
    (2, re.compile(r"受(?:他人)?胁迫|被(?:他人)?胁迫|受(?:他人)?诱骗|被(?:他人)?诱骗")),
    (3, re.compile(r"主动供述")),
    (4, re.compile(r"立功")),
)
_NEGATED_RE = re.compile(r"(?:不属于|不存在|未|没有|无)[^，。；]{0,4}$")


# The decision's own claim to be lenient, and the words that would justify the top of the range.
_LENIENT_CLAIM_RE = re.compile(
    r"(?<![不未])从轻(?:处罚|处理|裁量)?|减轻处罚|(?:法定幅度的|按照|按)?最低(?:额|限|标准)"
)
_AGGRAVATING_RE = re.compile(r"(?<![不未无])从重|情节严重|情节恶劣|屡教不改|拒不改正")


def _at_maximum(ctx: ReviewContext) -> tuple[float, str] | None:
    """(fine, range) when a fine equals the top of a closed yuan range it was measured inside."""
    for c in fine_checks(ctx):
        for r, m in zip(c.ranges, c.measured, strict=True):
            if r not in c.inside or r.unit != "yuan" or r.per is not None or m.value is None:
                continue
            low, high = r.bounds()
            if high is not None and high > low and abs(m.value - high) < 1e-6 * max(1.0, high):
                return c.item.amount, r.describe()
    return None


def applicable_midpoint(ctx: ReviewContext) -> tuple[float, float, str] | None:
    """(fine, midpoint, range text) of the first fine measured inside a closed yuan range."""
    for c in fine_checks(ctx):
        for r in c.inside:
            mid = r.midpoint()
            # a fixed amount (处五十元罚款) leaves nothing to weigh
            fixed = r.low is not None and r.high is not None and r.low == r.high
            if r.unit == "yuan" and r.per is None and mid is not None and not fixed:
                return c.item.amount, mid, r.describe()
    return None


@rule(
    "discretion.mitigation",
    Criterion.DISCRETION,
    "从轻、减轻、不予处罚情节已予考虑",
    "《中华人民共和国行政处罚法》第三十二条、第三十三条第一款",
)
def mitigation(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    case = ctx.case
    draft = case.draft
    if not fine_checks(ctx):
        return out
    rec = case.record
    harm = rec.harm or ""
    first = rec.party is not None and rec.party.prior_violations == 0
    corrected = rec.corrected is True
    text = draft.text
    record_text = "。".join(
        x
        for x in (
            harm,
            *(rec.evidence or ()),
            # what the party argued counts only once the agency accepted it
            rec.statement.summary
            if rec.statement and rec.statement.adopted and rec.statement.summary
            else "",
            draft.facts or "",
        )
        if x
    )
    if corrected and _NO_HARM_RE.search(harm) and "轻微" in record_text and not _ADDRESSES_33_RE.search(text):
        out.findings.append(
            Finding(
                criterion=Criterion.DISCRETION,
                severity=Severity.SEVERE,
                code="discretion.mitigation.no_penalty_ground",
                title="符合应当不予处罚情形而予处罚",
                detail=(
                    f"案卷显示违法行为轻微、已及时改正且没有造成危害后果（危害后果：{harm}），"
                    "依法应当不予行政处罚，决定书未说明不适用的理由。"
                ),
                quote=harm,
                citations=(ctx.cite(PENALTY_LAW, 33, 1),),
                suggestion="核实是否属于违法行为轻微并及时改正、没有造成危害后果的情形；属于的，应当不予行政处罚并对当事人进行教育。",
            )
        )
        return out
    if first and corrected and _MINOR_HARM_RE.search(harm) and not _ADDRESSES_33_RE.search(text):
        # 可以不予 is discretionary: a draft that already mitigates only needs to say why it still fines.
        mitigated = bool(re.search(r"从轻|减轻", text))
        out.findings.append(
            Finding(
                criterion=Criterion.DISCRETION,
                severity=Severity.HINT if mitigated else Severity.GENERAL,
                code="discretion.mitigation.first_offence",
                title="未说明初次违法且危害后果轻微并及时改正的情节",
                detail=(
                    "案卷显示当事人初次违法（此前无同类处罚）、"
                    f"已改正、危害后果为“{harm}”，属可以不予行政处罚的情形；决定书未说明为何仍予处罚。"
                ),
                quote=harm,
                citations=(ctx.cite(PENALTY_LAW, 33, 1), ctx.cite(PENALTY_LAW, 5, 2)),
                suggestion="在决定书中说明是否适用“初次违法且危害后果轻微并及时改正的，可以不予行政处罚”及理由。",
            )
        )
    for item_no, pattern in _ART32_GROUNDS:
        m = pattern.search(record_text)
        if not m or _NEGATED_RE.search(record_text[max(0, m.start() - 8) : m.start()]):
            continue
        mid = applicable_midpoint(ctx)
        high = mid is not None and mid[0] >= mid[1]
        if not re.search(r"从轻|减轻", text) or high:
            out.findings.append(
                Finding(
                    criterion=Criterion.DISCRETION,
                    severity=Severity.GENERAL,
                    code="discretion.mitigation.mandatory",
                    title="应当从轻或者减轻处罚的情节未予体现",
                    detail=(
                        f"案卷记载“{m.group(0)}”，属应当从轻或者减轻行政处罚的情形；"
                        + (
                            f"罚款{yuan(mid[0])}不低于{mid[2]}幅度的中间值{yuan(mid[1])}。"
                            if mid and high
                            else "决定书未说明从轻或者减轻。"
                        )
                    ),
                    quote=m.group(0),
                    citations=(ctx.cite(PENALTY_LAW, 32, None, item_no),),
                    suggestion="依法从轻或者减轻处罚，并在决定书中写明该情节及裁量理由。",
                )
            )
        break
    top = _at_maximum(ctx)
    claims = _LENIENT_CLAIM_RE.search(text)
    if top is not None and (claims or (first and corrected)) and not _AGGRAVATING_RE.search(text):
        why = f"决定书称“{claims.group()}”" if claims else "案卷显示当事人初次违法并已改正"
        out.findings.append(
            Finding(
                criterion=Criterion.DISCRETION,
                severity=Severity.SEVERE,
                code="discretion.mitigation.maximum",
                title="有从轻情节却按法定最高额处罚",
                detail=(
                    f"罚款{yuan(top[0])}为{top[1]}幅度的最高额，而{why}，决定书未说明任何从重情节；"
                    "从轻情节未在处罚结果中体现，顶格处罚与违法行为的事实、情节和社会危害程度不相当，属明显不当的裁量。"
                ),
                quote=claims.group() if claims else None,
                citations=(ctx.cite(PENALTY_LAW, 5, 2), ctx.cite(PENALTY_LAW, 32)),
                suggestion="结合从轻情节在法定幅度内重新裁量并说明理由；拟处罚内容变化的，应重新告知当事人。",
            )
        )
        return out
    mid = applicable_midpoint(ctx)
    if first and corrected and mid is not None and mid[0] >= mid[1] and not _MITIGATION_WORDS_RE.search(text):
        out.findings.append(
            Finding(
                criterion=Criterion.DISCRETION,
                severity=Severity.HINT,
                code="discretion.mitigation.not_reflected",
                title="初次违法、已改正的情节未在裁量中体现",
                detail=(
                    f"案卷显示当事人初次违法并已改正，罚款{yuan(mid[0])}不低于{mid[2]}幅度的中间值"
                    f"{yuan(mid[1])}，决定书未说明这些情节如何考虑。"
                ),
                citations=(ctx.cite(PENALTY_LAW, 5, 2),),
                suggestion="在裁量理由中说明对初次违法、主动改正等情节的考虑。",
            )
        )
    if not out.findings and (rec.party is not None or rec.corrected is not None or rec.harm):
        out.checked.append("未发现案卷显示的从轻、减轻或不予处罚情节在决定中未予考虑。")
    return out


# ======================================================================= no heavier penalty after a statement


@rule(
    "discretion.no_heavier_after_statement",
    Criterion.DISCRETION,
    "不因陈述申辩加重处罚",
    "《中华人民共和国行政处罚法》第四十五条第二款",
)
def no_heavier_after_statement(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    rec = ctx.case.record
    checks = fine_checks(ctx)
    if rec.notice is None or not rec.notice.proposed_penalty or not checks:
        return out
    proposed = proposed_fine_total(rec.notice.proposed_penalty)
    if proposed is None:
        return out
    decided = sum(c.item.amount for c in checks)
    if decided <= proposed + 0.5:
        out.checked.append(f"决定罚款{yuan(decided)}未高于告知书拟处罚款{yuan(proposed)}。")
        return out
    heard = rec.statement is not None and rec.statement.made is True
    out.findings.append(
        Finding(
            criterion=Criterion.DISCRETION,
            severity=Severity.SEVERE if heard else Severity.GENERAL,
            code="discretion.no_heavier_after_statement",
            title="决定罚款高于告知的拟处罚款" + ("（当事人已陈述申辩）" if heard else ""),
            detail=(
                f"告知书拟处罚款{yuan(proposed)}，决定罚款{yuan(decided)}。"
                + (
                    "当事人提出了陈述申辩，行政机关不得因陈述、申辩而给予更重的处罚。"
                    if heard
                    else "加重拟处罚内容的，应当重新告知当事人并听取意见。"
                )
            ),
            quote=rec.notice.proposed_penalty,
            citations=(ctx.cite(PENALTY_LAW, 45, 2), ctx.cite(PENALTY_LAW, 44)),
            suggestion="不得高于告知的拟处罚款；确因新查明的事实需加重的，应重新告知并听取陈述申辩。",
        )
    )
    return out


# ============================================================================ reasons for the amount

_REASONS_RE = re.compile(
    r"裁量|鉴于|考虑|综合(?:考虑|以上|上述|全案|分析|评估|认定)|从轻|减轻|从重|酌情|酌定|情节|参照|基准"
)


@rule(
    "discretion.reasons",
    Criterion.DISCRETION,
    "说明罚款数额的裁量理由",
    "《中华人民共和国行政处罚法》第五条第二款、第三十四条",
)
def reasons(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    checks = fine_checks(ctx)
    draft = ctx.case.draft
    if not checks or not draft.penalty_text:
        return out
    # a quoted provision (“…由城市管理综合执法部门…情节严重的…”) is the law, not the agency's reasoning
    if _REASONS_RE.search(_QUOTE_RE.sub("", draft.text)):
        out.checked.append("决定书说明了罚款数额的裁量理由或参照的裁量基准。")
        return out
    at_minimum = all(
        any(
            r.low is not None
            and r.contains(r.low)
            and m.value is not None
            and abs(m.value - (r.low if r.unit == "yuan" else r.bounds()[0])) < 1e-6
            for r, m in zip(c.ranges, c.measured, strict=True)
        )
        for c in checks
    )
    if at_minimum:
        out.checked.append("罚款为法定幅度的最低额，无须另行说明从重理由。")
        return out
    if not (draft.payment_text or draft.remedy_text):
        # an excerpt (公告、通报) may have left the reasoning out: ask, don't conclude
        out.findings.append(
            Finding(
                criterion=Criterion.DISCRETION,
                severity=Severity.HINT,
                code="discretion.reasons.verify",
                title="需核实罚款数额的裁量理由",
                verify=True,
                detail="所见文本未写明确定罚款数额所考虑的情节或参照的裁量基准，文本可能不完整。",
                quote=draft.penalty_text[:120],
                citations=(ctx.cite(PENALTY_LAW, 5, 2),),
                suggestion="核对决定书全文是否写明裁量理由；未写明的应补充。",
            )
        )
        return out
    # 当场处罚决定书 (第五十二条) lists no reasoning among its elements: advice only there.
    simple = ctx.case.procedure == "简易程序"
    out.findings.append(
        Finding(
            criterion=Criterion.DISCRETION,
            severity=Severity.HINT if simple else Severity.GENERAL,
            code="discretion.reasons",
            title="未说明罚款数额的裁量理由",
            detail="决定书在法定幅度内确定罚款数额，但未写明考虑的情节（违法程度、危害后果、改正情况、初次违法等）或参照的裁量基准。",
            quote=draft.penalty_text[:120],
            citations=(ctx.cite(PENALTY_LAW, 5, 2), ctx.cite(PENALTY_LAW, 34)),
            suggestion="补充裁量理由：写明从轻、从重情节及参照的裁量基准档次。",
        )
    )
    return out
