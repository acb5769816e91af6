"""Quick per-case table: fashen's verdicts against the answer keys (`expected`) of a case directory.

A thin printer over `evals.review_eval` (fashen only, no baseline, no report files) for use while
developing rules. Run: `python -m evals.review_accuracy [CASES_DIR]` (defaults to ../shared/cases/examples).
"""

from __future__ import annotations

import sys
from pathlib import Path

from evals.review_eval import CaseRow, evaluate_dir
from review.engine import run_review
from review.models import Criterion


def format_rows(rows: list[CaseRow]) -> str:
    """Markdown table: each cell is fashen's issue/ok, or **got≠expected** where they differ."""
    keys = [c.value for c in Criterion]
    lines = ["| case | " + " | ".join(keys) + " | conclusion (expected) |", "|---" * (len(keys) + 2) + "|"]
    pairs = agree = concl_ok = 0
    for row in rows:
        pred = row.predictions["fashen"]
        cells = []
        for k in keys:
            got = "issue" if pred.issues.get(k) else "ok"
            if k not in row.expected:
                cells.append(got)
                continue
            exp = "issue" if row.expected[k] else "ok"
            pairs += 1
            agree += got == exp
            cells.append(got if got == exp else f"**{got}≠{exp}**")
        ok = pred.conclusion == row.expected_conclusion
        concl_ok += ok
        concl = pred.conclusion if ok else f"**{pred.conclusion}≠{row.expected_conclusion}**"
        lines.append(f"| {row.case_id} | " + " | ".join(cells) + f" | {concl} |")
    lines.append("")
    lines.append(
        f"criterion agreement: {agree}/{pairs} = {agree / pairs:.1%}; conclusion: {concl_ok}/{len(rows)}"
        if pairs
        else "no answer keys"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from api.settings import Settings
    from corpus.store import open_or_build

    args = argv if argv is not None else sys.argv[1:]
    settings = Settings()
    cases_dir = Path(args[0]) if args else settings.corpus_dir.parent / "cases" / "examples"
    store = open_or_build(settings.corpus_dir, settings.store_path)
    result = evaluate_dir(cases_dir, store, reviewers={"fashen": run_review})
    print(format_rows(result.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
