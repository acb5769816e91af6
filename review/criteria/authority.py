"""Criterion: authority (执法主体与职权). Rules are registered with `review.engine.rule`.

Is the issuing body an agency, acting in its own name, within the competence the penalty provision gives
(directly or through a documented transfer), through at least two qualified officers, and within its area?
"""

from __future__ import annotations

import datetime as dt
import re

from corpus.citations import format_citation
from corpus.models import LawVersion
from corpus.resolver import Resolution
from review.criteria.agencies import (
    COMPREHENSIVE,
    REFERRAL_RE,
    AgencyProfile,
    Competence,
    Delegation,
    Kind,
    Match,
    NamedDepartments,
    classify_agency,
    competence,
    districts_after_city,
    internal_unit_parent,
    kinds_title,
    named_departments,
    normalise_name,
)
from review.engine import ReviewContext, RuleOutcome, citation_from_resolution, rule
from review.models import Citation, CitedProvision, Criterion, Finding, Severity
from review.params import ParameterError, param

LPL = "中华人民共和国行政处罚法"
# Laws whose provisions govern how a penalty is imposed, never who is competent for the matter.
_PROCEDURAL_LAW_RE = re.compile(r"行政处罚法|行政复议法|行政诉讼法|行政强制法")


def _finding(
    severity: Severity, code: str, title: str, detail: str, *, quote: str | None = None,
    citations: list[Citation] | tuple[Citation, ...] = (), suggestion: str | None = None,
    verify: bool = False,
) -> Finding:
    return Finding(
        criterion=Criterion.AUTHORITY, severity=severity, code=code, title=title, detail=detail, quote=quote,
        citations=tuple(citations), suggestion=suggestion, verify=verify,
    )


def _verify(code: str, title: str, detail: str, **kw: object) -> Finding:
    return _finding(Severity.HINT, code, title, detail, verify=True, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- shared readings


def issuing_agency(ctx: ReviewContext) -> str | None:
    """The body the decision is issued by: the case's 行政主体, else the draft's heading or signature."""
    c = ctx.case
    return c.agency or c.draft.agency or c.draft.signature_agency


def _region(ctx: ReviewContext, agency: str) -> str:
    return f"{ctx.case.jurisdiction or ''}{agency}"


def penalty_provisions(ctx: ReviewContext) -> list[tuple[CitedProvision, Resolution]]:
    """Penalty provisions of the draft that the store verified, once each."""
    seen: set[tuple[str, int, int | None, int | None]] = set()
    out = []
    for cp, r in ctx.resolved_citations:
        if cp.role != "penalty" or r.text is None or r.law_title is None:
            continue
        if _PROCEDURAL_LAW_RE.search(r.law_title):
            continue
        key = (r.law_title, r.ref.article_no, r.ref.paragraph, r.ref.item)
        if key in seen:
            continue
        seen.add(key)
        out.append((cp, r))
    return out


def _version(ctx: ReviewContext, r: Resolution) -> LawVersion | None:
    if r.law_key is None:
        return None
    for v in ctx.store.versions(r.law_key):
        if v.effective == r.version_effective:
            return v
    return None


def _unit_text(version: LawVersion | None, r: Resolution) -> str:
    """Text that names who punishes: the cited 款, or for a 项 the paragraph whose lead-in governs it."""
    assert r.text is not None
    if r.ref.item is None or version is None:
        return r.text
    key = (r.ref.article_no, r.ref.article_suffix)
    art = next((a for a in version.articles if (a.no, a.suffix) == key), None)
    if art is None:
        return r.text
    if r.ref.paragraph is not None and r.ref.paragraph <= len(art.paragraphs):
        return art.paragraphs[r.ref.paragraph - 1].text
    itemised = [p for p in art.paragraphs if p.items]
    return itemised[0].text if itemised else r.text


def _label(r: Resolution) -> str:
    return r.citation or r.ref.text


def _named_citations(ctx: ReviewContext, r: Resolution, named: NamedDepartments) -> list[Citation]:
    cites = [citation_from_resolution(r)]
    if named.where == "law" and named.law_article is not None and r.law_title is not None:
        cites.append(ctx.cite(r.law_title, named.law_article.no, on=ctx.law_date))
    return cites


def _delegation_citations(ctx: ReviewContext, delegations: tuple[Delegation, ...]) -> list[Citation]:
    out: list[Citation] = []
    for d in delegations:
        for p in d.provisions:
            c = ctx.cite(p.law, p.article, p.paragraph, p.item)
            if c not in out:
                out.append(c)
    return out


def _delegation_sources(ctx: ReviewContext, delegations: tuple[Delegation, ...]) -> str:
    """The delegations with their provisions; the first local provision is quoted verbatim from the store."""
    parts = []
    for d in delegations:
        provisions = "、".join(
            format_citation(p.law, p.article, 0, p.paragraph, p.item) for p in d.provisions
        )
        local = next((p for p in d.provisions if p.law != LPL), None)
        if local is not None:
            cite = ctx.cite(local.law, local.article, local.paragraph, local.item)
            if cite.verified:
                provisions += f"（{cite.article}：“{cite.text}”）"
        docs = "；".join(
            f"《{s.title}》{s.document_number or ''}（{'语料库已收录' if s.in_corpus else '语料库未收录'}）"
            for s in d.documents
        )
        parts.append(f"{d.scope}依据：{provisions}" + (f"；{docs}" if docs else ""))
    return "；".join(parts)


# ---------------------------------------------------------------- 1. competence for the matter


@rule("authority.competence", Criterion.AUTHORITY, "处罚事项属于本机关的法定职权",
      "《中华人民共和国行政处罚法》第十七条、第十八条第二款、第二十四条；处罚条款规定的处罚机关")
def competence_for_matter(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    name = issuing_agency(ctx)
    basis17 = ctx.cite(LPL, 17)
    if name is None:
        out.findings.append(_verify(
            "authority.competence.agency_unknown", "需核实：作出处罚决定的行政机关",
            "案卷未写明行政主体，决定书抬头和落款也未能识别出机关名称，无法审核职权。",
            citations=[basis17], suggestion="请在案卷中写明作出决定的行政机关全称。",
        ))
        return out
    profile = classify_agency(name)
    provisions = penalty_provisions(ctx)
    if not provisions:
        out.findings.append(_verify(
            "authority.competence.no_provision", "需核实：处罚依据规定的处罚机关",
            f"决定书的处罚依据未能在语料库中核验（未引用或法规未收录），无法判断“{name}”是否为法定处罚机关。",
            citations=[basis17], suggestion="请核对处罚依据条文中规定的处罚机关及本机关的职权依据。",
        ))
        return out
    region = _region(ctx, name)
    unclear: list[str] = []
    unclear_cites: list[Citation] = []
    for _cp, r in provisions:
        assert r.text is not None and r.law_title is not None
        label = _label(r)
        version = _version(ctx, r)
        unit = _unit_text(version, r)
        unit_actors = named_departments(unit, None, None)
        if unit_actors is None and REFERRAL_RE.search(unit):
            out.checked.append(f"{label}转致其他法规处理，处罚机关以所转致的规定为准。")
            continue
        named = named_departments(unit, r.article_text, version)
        if named is None:
            unclear.append(f"{label}未写明处罚机关，本法规也无统一规定")
            unclear_cites.append(citation_from_resolution(r))
            continue
        comp = competence(profile, named, region, r.law_title)
        _report_competence(ctx, out, profile, r, named, comp, unclear, unclear_cites)
    if unclear:
        cites = [basis17, *dict.fromkeys(unclear_cites)]
        if profile.kinds & COMPREHENSIVE:
            cites += [ctx.cite(LPL, 18, 2), ctx.cite(LPL, 24, 1)]
        out.findings.append(_verify(
            "authority.competence.unclear", "需核实：本机关对该处罚事项的职权依据",
            f"“{name}”（{profile.title}）：" + "；".join(unclear) + "。请核实本机关的职权或授权依据"
            "（如相对集中行政处罚权决定、下放执法事项清单、人民政府确定监督管理部门的文件）。",
            citations=cites,
            suggestion="在案卷中附上职权依据；无职权的，应移送有管辖权的机关。",
        ))
    return out


def _report_competence(
    ctx: ReviewContext, out: RuleOutcome, profile: AgencyProfile, r: Resolution, named: NamedDepartments,
    comp: Competence, unclear: list[str], unclear_cites: list[Citation],
) -> None:
    label = _label(r)
    where = {"provision": "该条款", "article": "该条", "law": "该法规"}[named.where]
    if named.where == "law" and named.law_article is not None:
        where = f"该法规{named.law_article.label}统一"
    if named.alias:
        where += f"所称“{named.alias}”依该法规的定义即"
    if named.renamed:
        renamed = "；".join(dict.fromkeys(
            f"“{x.old}”的职权现由{kinds_title([x.kind])}承接（{x.source.title}）" for x in named.renamed
        ))
        out.checked.append(f"{label}所称{renamed}。")
    if comp.status == Match.MATCH:
        out.checked.append(f"{label}：{where}规定由“{named.text}”处罚，与“{profile.name}”相符。")
    elif comp.status == Match.DELEGATED:
        out.checked.append(
            f"{label}：{where}规定由“{named.text}”处罚；{_delegation_sources(ctx, comp.delegations)}。"
        )
    elif comp.status == Match.UNCLEAR or named.where == "article":
        # A department named only in another paragraph of the article may not govern the cited one:
        # a mismatch read there is a question for the reviewer, not a finding.
        if named.where == "article":
            unclear.append(
                f"{label}本身未写明处罚机关，该条其他款项规定由“{named.text}”处罚"
                + (f"，{comp.reason}" if comp.status == Match.UNCLEAR else "，与本机关不符")
            )
        else:
            unclear.append(f"{label}{where}规定由“{named.text}”处罚，{comp.reason}")
        unclear_cites.extend(_named_citations(ctx, r, named))
        if comp.delegations:
            unclear_cites.extend(_delegation_citations(ctx, comp.delegations))
    else:
        out.findings.append(_finding(
            Severity.SEVERE, "authority.competence.mismatch", "超越职权：处罚事项不属于本机关职权",
            f"{label}{where}规定由“{named.text}”（{kinds_title(named.kinds)}）实施处罚，"
            f"而作出决定的“{profile.name}”属于{profile.title}，{comp.reason}；案卷中也没有将该职权交由本机关"
            "行使的依据。",
            quote=r.text, citations=[*_named_citations(ctx, r, named), ctx.cite(LPL, 17)],
            suggestion=f"本机关无权作出该处罚，应将案件移送{kinds_title(named.kinds)}处理；"
                       "如有相对集中行政处罚权或下放决定，请附依据后重新审核。",
        ))


# ---------------------------------------------------------------- 2. kind of penalty within the power


_LICENCE_KINDS = ("吊销许可证件", "暂扣许可证件", "降低资质等级")


@rule("authority.penalty_kind", Criterion.AUTHORITY, "处罚种类在本机关权限内",
      "《中华人民共和国行政处罚法》第十八条第三款、第十七条")
def penalty_kind_power(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    kinds = ctx.case.draft.penalty_kinds
    name = issuing_agency(ctx)
    profile = classify_agency(name) if name else None
    if "行政拘留" in kinds:
        if profile is None:
            out.findings.append(_verify(
                "authority.penalty_kind.detention_agency", "需核实：作出行政拘留的机关是否为公安机关",
                "决定含行政拘留，但未能识别作出决定的机关。", citations=[ctx.cite(LPL, 18, 3)],
            ))
        elif not profile.kinds & {Kind.PUBLIC_SECURITY, Kind.TRAFFIC_POLICE}:
            out.findings.append(_finding(
                Severity.SEVERE, "authority.penalty_kind.detention", "超越职权：非公安机关决定行政拘留",
                f"“{profile.name}”不是公安机关，无权决定限制人身自由的行政拘留。",
                quote=ctx.case.draft.penalty_text, citations=[ctx.cite(LPL, 18, 3)],
                suggestion="删除行政拘留；需要拘留的，移送公安机关依法处理。",
            ))
        else:
            out.checked.append("行政拘留由公安机关决定。")
    _police_station_power(ctx, out, name)
    licence = [k for k in kinds if k in _LICENCE_KINDS]
    if licence:
        provisions = penalty_provisions(ctx)
        named_ok = profile is not None and any(
            re.search(r"吊销|暂扣|降低资质", r.article_text or r.text or "")
            and (n := named_departments(r.text, r.article_text, _version(ctx, r))) is not None
            and n.kinds & profile.kinds
            for _cp, r in provisions
        )
        if named_ok:
            out.checked.append(f"{'、'.join(licence)}：处罚条款规定由本类机关实施。")
        else:
            out.findings.append(_verify(
                "authority.penalty_kind.licence", f"需核实：本机关是否有权{'、'.join(licence)}",
                f"决定含{'、'.join(licence)}，处罚条款未显示由本机关实施；该类处罚一般由发证机关或法律规定的"
                "机关作出，请核实本机关是否为发证机关或法定实施机关。",
                quote=ctx.case.draft.penalty_text, citations=[ctx.cite(LPL, 17)],
                suggestion="附上发证或法定授权的依据；不属于本机关的，应建议发证机关处理。",
            ))
    return out


_PUBLIC_ORDER_LAW = "中华人民共和国治安管理处罚法"
_STATION_SENTENCE_RE = re.compile(r"[^，；。]*可以由公安派出所决定")


def _police_station_power(ctx: ReviewContext, out: RuleOutcome, name: str | None) -> None:
    """A 公安派出所 decides only what 治安管理处罚法（2012年修正）第九十一条 leaves to it (警告、五百元以下的罚款):
    the kinds and the amount are read from that article's text."""
    if not name or not normalise_name(name).endswith("派出所"):
        return
    if not any(r.law_title and _PUBLIC_ORDER_LAW in r.law_title for _cp, r in penalty_provisions(ctx)):
        return
    article = ctx.cite(_PUBLIC_ORDER_LAW, 91, on=ctx.act_date or ctx.decision_date)
    allowed = _STATION_SENTENCE_RE.search(article.text) if article.verified and article.in_force else None
    if allowed is None:
        return
    from corpus.numerals import find_amount_ranges

    clause = allowed.group().removeprefix("其中")
    limits = [r.high for r in find_amount_ranges(clause) if r.unit == "yuan" and r.high is not None]
    draft = ctx.case.draft
    beyond = [k for k in draft.penalty_kinds if k not in clause]
    over = bool(limits) and draft.fine is not None and draft.fine.yuan > max(limits)
    if not beyond and not over:
        out.checked.append(f"公安派出所决定的处罚在{article.article}规定的权限（{clause}）内。")
        return
    what = "、".join(beyond) if beyond else f"罚款{draft.fine.yuan:,.0f}元" if draft.fine else ""
    out.findings.append(_finding(
        Severity.SEVERE, "authority.penalty_kind.police_station", "超越职权：公安派出所超出决定权限",
        f"“{normalise_name(name)}”是公安派出所，依{article.article}只能决定{clause.replace('可以由公安派出所决定', '')}；"
        f"本决定作出{what}，应由县级以上人民政府公安机关决定。",
        quote=draft.penalty_text, citations=[article, ctx.cite(LPL, 17)],
        suggestion="报县级以上公安机关（公安分局、县公安局）以其名义作出决定。",
    ))


# ---------------------------------------------------------------- 3. officers and certificates


@rule("authority.officers", Criterion.AUTHORITY, "执法人员不少于两人且持有效执法证件",
      "《中华人民共和国行政处罚法》第四十二条第一款、第五十五条第一款")
def officers_qualified(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    record = ctx.case.record
    day = record.discovered_date or record.violation_date or record.filed_date
    try:
        pv = param("min_officers", day or ctx.procedure_date)
    except ParameterError as e:
        out.findings.append(_verify("authority.officers.param", "需核实：执法人员人数要求", str(e)))
        return out
    minimum = int(pv.value)
    cites = [ctx.cite_param(pv), ctx.cite(LPL, 55, 1)]
    officers = record.officers
    if officers is None:
        out.findings.append(_verify(
            "authority.officers.unknown", "需核实：执法人员及其执法证件",
            f"案卷未记载参与调查检查的执法人员及执法证件，无法核实是否不少于{minimum}人且证件有效。",
            citations=cites, suggestion="请补充执法人员姓名、执法证号及证件有效期。",
        ))
        return out
    if len(officers) < minimum:
        out.findings.append(_finding(
            Severity.SEVERE, "authority.officers.too_few", f"执法人员少于{minimum}人",
            f"案卷记载的执法人员仅{len(officers)}人（{'、'.join(o.name for o in officers) or '无'}），"
            f"不满足执法人员不得少于{minimum}人的要求，调查取证程序违法。",
            citations=cites, suggestion=f"由不少于{minimum}名具有执法资格的人员重新调查取证。",
        ))
        return out
    if day is None:
        out.findings.append(_verify(
            "authority.officers.no_date", "需核实：检查当日执法证件是否有效",
            "案卷未记载发现或检查日期，无法核对执法证件在检查时是否有效。", citations=cites,
        ))
        return out
    unknown = [o.name for o in officers if o.cert_valid_until is None or not o.cert_no]
    expired = [o for o in officers if o.cert_valid_until is not None and o.cert_valid_until < day]
    valid = [
        o for o in officers if o.cert_valid_until is not None and o.cert_valid_until >= day and o.cert_no
    ]
    if expired:
        names = "、".join(f"{o.name}（执法证有效期至{o.cert_valid_until}）" for o in expired)
        if len(valid) < minimum and len(valid) + len(unknown) < minimum:
            out.findings.append(_finding(
                Severity.SEVERE, "authority.officers.expired", "执法证件过期，具备执法资格的人员不足两人",
                f"检查日{day}：{names}的执法证已过期，不具备行政执法资格；当日具备资格的执法人员只有"
                f"{len(valid)}人（{'、'.join(o.name for o in valid) or '无'}），"
                f"不满足不少于{minimum}人的要求，由其制作的现场检查笔录等证据取得程序违法。",
                quote=names, citations=cites,
                suggestion=f"由不少于{minimum}名持有效执法证件的人员依法重新调查取证后再作决定。",
            ))
        else:
            out.findings.append(_finding(
                Severity.GENERAL, "authority.officers.expired_extra", "参与检查的执法人员执法证件已过期",
                f"检查日{day}：{names}的执法证已过期，不具备执法资格；其余具备资格的人员满足人数要求，"
                "但过期人员不应参与调查取证。",
                quote=names, citations=cites,
                suggestion="核查过期人员参与的调查取证环节，由有资格的人员补正。",
            ))
    if unknown and not (expired and len(valid) + len(unknown) < minimum):
        out.findings.append(_verify(
            "authority.officers.cert_unknown", "需核实：执法证号及有效期",
            f"案卷未记载{'、'.join(unknown)}的执法证号或有效期，无法核实其执法资格。", citations=cites,
            suggestion="补充执法证号与有效期。",
        ))
    if not expired and not unknown:
        names = "、".join(o.name for o in officers)
        out.checked.append(f"执法人员{len(officers)}人（{names}），检查日{day}执法证件均在有效期内。")
        _later_expiry(ctx, out, day, cites)
    return out


def _later_expiry(ctx: ReviewContext, out: RuleOutcome, day: dt.date, cites: list[Citation]) -> None:
    """A certificate valid at the inspection but expired before the decision: later steps need checking."""
    end = ctx.decision_date
    officers = ctx.case.record.officers or ()
    if end is None:
        return
    lapsed = [o for o in officers if o.cert_valid_until is not None and day <= o.cert_valid_until < end]
    if lapsed:
        names = "、".join(f"{o.name}（有效期至{o.cert_valid_until}）" for o in lapsed)
        out.findings.append(_verify(
            "authority.officers.lapsed_later", "需核实：证件过期后是否仍参与调查取证",
            f"{names}的执法证在检查日{day}之后、决定日{end}之前到期，请核实其到期后是否参与询问、复查等调查取证。",
            citations=cites,
        ))


# ---------------------------------------------------------------- 4. issued in the agency's own name


_SEAL_WORDS_RE = re.compile(r"(?:之)?(?:印章|公章|专用章|章)$")


def _seal_name(seal: str | None) -> str | None:
    if not seal:
        return None
    name = _SEAL_WORDS_RE.sub("", normalise_name(seal))
    return name if len(name) >= 4 else None


def _same_body(a: str, b: str) -> bool:
    a, b = normalise_name(a), normalise_name(b)
    return a == b or a.endswith(b) or b.endswith(a) or a.replace("人民政府", "") == b.replace("人民政府", "")


@rule("authority.own_name", Criterion.AUTHORITY, "以本机关名义作出决定并加盖本机关印章",
      "《中华人民共和国行政处罚法》第十七条、第五十九条第二款")
def own_name(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    draft = ctx.case.draft
    places = (
        ("案卷记载的行政主体", ctx.case.agency), ("抬头", draft.agency), ("落款", draft.signature_agency),
        ("印章", _seal_name(draft.seal)),
    )
    cites = [ctx.cite(LPL, 17), ctx.cite(LPL, 59, 2)]
    internal = [(where, n) for where, n in places if n and internal_unit_parent(n)]
    if internal:
        agency = ctx.case.agency
        own = agency if agency and not internal_unit_parent(agency) else None
        parent = own or internal_unit_parent(internal[0][1])
        shown = "、".join(f"{where}为“{n}”" for where, n in internal)
        out.findings.append(_finding(
            Severity.SEVERE, "authority.own_name.internal_unit", "主体不适格：以内设机构名义作出处罚决定",
            f"决定书{shown}。该单位是行政机关的内设（派出）工作机构，不是行政主体，不能以自己的名义实施"
            f"行政处罚；决定应以“{parent}”名义作出，抬头、落款和印章均应为该机关。",
            quote=internal[0][1], citations=cites,
            suggestion=f"改以“{parent}”名义作出决定并加盖其印章。",
        ))
        return out
    named = [(where, n) for where, n in places[1:] if n]
    if not named and ctx.case.agency is None:
        return out  # no agency anywhere: authority.competence already asks for it (one finding per fact)
    if not named:
        out.findings.append(_verify(
            "authority.own_name.unknown", "需核实：决定书的作出机关名称和印章",
            "未能从决定书识别抬头、落款或印章中的机关名称。", citations=cites,
        ))
        return out
    agency = ctx.case.agency
    if agency:
        differ = [(where, n) for where, n in named if not _same_body(agency, n)]
        if differ:
            shown = "、".join(f"{where}为“{n}”" for where, n in differ)
            out.findings.append(_verify(
                "authority.own_name.differs", "需核实：决定书署名机关与案卷记载的行政主体不一致",
                f"案卷记载的行政主体为“{agency}”，决定书{shown}。", quote=differ[0][1], citations=cites,
                suggestion="决定书抬头、落款、印章应与作出决定的行政机关一致。",
            ))
            return out
    if draft.agency and draft.signature_agency and not _same_body(draft.agency, draft.signature_agency):
        out.findings.append(_finding(
            Severity.GENERAL, "authority.own_name.heading_signature", "决定书抬头与落款机关名称不一致",
            f"抬头为“{draft.agency}”，落款为“{draft.signature_agency}”。", quote=draft.signature_agency,
            citations=cites, suggestion="统一为作出决定的行政机关全称。",
        ))
        return out
    out.checked.append("决定书以" + "、".join(f"{w}“{n}”" for w, n in named) + "作出，为行政机关本身。")
    return out


# ---------------------------------------------------------------- 5. within the agency's area


@rule("authority.territory", Criterion.AUTHORITY, "违法行为发生地在本机关管辖区域内",
      "《中华人民共和国行政处罚法》第二十二条")
def territory(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    name = issuing_agency(ctx)
    facts = ctx.case.draft.facts
    if not name or not facts:
        return out
    profile = classify_agency(name)
    if not profile.city or not profile.district:
        return out
    districts = districts_after_city(facts, profile.city)
    if not districts:
        return out
    if profile.district in districts:
        out.checked.append(f"事实所载地点位于{profile.city}{profile.district}，属本机关辖区。")
        return out
    shown = "、".join(profile.city + d for d in districts)
    out.findings.append(_verify(
        "authority.territory.outside", "需核实：违法行为发生地是否在本机关辖区",
        f"事实部分所载地点为{shown}，而“{profile.name}”的辖区为{profile.city}{profile.district}。"
        "行政处罚由违法行为发生地的行政机关管辖，请核实管辖依据。",
        quote=shown, citations=[ctx.cite(LPL, 22)], suggestion="不属本机关管辖的，应移送有管辖权的机关。",
    ))
    return out
