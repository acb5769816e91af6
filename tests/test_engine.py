"""Verdicts, conclusion and the never-a-pass-without-checking rule of the review engine."""

from __future__ import annotations

import pytest

from corpus.store import LawStore
from review.draft_parser import parse_draft
from review.engine import conclusion_for, run_review, verdict_for
from review.models import Case, Conclusion, Criterion, Finding, Severity, Verdict


def f(severity: Severity, verify: bool = False) -> Finding:
    return Finding(
        criterion=Criterion.LAW, severity=severity, code="law.x", title="t", detail="d", verify=verify
    )


@pytest.mark.parametrize(
    ("findings", "verdict", "conclusion"),
    [
        ([], Verdict.PASS, Conclusion.AGREE),
        ([f(Severity.HINT)], Verdict.PASS, Conclusion.AGREE),
        ([f(Severity.HINT, verify=True)], Verdict.VERIFY, Conclusion.AGREE),
        ([f(Severity.GENERAL)], Verdict.ISSUE, Conclusion.AGREE_AFTER_CHANGES),
        ([f(Severity.GENERAL), f(Severity.HINT, verify=True)], Verdict.ISSUE, Conclusion.AGREE_AFTER_CHANGES),
        ([f(Severity.SEVERE), f(Severity.GENERAL)], Verdict.ISSUE, Conclusion.DISAGREE),
        # A 需核实 item is never a defect, whatever severity it carries.
        ([f(Severity.SEVERE, verify=True)], Verdict.VERIFY, Conclusion.AGREE),
    ],
)
def test_verdict_and_conclusion_table(
    findings: list[Finding], verdict: Verdict, conclusion: Conclusion
) -> None:
    assert verdict_for(findings) == verdict
    assert conclusion_for(findings) == conclusion


def test_an_empty_excerpt_passes_nothing(law_store: LawStore) -> None:
    case = Case(case_id="X", draft=parse_draft("（扫描件，文字无法识别）"))
    review = run_review(case, law_store)
    assert [r.criterion for r in review.criteria] == list(Criterion)
    verdicts = {r.criterion: r.verdict for r in review.criteria}
    # Nothing to read: none of the criteria that need the draft's content may pass.
    for c in (Criterion.AUTHORITY, Criterion.FACTS, Criterion.LAW, Criterion.PROCEDURE, Criterion.DISCRETION):
        assert verdicts[c] == Verdict.VERIFY, verdicts
    assert review.conclusion == Conclusion.AGREE  # no defect found …
    assert any("需承办机构核实" in reason for reason in review.conclusion_reasons)
