"""Plain outputs of a review: the JSON document of `fashen review --format json` and the self-check list."""

from __future__ import annotations

from typing import Any

from review.models import Criterion, Finding, Review, Severity, Verdict


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "title": f.title,
        "detail": f.detail,
        "quote": f.quote,
        "citations": [
            {
                "unit_id": c.unit_id,
                "law": c.law,
                "article": c.article,
                "version": c.version,
                "text": c.text,
                "in_force": c.in_force,
                "verified": c.verified,
            }
            for c in f.citations
        ],
        "suggestion": f.suggestion,
        "verify": f.verify,
    }


def review_json(review: Review) -> dict[str, Any]:
    """The JSON shape promised by the CLI (one object per case)."""
    return {
        "case_id": review.case_id,
        "title": review.case_title,
        "conclusion": review.conclusion.value,
        "conclusion_reasons": list(review.conclusion_reasons),
        "criteria": [
            {
                "key": r.criterion.value,
                "name": r.criterion.title,
                "verdict": r.verdict.value,
                "findings": [finding_json(f) for f in r.findings],
                "checked": list(r.checked),
            }
            for r in review.criteria
        ],
        "reviewed_on": review.reviewed_on.isoformat(),
        "corpus_version": review.corpus_version,
        "engine_version": review.engine_version,
    }


# Marks of the self-check list: fix (✗), verify (?), held (✓).
MARK_FIX, MARK_VERIFY, MARK_OK = "✗", "?", "✓"


def selfcheck_lines(review: Review) -> list[tuple[Criterion, str, str]]:
    """(criterion, mark, text) for a case handler: what to fix or verify before submitting for review."""
    out: list[tuple[Criterion, str, str]] = []
    for r in review.criteria:
        for f in r.findings:
            if f.verify:
                out.append((r.criterion, MARK_VERIFY, f"{f.title}：{f.detail}"))
            elif f.severity in (Severity.SEVERE, Severity.GENERAL):
                fix = f"（建议：{f.suggestion}）" if f.suggestion else ""
                out.append((r.criterion, MARK_FIX, f"[{f.severity.value}] {f.title}：{f.detail}{fix}"))
            else:
                out.append((r.criterion, MARK_VERIFY, f"[提示] {f.title}：{f.detail}"))
        for line in r.checked:
            out.append((r.criterion, MARK_OK, line))
        if r.verdict == Verdict.PASS and not r.checked:
            out.append((r.criterion, MARK_OK, "未发现问题。"))
    return out
