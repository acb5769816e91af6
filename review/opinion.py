"""法制审核意见书: one view model built from Case + Review, rendered as Markdown and HTML.

Every sentence of the opinion is composed here, in `OpinionView`; the Jinja templates (prompts/opinion.*.j2)
and the DOCX writer only lay those strings out. So the three formats cannot drift apart in content.

Legal frame: 《中华人民共和国行政处罚法》第五十八条 requires 法制审核 before decisions of this kind; the six
sections follow Criterion order (朝阳区实施方案 附件3 第五条), the conclusion words follow 附件4 第六条.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import cn2an

from corpus.models import PolicyDocument
from prompts import jinja_env
from review.models import (
    Case,
    Citation,
    Criterion,
    CriterionResult,
    Draft,
    Finding,
    Frozen,
    Record,
    Review,
    Verdict,
)

TITLE = "法制审核意见书"
UNKNOWN = "（案卷未载明）"
UNVERIFIED_MARK = "（未能在法规库中核验）"
SIGNATURE_LINE = "审核人：＿＿＿＿　　法制机构负责人：＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"
DRAFT_NOTICE = "本意见书为法审助手生成的草稿，经审核人员核对、修改并签署后方可生效。"
APPENDIX_TITLE = "附：引用条文全文"
CHECKED_INTRO = "已核对无误的事项："
VERIFY_INTRO = "以下事项案卷未显示，需承办机构核实："

# 行政处罚法 第五十八条: 重大执法决定 须经法制审核 — the national basis of every opinion.
PENALTY_LAW_BASIS = "《中华人民共和国行政处罚法》第五十八条"
# Used when the corpus holds no local 法制审核 rule for the case's region.
GENERAL_LOCAL_BASIS = "本地区重大执法决定法制审核制度的有关规定"


# 第十二条 / 第二十条之一 followed by the (full-width) space that separates it from the article text.
_ARTICLE_LABEL = re.compile(
    r"^第[零〇一二三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?[\s\u3000]+"
)


# ---------------------------------------------------------------- view model


class CitationView(Frozen):
    """A cited provision as printed: label, marks and verbatim text split into lines."""

    key: str
    label: str
    verified: bool
    note: str
    lines: tuple[str, ...]

    @property
    def heading(self) -> str:
        """`《法》第N条` followed by its version or 未核验 mark."""
        return self.label + self.note

    @property
    def basis_line(self) -> str:
        """The 依据 line under a finding: label and, when verified, the quoted text."""
        if not self.verified:
            return f"依据：{self.label}{UNVERIFIED_MARK}"
        # The label is printed already; the article's own 第N条 at the start of its text would repeat it.
        return f"依据：{self.label}规定：“{_ARTICLE_LABEL.sub('', ''.join(self.lines), count=1)}”"


class FindingView(Frozen):
    """One numbered finding: heading (with severity for defects), detail and its sub-lines."""

    no: int
    heading: str
    detail: str
    quote_line: str | None
    citations: tuple[CitationView, ...]
    suggestion_line: str | None

    @property
    def sub_lines(self) -> tuple[str, ...]:
        """原文 / 依据 / 建议 lines in that order, those present only."""
        lines: list[str] = []
        if self.quote_line:
            lines.append(self.quote_line)
        lines.extend(c.basis_line for c in self.citations)
        if self.suggestion_line:
            lines.append(self.suggestion_line)
        return tuple(lines)


class FindingBlock(Frozen):
    """A run of findings under one optional lead-in sentence."""

    intro: str | None
    findings: tuple[FindingView, ...]


class SectionView(Frozen):
    """One of the six review sections."""

    heading: str
    criterion: Criterion
    verdict: Verdict
    opening: str
    blocks: tuple[FindingBlock, ...]
    checked: tuple[str, ...]
    checked_intro: str = CHECKED_INTRO


class HeaderField(Frozen):
    """A labelled line of the opinion head (案件名称、送审机构 …)."""

    label: str
    value: str


class OpinionView(Frozen):
    """Everything the opinion says, as finished Chinese strings, in reading order."""

    title: str = TITLE
    case_name: str
    agency: str
    party: str
    doc_no: str
    proposed_decision: str
    materials: tuple[str, ...]
    basis: tuple[str, ...]
    intro: str
    sections: tuple[SectionView, ...]
    conclusion_heading: str
    conclusion_text: str
    reasons: tuple[str, ...]
    signature: str = SIGNATURE_LINE
    draft_notice: str = DRAFT_NOTICE
    appendix_title: str = APPENDIX_TITLE
    appendix: tuple[CitationView, ...]
    footer: str

    @property
    def header(self) -> tuple[HeaderField, ...]:
        """The head block, one labelled line each."""
        return (
            HeaderField(label="案件名称", value=self.case_name),
            HeaderField(label="送审机构", value=self.agency),
            HeaderField(label="当事人", value=self.party),
            HeaderField(label="决定书文号", value=self.doc_no),
            HeaderField(label="拟作出的处罚决定", value=self.proposed_decision),
            HeaderField(label="审核材料", value="；".join(self.materials)),
            HeaderField(label="审核依据", value="；".join(self.basis)),
        )


# ---------------------------------------------------------------- small text helpers


def cn_date(day: dt.date) -> str:
    """2025年6月19日 (no zero padding, as in official documents)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_number(n: int) -> str:
    return str(cn2an.an2cn(n, "low"))


def _flatten(text: str) -> str:
    """Join the lines of a multi-line passage for inline use; Chinese text needs no separator."""
    return "".join(line.strip() for line in text.splitlines())


def _sentence(text: str) -> str:
    """Ensure a closing full stop, so reasons and details read as sentences."""
    text = text.strip()
    return text if text.endswith(("。", "；", "！", "？", "：")) else text + "。"


def _dated(name: str, day: dt.date | None, suffix: str = "") -> str:
    return f"{name}（{cn_date(day)}{suffix}）" if day else name


# ---------------------------------------------------------------- head of the opinion


def _party(case: Case) -> str:
    party = case.record.party
    name = (party.name if party else None) or case.draft.party_name
    kind = party.kind if party else None
    if name is None:
        return UNKNOWN if kind is None else f"{UNKNOWN}（{kind.value}）"
    return name if kind is None else f"{name}（{kind.value}）"


def _proposed_decision(draft: Draft) -> str:
    if draft.penalty_text and draft.penalty_text.strip():
        return _flatten(draft.penalty_text)
    parts: list[str] = []
    if draft.penalty_kinds:
        parts.append("、".join(draft.penalty_kinds))
    parts.extend(amount.text for amount in (draft.fine, draft.confiscation) if amount is not None)
    return "；".join(parts) if parts else "（决定书草案未载明）"


def materials_reviewed(case: Case) -> tuple[str, ...]:
    """The draft plus the record items the case file actually shows; an unknown item is not listed."""
    doc_no = case.draft.doc_no
    items = ["行政处罚决定书（草案）" + (f"（{doc_no}）" if doc_no else "")]
    record: Record = case.record
    if record.evidence:
        items.append(f"证据目录（{len(record.evidence)}项）")
    notice = record.notice
    if notice is not None and notice.model_dump(exclude_none=True):
        items.append(_dated("行政处罚事先告知书", notice.served_date, "送达"))
    if record.statement is not None and record.statement.made:
        items.append(_dated("陈述、申辩记录", record.statement.date))
    hearing = record.hearing
    if hearing is not None and hearing.held_date is not None:
        items.append(_dated("听证笔录", hearing.held_date))
    elif hearing is not None and hearing.requested:
        items.append(_dated("听证申请", hearing.request_date))
    if record.legal_review is not None and record.legal_review.done:
        items.append(_dated("法制审核记录", record.legal_review.date))
    if record.collective_discussion is not None and record.collective_discussion.done:
        items.append(_dated("负责人集体讨论记录", record.collective_discussion.date))
    if record.extension is not None and record.extension.approved:
        until = record.extension.until
        items.append(f"延长办案期限审批材料（延长至{cn_date(until)}）" if until else "延长办案期限审批材料")
    return tuple(items)


def review_basis(jurisdiction: str | None, policies: Iterable[PolicyDocument]) -> list[str]:
    """审核依据: 行政处罚法第五十八条 plus the region's own 重大执法决定法制审核 rule when the corpus has one.

    A policy applies when its title names 法制审核 and it belongs to the case's region (see `_applies_in`),
    e.g. 北京市朝阳区 → the 朝阳区 plan 朝政办发〔2019〕8号. Otherwise the local rule is stated generally.
    """
    basis = [PENALTY_LAW_BASIS]
    for doc in policies:
        if jurisdiction and "法制审核" in doc.title and _applies_in(doc, jurisdiction):
            basis.append(f"《{doc.title}》" + (f"（{doc.doc_no}）" if doc.doc_no else ""))
    if len(basis) == 1:
        basis.append(GENERAL_LOCAL_BASIS)
    return basis


def _applies_in(doc: PolicyDocument, jurisdiction: str) -> bool:
    """Most precise evidence first: the declared region, then the issuer (北京市朝阳区人民政府办公室),
    then the district named in the title — only without an issuer, since 朝阳区 exists in several cities."""
    if doc.jurisdiction:
        return doc.jurisdiction == jurisdiction
    if doc.issuer:
        return jurisdiction in doc.issuer
    return any(place in doc.title for place in _place_names(jurisdiction))


def _place_names(jurisdiction: str | None) -> tuple[str, ...]:
    """北京市朝阳区 → ('北京市朝阳区', '朝阳区'): the most specific level only, so a city-wide rule of
    another district is not picked up."""
    if not jurisdiction:
        return ()
    for marker in ("区", "县", "市"):
        head, sep, _ = jurisdiction.rpartition(marker)
        if sep:
            for upper in ("省", "市", "自治区"):
                _, found, tail = head.rpartition(upper)
                if found and tail:
                    return (jurisdiction, tail + marker)
            return (jurisdiction,)
    return (jurisdiction,)


# ---------------------------------------------------------------- sections


def _citation_key(citation: Citation) -> str:
    # Unverified citations have no unit id: the printed law + article is what identifies them.
    return citation.unit_id or f"{citation.law}|{citation.article}"


def _citation_view(citation: Citation) -> CitationView:
    label = f"《{citation.law.strip('《》')}》{citation.article}"
    if not citation.verified:
        reason = citation.text.strip()
        return CitationView(
            key=_citation_key(citation),
            label=label,
            verified=False,
            note=UNVERIFIED_MARK,
            lines=(f"说明：{reason}",) if reason else (),
        )
    note = ""
    if citation.version:
        try:
            note = f"（{cn_date(dt.date.fromisoformat(citation.version))}施行文本）"
        except ValueError:
            note = f"（{citation.version}版本）"
    if citation.in_force is False:
        note += "（该文本在相关日期不在施行期间）"
    lines = tuple(line.strip() for line in citation.text.splitlines() if line.strip())
    return CitationView(key=_citation_key(citation), label=label, verified=True, note=note, lines=lines)


def _finding_view(no: int, finding: Finding) -> FindingView:
    heading = finding.title.strip().rstrip("。")
    if not finding.verify:
        heading = f"【{finding.severity.value}】{heading}"
    return FindingView(
        no=no,
        heading=heading,
        detail=_sentence(finding.detail) if finding.detail.strip() else "",
        quote_line=f"原文：“{_flatten(finding.quote)}”" if finding.quote else None,
        citations=tuple(_citation_view(c) for c in finding.citations),
        suggestion_line=f"建议：{_sentence(finding.suggestion)}" if finding.suggestion else None,
    )


def _numbered(findings: Sequence[Finding]) -> tuple[FindingView, ...]:
    return tuple(_finding_view(i, f) for i, f in enumerate(findings, start=1))


def _section_view(index: int, result: CriterionResult) -> SectionView:
    """Opening sentence by verdict; defects and verify items in separate numbered blocks."""
    title = result.criterion.title
    defects = _numbered([f for f in result.findings if not f.verify])
    to_verify = _numbered([f for f in result.findings if f.verify])
    blocks: list[FindingBlock] = []
    if result.verdict is Verdict.PASS:
        opening = f"经审核，{title}方面未发现问题。"
        if defects:
            blocks.append(FindingBlock(intro="另提示如下：", findings=defects))
        if to_verify:
            blocks.append(FindingBlock(intro="此外，" + VERIFY_INTRO, findings=to_verify))
    elif result.verdict is Verdict.ISSUE:
        opening = f"经审核，{title}方面存在以下问题：" if defects else f"经审核，{title}方面存在问题。"
        if defects:
            blocks.append(FindingBlock(intro=None, findings=defects))
        if to_verify:
            blocks.append(FindingBlock(intro="此外，" + VERIFY_INTRO, findings=to_verify))
    else:
        opening = "经审核，" + VERIFY_INTRO if to_verify else f"经审核，{title}方面部分事项需承办机构核实。"
        if to_verify:
            blocks.append(FindingBlock(intro=None, findings=to_verify))
        if defects:
            blocks.append(FindingBlock(intro="另提示如下：", findings=defects))
    return SectionView(
        heading=f"{_cn_number(index)}、{title}",
        criterion=result.criterion,
        verdict=result.verdict,
        opening=opening,
        blocks=tuple(blocks),
        checked=tuple(_sentence(line) for line in result.checked if line.strip()),
    )


def _appendix(review: Review) -> tuple[CitationView, ...]:
    seen: dict[str, CitationView] = {}
    for result in review.criteria:
        for finding in result.findings:
            for citation in finding.citations:
                key = _citation_key(citation)
                if key not in seen:
                    seen[key] = _citation_view(citation)
    return tuple(seen.values())


def _check_inputs(case: Case, review: Review, basis: Sequence[str]) -> None:
    if review.case_id != case.case_id:
        raise ValueError(
            f"审核结果与案件不对应：审核结果 case_id 为 {review.case_id!r}，"
            f"案件 case_id 为 {case.case_id!r}；请传入同一案件的 Case 与 Review。"
        )
    order = [r.criterion for r in review.criteria]
    if order != list(Criterion):
        got = "、".join(c.title for c in order) or "（无）"
        raise ValueError(
            f"审核结果 Review.criteria 应依次为六项审核内容（{'、'.join(c.title for c in Criterion)}），"
            f"实际为：{got}；请按 Criterion 顺序各给出一项 CriterionResult。"
        )
    if not [b for b in basis if b.strip()]:
        raise ValueError(f"审核依据 basis 为空：请至少传入 {PENALTY_LAW_BASIS}（可用 review_basis() 生成）。")


def build_view(case: Case, review: Review, basis: Sequence[str]) -> OpinionView:
    """The opinion as finished strings; raises ValueError (in Chinese) on mismatched or incomplete input."""
    _check_inputs(case, review, basis)
    draft = case.draft
    agency = case.agency or draft.agency or UNKNOWN
    case_name = case.title or review.case_title or UNKNOWN
    clean_basis = tuple(b.strip() for b in basis if b.strip())
    reasons = tuple(_sentence(r) for r in review.conclusion_reasons if r.strip())
    conclusion_text = f"综上，建议：{review.conclusion.value}。"
    if len(reasons) == 1:
        conclusion_text += f"理由：{reasons[0]}"
        reasons = ()
    elif reasons:
        conclusion_text += "理由如下："
    return OpinionView(
        case_name=case_name,
        agency=agency,
        party=_party(case),
        doc_no=draft.doc_no or UNKNOWN,
        proposed_decision=_proposed_decision(draft),
        materials=materials_reviewed(case),
        basis=clean_basis,
        intro=(
            f"根据{'、'.join(clean_basis)}，本机构对{agency}送审的“{case_name}”拟作出的行政处罚决定"
            "进行了法制审核，现提出审核意见如下："
        ),
        sections=tuple(_section_view(i, r) for i, r in enumerate(review.criteria, start=1)),
        conclusion_heading=f"{_cn_number(len(review.criteria) + 1)}、审核结论",
        conclusion_text=conclusion_text,
        reasons=reasons,
        appendix=_appendix(review),
        footer=(
            f"语料版本：{review.corpus_version}　引擎版本：{review.engine_version}"
            f"　生成日期：{cn_date(review.reviewed_on)}"
        ),
    )


# ---------------------------------------------------------------- rendering


def _render(template: str, view: OpinionView) -> str:
    return jinja_env().get_template(template).render(view=view)


def render_markdown(case: Case, review: Review, basis: Sequence[str]) -> str:
    """法制审核意见书 as Markdown."""
    return _render("opinion.md.j2", build_view(case, review, basis))


def render_html(case: Case, review: Review, basis: Sequence[str]) -> str:
    """法制审核意见书 as one self-contained HTML page (inline CSS, A4 print layout per GB/T 9704)."""
    return _render("opinion.html.j2", build_view(case, review, basis))
