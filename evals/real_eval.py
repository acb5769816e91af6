"""fashen on real published decisions: does it read them, what does it find, and does it invent anything?

The real decisions (../shared/real-decisions, excerpts of public pages) carry no answer key. What can be
measured without one:
- parse success: reading the file (review.intake) and reviewing it raise no exception;
- fields found per file: which elements `review.draft_parser.parse_draft` extracted;
- nothing invented: every extracted string occurs verbatim in the source text (a value found only after
  folding blanks and half-/full-width punctuation is listed apart: reshaped, not invented), and every citation
  in every finding is verbatim store text or honestly marked unverified (`evals.review_eval.check_citation`).
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.review_eval import CitationCheck, CitationStatus, check_review_citations
from review.models import Draft

# Fields of `Draft` reported as found / not found, in the order of a decision.
FIELDS: tuple[str, ...] = (
    "agency",
    "doc_no",
    "party_name",
    "party_id",
    "facts",
    "evidence",
    "citations",
    "penalty_text",
    "penalty_kinds",
    "fine",
    "confiscation",
    "payment_text",
    "remedy_text",
    "review_days",
    "review_body",
    "litigation_months",
    "decision_date",
    "seal",
    "signature_agency",
)
# Short labels for the Markdown table.
FIELD_LABELS: dict[str, str] = {
    "agency": "机关",
    "doc_no": "文号",
    "party_name": "当事人",
    "party_id": "证号",
    "facts": "事实",
    "evidence": "证据",
    "citations": "引用",
    "penalty_text": "处罚",
    "penalty_kinds": "种类",
    "fine": "罚款",
    "confiscation": "没收",
    "payment_text": "缴款",
    "remedy_text": "救济",
    "review_days": "复议期",
    "review_body": "复议机关",
    "litigation_months": "诉讼期",
    "decision_date": "日期",
    "seal": "印章",
    "signature_agency": "落款",
}

_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "\u3000": " "})
_BLANKS_RE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Half-width punctuation to full width and blanks removed: how the parser may reshape a value
    (it reads a full-width copy of the text and joins the paragraphs of the facts)."""
    return _BLANKS_RE.sub("", text.translate(_HALF_TO_FULL))


def found_fields(draft: Draft) -> dict[str, bool]:
    """Which elements the parser found (a value that is not None and not empty)."""
    out = {}
    for name in FIELDS:
        value = getattr(draft, name)
        out[name] = value is not None and value != () and value != ""
    return out


def string_values(draft: Draft) -> list[tuple[str, str]]:
    """(field, value) for every string the parser cut out of the draft."""
    out: list[tuple[str, str]] = []
    for name in (
        "agency",
        "doc_no",
        "party_name",
        "party_id",
        "facts",
        "penalty_text",
        "payment_text",
        "remedy_text",
        "review_body",
        "seal",
        "signature_agency",
    ):
        value = getattr(draft, name)
        if value:
            out.append((name, value))
    out += [("evidence", e) for e in draft.evidence if e]
    out += [("citations", c.text) for c in draft.citations]
    for name in ("fine", "confiscation"):
        amount = getattr(draft, name)
        if amount is not None:
            # Several fines of one decision are reported joined by "；" (draft_parser._fine): check each.
            out += [(name, part) for part in amount.text.split("；") if part]
    return out


@dataclass(frozen=True)
class Invented:
    """An extracted value that is not verbatim in the source."""

    field: str
    value: str
    folded_only: bool  # found after folding punctuation width and blanks (`fold`), not verbatim


def invented_values(draft: Draft, source: str) -> list[Invented]:
    """Every extracted string that does not occur verbatim in `source`."""
    folded = fold(source)
    out = []
    for name, value in string_values(draft):
        if value in source:
            continue
        out.append(Invented(name, value, fold(value) in folded))
    return out


@dataclass
class FileResult:
    """What happened to one real decision."""

    file: str
    ok: bool
    error: str | None = None
    fields: dict[str, bool] = field(default_factory=dict)
    conclusion: str | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    findings: int = 0
    citation_checks: list[CitationCheck] = field(default_factory=list)
    invented: list[Invented] = field(default_factory=list)

    @property
    def n_fields(self) -> int:
        return sum(self.fields.values())

    @property
    def citation_failures(self) -> list[CitationCheck]:
        return [c for c in self.citation_checks if c.status == CitationStatus.INVALID]

    @property
    def violations(self) -> int:
        """Invented values (not even after punctuation folding) and invalid citations."""
        return sum(1 for i in self.invented if not i.folded_only) + len(self.citation_failures)


def real_files(directory: Path) -> list[Path]:
    """The decision files of the directory (README and other non-drafts skipped)."""
    from review.intake import case_files

    return [p for p in case_files(directory) if p.suffix.lower() in (".md", ".txt", ".docx")]


def evaluate_file(path: Path, store: Any, *, today: dt.date | None = None) -> FileResult:
    """Read, parse and review one real decision; any exception is recorded, never raised."""
    from review.engine import run_review
    from review.intake import decode_text, load_case

    try:
        case = load_case(path)
        review = run_review(case, store, today=today)
    except Exception as e:  # the point of this evaluation is to count these
        tb = traceback.extract_tb(e.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        return FileResult(path.name, ok=False, error=f"{type(e).__name__}: {e} ({where})")
    source = decode_text(path.read_bytes(), path) if path.suffix.lower() != ".docx" else case.draft.text
    return FileResult(
        file=path.name,
        ok=True,
        fields=found_fields(case.draft),
        conclusion=review.conclusion.value,
        verdicts={r.criterion.value: r.verdict.value for r in review.criteria},
        findings=sum(len(r.findings) for r in review.criteria),
        citation_checks=check_review_citations(review, store),
        invented=invented_values(case.draft, source),
    )


def evaluate_dir(directory: Path, store: Any, *, today: dt.date | None = None) -> list[FileResult]:
    if not directory.is_dir():
        raise FileNotFoundError(f"真实决定书目录不存在：{directory}（请用 --dir 指定）")
    return [evaluate_file(p, store, today=today) for p in real_files(directory)]


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def render_markdown(results: list[FileResult]) -> str:
    """Per-file table and totals, plus every violation spelled out."""
    n = len(results)
    ok = sum(1 for r in results if r.ok)
    checks = [c for r in results for c in r.citation_checks]
    invalid = [c for c in checks if c.status == CitationStatus.INVALID]
    unverified = [c for c in checks if c.status == CitationStatus.UNVERIFIED]
    invented = [(r.file, i) for r in results for i in r.invented]
    lines = [
        "# fashen 真实决定书评测",
        "",
        f"- 文件 {n} 件；读取并审核成功 {ok} 件（{ok / n:.0%}）" if n else "- 没有文件",
        f"- 平均识别要素 {sum(r.n_fields for r in results if r.ok) / ok:.1f}/{len(FIELDS)} 项"
        if ok
        else "- 平均识别要素 —",
        f"- 审核意见引用 {len(checks)} 条：逐字核验 {len(checks) - len(invalid) - len(unverified)}，"
        f"如实标为未核验 {len(unverified)}，不合格 {len(invalid)}",
        f"- 抽取值非原文：{sum(1 for _, i in invented if not i.folded_only)} 处"
        f"（另有 {sum(1 for _, i in invented if i.folded_only)} 处仅在空白、全角/半角标点归一后一致）",
        "",
        "| 文件 | 读取 | 要素 | "
        + " | ".join(FIELD_LABELS[f] for f in FIELDS)
        + " | 结论 | 引用(有效/全部) | 违规 |",
        "|---" * (len(FIELDS) + 6) + "|",
    ]
    for r in results:
        if not r.ok:
            lines.append(
                f"| {_short(r.file)} | ✗ | — | " + " | ".join("—" for _ in FIELDS) + " | — | — | — |"
            )
            continue
        cells = " | ".join("✓" if r.fields[f] else "·" for f in FIELDS)
        valid = sum(1 for c in r.citation_checks if c.status != CitationStatus.INVALID)
        lines.append(
            f"| {_short(r.file)} | ✓ | {r.n_fields} | {cells} | {r.conclusion} "
            f"| {valid}/{len(r.citation_checks)} | {r.violations} |"
        )
    failed = [r for r in results if not r.ok]
    if failed:
        lines += ["", "## 读取或审核失败", ""] + [f"- {r.file}：{r.error}" for r in failed]
    if invalid:
        lines += ["", "## 不合格的引用", ""]
        lines += [
            f"- {c.case_id} {c.code}：《{c.citation.law}》{c.citation.article}：{c.reason}" for c in invalid
        ]
    if invented:
        lines += ["", "## 非原文的抽取值", ""]
        for file, i in invented:
            note = "（仅空白/标点归一后一致）" if i.folded_only else ""
            lines.append(f"- {_short(file)} {i.field}{note}：“{_short(' '.join(i.value.split()), 60)}”")
    lines.append("")
    return "\n".join(lines)


def results_json(results: list[FileResult]) -> list[dict[str, Any]]:
    return [
        {
            "file": r.file,
            "ok": r.ok,
            "error": r.error,
            "fields": r.fields,
            "fields_found": r.n_fields,
            "conclusion": r.conclusion,
            "verdicts": r.verdicts,
            "findings": r.findings,
            "citations": {
                "total": len(r.citation_checks),
                "valid": sum(1 for c in r.citation_checks if c.status == CitationStatus.VALID),
                "unverified": sum(1 for c in r.citation_checks if c.status == CitationStatus.UNVERIFIED),
                "invalid": [
                    {"code": c.code, "law": c.citation.law, "article": c.citation.article, "reason": c.reason}
                    for c in r.citation_failures
                ],
            },
            "invented": [
                {"field": i.field, "value": i.value, "folded_only": i.folded_only} for i in r.invented
            ],
            "violations": r.violations,
        }
        for r in results
    ]
