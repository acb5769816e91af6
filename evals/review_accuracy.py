"""Agreement of fashen's review with the answer keys (`expected`) of teaching cases.

Per (case, criterion): fashen says 有问题 or not; the key says issue or ok. Per case: conclusion.
Run: `python -m evals.review_accuracy [CASES_DIR]` (defaults to ../shared/cases/examples).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from review.models import Criterion, Review, Verdict


@dataclass(frozen=True)
class CaseScore:
    case_id: str
    expected_conclusion: str | None
    conclusion: str
    expected: dict[str, str]
    got: dict[str, str]

    @property
    def agreements(self) -> int:
        return sum(1 for c in self.expected if self.expected[c] == self.got.get(c))

    @property
    def conclusion_ok(self) -> bool:
        return self.expected_conclusion == self.conclusion


def read_expected(path: Path) -> dict[str, Any] | None:
    """The `expected` block of a case file (fashen's review never reads it)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    exp = data.get("expected") if isinstance(data, dict) else None
    return exp if isinstance(exp, dict) else None


def score(review: Review, expected: dict[str, Any]) -> CaseScore:
    got = {r.criterion.value: ("issue" if r.verdict == Verdict.ISSUE else "ok") for r in review.criteria}
    exp = {str(k): str(v) for k, v in (expected.get("criteria") or {}).items()}
    return CaseScore(review.case_id, expected.get("conclusion"), review.conclusion.value, exp, got)


def format_scores(scores: list[CaseScore]) -> str:
    keys = [c.value for c in Criterion]
    lines = ["| case | " + " | ".join(keys) + " | conclusion (expected) |", "|---" * (len(keys) + 2) + "|"]
    for s in scores:
        cells = []
        for k in keys:
            e, g = s.expected.get(k, "?"), s.got.get(k, "?")
            cells.append(g if e == g else f"**{g}≠{e}**")
        concl = s.conclusion if s.conclusion_ok else f"**{s.conclusion}≠{s.expected_conclusion}**"
        lines.append(f"| {s.case_id} | " + " | ".join(cells) + f" | {concl} |")
    pairs = sum(len(s.expected) for s in scores)
    agree = sum(s.agreements for s in scores)
    concl_ok = sum(1 for s in scores if s.conclusion_ok)
    lines.append("")
    lines.append(
        f"criterion agreement: {agree}/{pairs} = {agree / pairs:.1%}; conclusion: {concl_ok}/{len(scores)}"
        if pairs
        else "no answer keys"
    )
    return "\n".join(lines)


def evaluate_dir(cases_dir: Path, store: Any) -> list[CaseScore]:
    from review.engine import run_review
    from review.intake import load_case

    scores = []
    for path in sorted(cases_dir.glob("*.yaml")):
        expected = read_expected(path)
        if expected is None:
            continue
        review = run_review(load_case(path), store)
        scores.append(score(review, expected))
    return scores


def main(argv: list[str] | None = None) -> int:
    from corpus.store import LawStore

    args = argv if argv is not None else sys.argv[1:]
    root = Path(__file__).resolve().parents[1]
    cases_dir = Path(args[0]) if args else root.parent / "shared" / "cases" / "examples"
    store = LawStore(root / ".fashen" / "store.sqlite")
    print(format_scores(evaluate_dir(cases_dir, store)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
