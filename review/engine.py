"""The review engine: rules registered per criterion, a context they read, verdicts and the conclusion.

A rule is a small function with its code, criterion, title and legal basis next to it. It reads the
`ReviewContext` (case, store, dates) and returns findings plus the lines of what it checked and found
in order. The engine runs every rule of the six criteria, turns findings into verdicts and the
conclusion (README of the case format: any 严重 → 不同意; else any 一般 → 修改后同意; else 同意).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from corpus.models import DiscretionRow, LawVersion, SearchUnit
from corpus.resolver import Resolution, cite_article, resolve_ref
from review.models import (
    Case,
    Citation,
    CitedProvision,
    Conclusion,
    Criterion,
    CriterionResult,
    Finding,
    Review,
    Severity,
    Verdict,
)
from review.params import ParameterValue

ENGINE_VERSION = "0.1.0"


class ReviewStore(Protocol):
    """What the review needs from the law store (`corpus.store.LawStore` implements it)."""

    @property
    def corpus_version(self) -> str: ...

    def find_law(self, name: str) -> str | None: ...

    def versions(self, law_key: str) -> list[LawVersion]: ...

    def known_law_names(self) -> list[str]: ...

    def discretion_rows(self, table_key: str | None = None) -> list[DiscretionRow]: ...

    def unit(self, unit_id: str) -> SearchUnit | None: ...


@dataclass
class RuleOutcome:
    """What one rule found: findings (defects or 需核实) and lines of what held."""

    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


RuleFunc = Callable[["ReviewContext"], RuleOutcome]


@dataclass(frozen=True)
class Rule:
    """A registered check."""

    code: str
    criterion: Criterion
    title: str
    basis: str
    func: RuleFunc


REGISTRY: list[Rule] = []


def rule(code: str, criterion: Criterion, title: str, basis: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a check. `basis` names the law and article the check encodes."""

    def deco(fn: RuleFunc) -> RuleFunc:
        if any(r.code == code for r in REGISTRY):
            raise ValueError(f"重复的检查代码：{code}")
        REGISTRY.append(Rule(code, criterion, title, basis, fn))
        return fn

    return deco


def rules_for(criterion: Criterion) -> list[Rule]:
    _load_criteria()
    return [r for r in REGISTRY if r.criterion == criterion]


def all_rules() -> list[Rule]:
    _load_criteria()
    return list(REGISTRY)


def _load_criteria() -> None:
    # Importing the six modules registers their rules (once).
    from review.criteria import authority, discretion, facts, law, other, procedure  # noqa: F401


class ReviewContext:
    """Everything a rule may read; lookups are cached per case."""

    def __init__(self, case: Case, store: ReviewStore, today: dt.date | None = None) -> None:
        self.case = case
        self.store = store
        self.today = today or dt.date.today()
        self._cite_cache: dict[tuple[str, int, int | None, int | None, dt.date], Citation] = {}

    # ---------------------------------------------------------------- dates

    @property
    def record(self):  # type: ignore[no-untyped-def]
        return self.case.record

    @property
    def draft(self):  # type: ignore[no-untyped-def]
        return self.case.draft

    @cached_property
    def decision_date(self) -> dt.date | None:
        """Planned decision date: the record's, else the draft's."""
        return self.case.record.decision_date or self.case.draft.decision_date

    @cached_property
    def act_date(self) -> dt.date | None:
        return self.case.record.violation_date

    @cached_property
    def law_date(self) -> dt.date:
        """Date that decides which version of the substantive law applies: the act date when known
        (行政处罚法 第三十七条 从旧兼从轻 also looks at the decision date; the law check handles that)."""
        return self.act_date or self.decision_date or self.today

    @cached_property
    def procedure_date(self) -> dt.date:
        """Procedural rules apply as in force when the decision is made."""
        return self.decision_date or self.today

    # ---------------------------------------------------------------- citations

    def cite(
        self,
        law: str,
        article: int,
        paragraph: int | None = None,
        item: int | None = None,
        on: dt.date | None = None,
    ) -> Citation:
        """A provision resolved against the store, as a finding citation (unverified when absent)."""
        day = on or self.procedure_date
        key = (law, article, paragraph, item, day)
        if key not in self._cite_cache:
            self._cite_cache[key] = citation_from_resolution(
                cite_article(self.store, law, article, day, paragraph=paragraph, item=item)
            )
        return self._cite_cache[key]

    def cite_param(self, pv: ParameterValue, on: dt.date | None = None) -> Citation:
        return self.cite(pv.law, pv.article, pv.paragraph, pv.item, on=on)

    @cached_property
    def resolved_citations(self) -> list[tuple[CitedProvision, Resolution]]:
        """Every provision the draft cites, resolved for the law date."""
        from corpus.citations import CitationRef

        out = []
        for cp in self.case.draft.citations:
            if cp.article_no is None:
                continue
            ref = CitationRef(
                law_name=cp.law_name,
                self_reference=False,
                article_no=cp.article_no,
                article_suffix=cp.article_suffix,
                paragraph=cp.paragraph,
                item=cp.item,
                text=cp.text,
                start=0,
                end=len(cp.text),
            )
            day = self.procedure_date if cp.role == "procedure" else self.law_date
            out.append((cp, resolve_ref(ref, day, self.store)))
        return out


def citation_from_resolution(r: Resolution) -> Citation:
    """Finding citation from a resolver result: verbatim text when verified, the reason when not."""
    if r.law_title is None:
        return Citation(
            unit_id=None,
            law=r.ref.law_name or "（未写明法规）",
            article=_article_label(r),
            version=None,
            text=r.message,
            in_force=None,
            verified=False,
        )
    return Citation(
        unit_id=r.unit_id,
        law=r.law_title,
        article=_article_label(r),
        version=r.version_effective.isoformat() if r.version_effective else None,
        text=r.text if r.text is not None else r.message,
        in_force=r.ok if r.text is not None else None,
        verified=r.text is not None,
    )


def _article_label(r: Resolution) -> str:
    from corpus.citations import format_citation

    ref = r.ref
    return format_citation("", ref.article_no, ref.article_suffix, ref.paragraph, ref.item).lstrip("《》")


# -------------------------------------------------------------------- verdicts and conclusion


def verdict_for(findings: list[Finding] | tuple[Finding, ...]) -> Verdict:
    """有问题 when a defect (严重/一般) is found; 需核实 when only facts to verify remain; else 通过."""
    if any(not f.verify and f.severity in (Severity.SEVERE, Severity.GENERAL) for f in findings):
        return Verdict.ISSUE
    if any(f.verify for f in findings):
        return Verdict.VERIFY
    return Verdict.PASS


def conclusion_for(findings: list[Finding] | tuple[Finding, ...]) -> Conclusion:
    """Any 严重 defect → 不同意; else any 一般 defect → 修改后同意; else 同意."""
    defects = [f for f in findings if not f.verify]
    if any(f.severity == Severity.SEVERE for f in defects):
        return Conclusion.DISAGREE
    if any(f.severity == Severity.GENERAL for f in defects):
        return Conclusion.AGREE_AFTER_CHANGES
    return Conclusion.AGREE


_SEVERITY_ORDER = {Severity.SEVERE: 0, Severity.GENERAL: 1, Severity.HINT: 2}


def run_review(case: Case, store: ReviewStore, *, today: dt.date | None = None) -> Review:
    """Run all six criteria on a case. A rule that fails unexpectedly becomes a 需核实 finding, never a crash."""
    ctx = ReviewContext(case, store, today)
    results = []
    all_findings: list[Finding] = []
    for criterion in Criterion:
        findings: list[Finding] = []
        checked: list[str] = []
        for r in rules_for(criterion):
            try:
                outcome = r.func(ctx)
            except Exception as e:  # a broken rule must not hide the other five criteria
                findings.append(
                    Finding(
                        criterion=criterion,
                        severity=Severity.HINT,
                        code=f"{r.code}.error",
                        title=f"“{r.title}”未能自动检查",
                        detail=f"自动检查出错（{type(e).__name__}：{e}），请人工审核此项。",
                        verify=True,
                    )
                )
                continue
            findings.extend(outcome.findings)
            checked.extend(outcome.checked)
        if not findings and not checked:
            # Nothing could be checked (e.g. an excerpt without penalty or fine): unknown is not a pass.
            findings.append(
                Finding(
                    criterion=criterion,
                    severity=Severity.HINT,
                    code=f"{criterion.value}.not_checkable",
                    title="材料不足，无法审核此项",
                    detail=f"决定书和案卷未显示审核“{criterion.question}”所需的内容，未能自动审核；需承办机构补充材料后人工审核。",
                    verify=True,
                )
            )
        findings.sort(key=lambda f: (f.verify, _SEVERITY_ORDER[f.severity]))
        results.append(
            CriterionResult(
                criterion=criterion,
                verdict=verdict_for(findings),
                findings=tuple(findings),
                checked=tuple(checked),
            )
        )
        all_findings.extend(findings)
    conclusion = conclusion_for(all_findings)
    reasons = [
        f"{f.criterion.title}：{f.title}"
        for f in all_findings
        if not f.verify and f.severity in (Severity.SEVERE, Severity.GENERAL)
    ]
    if not reasons:
        reasons = ["六项审核内容均未发现应当纠正的问题。"]
        to_verify = [r.criterion.title for r in results if r.verdict == Verdict.VERIFY]
        if to_verify:
            reasons.append(f"但{'、'.join(to_verify)}方面有事项案卷未显示，需承办机构核实后方可作出决定。")
    return Review(
        case_id=case.case_id,
        case_title=case.title,
        conclusion=conclusion,
        conclusion_reasons=tuple(reasons),
        criteria=tuple(results),
        reviewed_on=ctx.today,
        corpus_version=store.corpus_version,
        engine_version=ENGINE_VERSION,
    )
