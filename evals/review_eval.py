"""How well fashen reviews, measured against answer keys, next to a plain baseline that has no store.

For every case with an answer key (`expected`, never read by the review):
- per criterion, positive = the criterion has an issue: fashen's verdict 有问题 vs the key's `issue`
  (需核实 counts as negative: it asks for a check, it does not assert a defect) → TP/FP/FN/TN, precision,
  recall, F1;
- the conclusion (同意 / 修改后同意 / 不同意): accuracy and an expected × predicted table;
- citation validity: every citation of every finding must be what the store holds. A citation marked
  verified must name a unit of the store whose article contains its text, and re-resolving its law, article,
  款 and 项 on its version must give back the same unit id and the same verbatim text. A citation marked
  unverified is honest only without a unit id; it is counted apart, never as valid text.

The same metrics are computed for `evals.baseline` (regular expressions over the draft, no store), so the
report shows what the store, resolver and parameter layers add. `write_report` writes `report.md` and a
PNG chart of per-criterion F1.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import yaml

from corpus.citations import find_citations
from corpus.models import LawVersion, SearchUnit, statute_unit_id
from corpus.resolver import cite_article
from review.models import Citation, Conclusion, Criterion, Review, Verdict

CRITERIA: tuple[str, ...] = tuple(c.value for c in Criterion)
CONCLUSIONS: tuple[str, ...] = tuple(c.value for c in Conclusion)
SYSTEMS: tuple[str, ...] = ("fashen", "baseline")


# ============================================================================================ metrics


def precision(tp: int, fp: int) -> float | None:
    """TP / (TP + FP); None when nothing was flagged (undefined, not zero)."""
    return tp / (tp + fp) if tp + fp else None


def recall(tp: int, fn: int) -> float | None:
    """TP / (TP + FN); None when there was nothing to find."""
    return tp / (tp + fn) if tp + fn else None


def f1(tp: int, fp: int, fn: int) -> float | None:
    """2TP / (2TP + FP + FN) — the harmonic mean of precision and recall, 0 when either is 0;
    None only when there was nothing to find and nothing was flagged."""
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else None


@dataclass(frozen=True)
class Counts:
    """Confusion counts of one binary decision (positive = has an issue)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float | None:
        return precision(self.tp, self.fp)

    @property
    def recall(self) -> float | None:
        return recall(self.tp, self.fn)

    @property
    def f1(self) -> float | None:
        return f1(self.tp, self.fp, self.fn)

    @property
    def support(self) -> int:
        """Number of actual positives."""
        return self.tp + self.fn

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)


def confusion(pairs: Iterable[tuple[bool, bool]]) -> Counts:
    """Counts from (expected, predicted) pairs."""
    tp = fp = fn = tn = 0
    for expected, predicted in pairs:
        if expected and predicted:
            tp += 1
        elif predicted:
            fp += 1
        elif expected:
            fn += 1
        else:
            tn += 1
    return Counts(tp, fp, fn, tn)


def conclusion_matrix(pairs: Iterable[tuple[str | None, str]]) -> dict[str, dict[str, int]]:
    """expected → predicted → count over the three conclusions (unknown labels get their own row/column)."""
    matrix: dict[str, dict[str, int]] = {e: {p: 0 for p in CONCLUSIONS} for e in CONCLUSIONS}
    for expected, predicted in pairs:
        row = matrix.setdefault(expected or "（无）", {p: 0 for p in CONCLUSIONS})
        row[predicted] = row.get(predicted, 0) + 1
    return matrix


def accuracy(pairs: Iterable[tuple[Any, Any]]) -> float | None:
    """Share of pairs that agree; None for no pairs."""
    items = list(pairs)
    return sum(1 for a, b in items if a == b) / len(items) if items else None


# ============================================================================================ citations


class CitationStore(Protocol):
    """What the validity check needs from `corpus.store.LawStore`."""

    def unit(self, unit_id: str) -> SearchUnit | None: ...

    def find_law(self, name: str) -> str | None: ...

    def versions(self, law_key: str) -> list[LawVersion]: ...

    def known_law_names(self) -> list[str]: ...


class CitationStatus(StrEnum):
    VALID = "valid"  # verbatim store text, re-resolved to the same unit
    UNVERIFIED = "unverified"  # honestly marked: verified=False and no unit id
    INVALID = "invalid"  # anything else: forged, altered, pointing nowhere, or dishonestly marked


# law_key@YYYY-MM-DD#a63[-1][.p1[.i2]] (corpus.models.statute_unit_id)
_UNIT_ID_RE = re.compile(
    r"^(?P<law>[^@#]+)@(?P<eff>\d{4}-\d{2}-\d{2})#a(?P<no>\d+)(?:-(?P<suf>\d+))?(?:\.p(?P<p>\d+)(?:\.i(?P<i>\d+))?)?$"
)


@dataclass(frozen=True)
class CitationCheck:
    """The verdict on one citation of one finding."""

    status: CitationStatus
    reason: str
    citation: Citation
    case_id: str = ""
    criterion: str = ""
    code: str = ""


def check_citation(c: Citation, store: CitationStore) -> tuple[CitationStatus, str]:
    """Whether a finding's citation is what the store holds. The reason is in Chinese."""
    if not c.verified:
        if c.unit_id is not None:
            return CitationStatus.INVALID, f"标为未核验却带有 unit_id {c.unit_id}"
        if store.find_law(c.law) is None:
            return CitationStatus.UNVERIFIED, "unverified: law not in corpus（语料库未收录该法规）"
        return (
            CitationStatus.UNVERIFIED,
            "unverified: provision not resolved（法规已收录，条款或版本未能核验）",
        )
    if c.unit_id is None:
        return CitationStatus.INVALID, "标为已核验却没有 unit_id"
    if c.unit_id.startswith(_DOCUMENT_UNIT_PREFIXES):
        return _check_document_unit(c, store)
    m = _UNIT_ID_RE.match(c.unit_id)
    if m is None:
        return CitationStatus.INVALID, f"unit_id 格式无法识别：{c.unit_id}"
    law_key, effective = m.group("law"), dt.date.fromisoformat(m.group("eff"))
    article_uid = statute_unit_id(law_key, effective, int(m.group("no")), int(m.group("suf") or 0))
    article = store.unit(article_uid)
    if article is None:
        return CitationStatus.INVALID, f"库中没有 {article_uid}"
    if c.text not in article.text:
        return CitationStatus.INVALID, f"引文不是 {article_uid} 原文的一部分"
    if c.version is not None and c.version != effective.isoformat():
        return CitationStatus.INVALID, f"版本 {c.version} 与 unit_id 的版本 {effective.isoformat()} 不一致"
    if store.find_law(c.law) != law_key:
        return CitationStatus.INVALID, f"法规名称《{c.law}》与 unit_id 的法规 {law_key} 不符"
    refs = find_citations(f"《{c.law}》{c.article}", known_laws=[c.law])
    if len(refs) != 1:
        return CitationStatus.INVALID, f"条款标注“{c.article}”无法解析"
    ref = refs[0]
    again = cite_article(
        store,
        c.law,
        ref.article_no,
        effective,
        suffix=ref.article_suffix,
        paragraph=ref.paragraph,
        item=ref.item,
    )
    if again.text is None:
        return CitationStatus.INVALID, f"重新核验失败：{again.message}"
    if again.unit_id != c.unit_id:
        return (
            CitationStatus.INVALID,
            f"条款标注“{c.article}”对应 {again.unit_id}，而引文 unit_id 为 {c.unit_id}",
        )
    if again.text != c.text:
        return CitationStatus.INVALID, f"引文与库中 {c.unit_id} 的原文不一致"
    return CitationStatus.VALID, "verbatim"


# Units of policy documents and discretion benchmark tables (corpus.store.policy_unit_id, discretion_unit_id):
# no article/款/项 to re-resolve, so the unit itself must exist and hold the text verbatim.
_DOCUMENT_UNIT_PREFIXES = ("policy:", "discretion:")


def _check_document_unit(c: Citation, store: CitationStore) -> tuple[CitationStatus, str]:
    assert c.unit_id is not None
    unit = store.unit(c.unit_id)
    if unit is None:
        return CitationStatus.INVALID, f"库中没有 {c.unit_id}"
    if c.text not in unit.text:
        return CitationStatus.INVALID, f"引文不是 {c.unit_id} 原文的一部分"
    if c.law != unit.title:
        return CitationStatus.INVALID, f"文件名称《{c.law}》与 {c.unit_id} 的标题《{unit.title}》不符"
    if c.version is not None and unit.effective is not None and c.version != unit.effective.isoformat():
        return (
            CitationStatus.INVALID,
            f"版本 {c.version} 与 {c.unit_id} 的施行日期 {unit.effective.isoformat()} 不一致",
        )
    return CitationStatus.VALID, "verbatim"


def check_review_citations(review: Review, store: CitationStore) -> list[CitationCheck]:
    """Every citation of every finding of a review, checked."""
    out = []
    for result in review.criteria:
        for finding in result.findings:
            for c in finding.citations:
                status, reason = check_citation(c, store)
                out.append(
                    CitationCheck(status, reason, c, review.case_id, result.criterion.value, finding.code)
                )
    return out


@dataclass(frozen=True)
class CitationSummary:
    total: int
    valid: int
    unverified: int
    invalid: int
    unverified_reasons: dict[str, int]
    failures: tuple[CitationCheck, ...]

    @property
    def validity_rate(self) -> float | None:
        """Share of citations that are not failures (verbatim, or honestly unverified)."""
        return (self.total - self.invalid) / self.total if self.total else None

    @property
    def verbatim_rate(self) -> float | None:
        return self.valid / self.total if self.total else None


def summarise_citations(checks: Sequence[CitationCheck]) -> CitationSummary:
    reasons: dict[str, int] = {}
    for ch in checks:
        if ch.status == CitationStatus.UNVERIFIED:
            reasons[ch.reason] = reasons.get(ch.reason, 0) + 1
    return CitationSummary(
        total=len(checks),
        valid=sum(1 for ch in checks if ch.status == CitationStatus.VALID),
        unverified=sum(1 for ch in checks if ch.status == CitationStatus.UNVERIFIED),
        invalid=sum(1 for ch in checks if ch.status == CitationStatus.INVALID),
        unverified_reasons=reasons,
        failures=tuple(ch for ch in checks if ch.status == CitationStatus.INVALID),
    )


# ============================================================================================ evaluation


@dataclass(frozen=True)
class Prediction:
    """What one reviewer said about one case."""

    conclusion: str
    issues: dict[str, bool]  # criterion key → 有问题
    verify: frozenset[str] = frozenset()  # criteria left at 需核实

    @classmethod
    def from_review(cls, review: Review) -> Prediction:
        return cls(
            conclusion=review.conclusion.value,
            issues={r.criterion.value: r.verdict == Verdict.ISSUE for r in review.criteria},
            verify=frozenset(r.criterion.value for r in review.criteria if r.verdict == Verdict.VERIFY),
        )


@dataclass(frozen=True)
class CaseRow:
    """One evaluated case: the key and both reviewers' answers."""

    case_id: str
    source: str
    expected_conclusion: str | None
    expected: dict[str, bool]  # criterion key → issue (only criteria the key states)
    predictions: dict[str, Prediction]  # system → prediction


@dataclass(frozen=True)
class SystemMetrics:
    per_criterion: dict[str, Counts]
    conclusion_accuracy: float | None
    conclusion_matrix: dict[str, dict[str, int]]

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.per_criterion.values():
            total = total + counts
        return total

    @property
    def macro_f1(self) -> float | None:
        values = [c.f1 for c in self.per_criterion.values() if c.f1 is not None]
        return sum(values) / len(values) if values else None


@dataclass
class EvalResult:
    """Everything measured on one set of cases."""

    set_name: str
    rows: list[CaseRow] = field(default_factory=list)
    citations: list[CitationCheck] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, message) of unreadable cases
    corpus_version: str = ""

    def metrics(self, system: str) -> SystemMetrics:
        per = {
            c: confusion(
                (row.expected[c], row.predictions[system].issues.get(c, False))
                for row in self.rows
                if c in row.expected
            )
            for c in CRITERIA
        }
        pairs = [
            (row.expected_conclusion, row.predictions[system].conclusion)
            for row in self.rows
            if row.expected_conclusion is not None
        ]
        return SystemMetrics(per, accuracy(pairs), conclusion_matrix(pairs))

    @property
    def citation_summary(self) -> CitationSummary:
        return summarise_citations(self.citations)


def expected_labels(expected: Mapping[str, Any]) -> tuple[str | None, dict[str, bool]]:
    """(conclusion, criterion → issue) from an answer key; unknown criteria and values are ignored."""
    conclusion = expected.get("conclusion")
    criteria = expected.get("criteria") or {}
    labels = {
        str(k): str(v).strip().lower() == "issue"
        for k, v in criteria.items()
        if str(k) in CRITERIA and str(v).strip().lower() in ("issue", "ok")
    }
    return (str(conclusion) if conclusion is not None else None), labels


def read_expected(path: Path) -> dict[str, Any] | None:
    """The `expected` block of a case file (the review itself never reads it)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    exp = data.get("expected") if isinstance(data, dict) else None
    return exp if isinstance(exp, dict) else None


Reviewer = Callable[[Any, Any], Review]  # (case, store) → Review


def _fashen(case: Any, store: Any) -> Review:
    from review.engine import run_review

    return run_review(case, store)


def _baseline(case: Any, store: Any) -> Review:
    from evals.baseline import baseline_review

    return baseline_review(case)


def evaluate_paths(
    paths: Iterable[Path], store: Any, *, set_name: str = "", reviewers: Mapping[str, Reviewer] | None = None
) -> EvalResult:
    """Review every case file that carries an answer key, with fashen and the baseline."""
    from review.intake import IntakeError, load_case

    systems = dict(reviewers) if reviewers is not None else {"fashen": _fashen, "baseline": _baseline}
    result = EvalResult(set_name=set_name, corpus_version=str(getattr(store, "corpus_version", "")))
    for path in paths:
        try:
            expected = read_expected(path)
            if expected is None:
                continue
            case = load_case(path)
        except (IntakeError, yaml.YAMLError, OSError) as e:
            result.errors.append((str(path), str(e)))
            continue
        conclusion, labels = expected_labels(expected)
        predictions = {}
        for name, reviewer in systems.items():
            review = reviewer(case, store)
            predictions[name] = Prediction.from_review(review)
            if name == "fashen":
                result.citations.extend(check_review_citations(review, store))
        result.rows.append(CaseRow(case.case_id, str(path), conclusion, labels, predictions))
    return result


def evaluate_dir(cases_dir: Path, store: Any, **kwargs: Any) -> EvalResult:
    """Every `*.yaml`/`*.yml` case of a directory that has an answer key."""
    if not cases_dir.is_dir():
        raise FileNotFoundError(f"案例目录不存在：{cases_dir}（请用 --cases 指定含 *.yaml 案例的目录）")
    paths = sorted([*cases_dir.glob("*.yaml"), *cases_dir.glob("*.yml")])
    kwargs.setdefault("set_name", str(cases_dir))
    return evaluate_paths(paths, store, **kwargs)


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings (the draft) as `|` blocks, as case files are written by hand."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)


def write_cases(cases: Sequence[Mapping[str, Any]], out_dir: Path) -> list[Path]:
    """Write case mappings (case YAML format, with `expected`) as files gen-0001.yaml … in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, case in enumerate(cases, start=1):
        path = out_dir / f"gen-{i:04d}.yaml"
        path.write_text(
            yaml.dump(dict(case), Dumper=_BlockDumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        paths.append(path)
    return paths


def evaluate_generated(
    clean_dir: Path,
    n: int,
    seed: int,
    store: Any,
    generate: Callable[[Path, int, int], list[dict[str, Any]]] | None = None,
    **kwargs: Any,
) -> EvalResult:
    """Build `n` mutated cases from the clean examples (`evals.casegen.generate_many`) and evaluate them,
    each read back through `review.intake` from a temporary YAML file."""
    if generate is None:
        try:
            from evals.casegen import generate_many
        except ImportError as e:
            raise ValueError(
                "生成案例需要 evals/casegen.py 中的 generate_many，当前无法导入；请先不用 --generated 评测。"
            ) from e
        generate = generate_many
    cases = generate(clean_dir, n, seed)
    with tempfile.TemporaryDirectory(prefix="fashen-gen-") as tmp:
        paths = write_cases(cases, Path(tmp))
        kwargs.setdefault("set_name", f"{len(paths)} 件生成案例（{clean_dir}，seed={seed}）")
        result = evaluate_paths(paths, store, **kwargs)
    for i, row in enumerate(result.rows):  # the temp files are gone: name the generated case instead
        result.rows[i] = CaseRow(
            row.case_id,
            f"generated:{Path(row.source).name}",
            row.expected_conclusion,
            row.expected,
            row.predictions,
        )
    return result


# ============================================================================================ report


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def render_report(result: EvalResult, chart_name: str | None = "f1.png") -> str:
    """The Markdown report: fashen next to the baseline for every metric."""
    m = {s: result.metrics(s) for s in SYSTEMS}
    cs = result.citation_summary
    lines = [
        "# fashen 审核评测报告",
        "",
        f"- 案例集：{result.set_name}（{len(result.rows)} 件有答案的案例）",
        f"- 语料版本：{result.corpus_version or '未知'}；评测日期：{dt.date.today().isoformat()}",
        "- 正例 = 该审核项“有问题”（fashen 结论为“有问题”；需核实不计为有问题）；"
        "基线 = 仅用正则检查草稿文字，不使用法条库。",
    ]
    if result.errors:
        lines.append(
            f"- 未能读取 {len(result.errors)} 件：" + "；".join(f"{s}：{e}" for s, e in result.errors)
        )
    lines += ["", "## 总览", "", "| 指标 | fashen | 基线 |", "|---|---|---|"]
    overview: list[tuple[str, Callable[[SystemMetrics], str]]] = [
        ("结论准确率", lambda sm: _pct(sm.conclusion_accuracy)),
        ("审核项 micro-F1", lambda sm: _num(sm.micro.f1)),
        ("审核项 macro-F1", lambda sm: _num(sm.macro_f1)),
        ("审核项 micro 精确率", lambda sm: _num(sm.micro.precision)),
        ("审核项 micro 召回率", lambda sm: _num(sm.micro.recall)),
    ]
    for label, show in overview:
        lines.append(f"| {label} | {show(m['fashen'])} | {show(m['baseline'])} |")
    lines.append(
        f"| 引用有效率（目标 100%） | {_pct(cs.validity_rate)}（{cs.total - cs.invalid}/{cs.total}） "
        "| 基线不引用法条 |"
    )
    lines += [
        "",
        "## 各审核项",
        "",
        "| 审核项 | 有问题案例数 | fashen P | fashen R | fashen F1 | 基线 P | 基线 R | 基线 F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in Criterion:
        f, b = m["fashen"].per_criterion[c.value], m["baseline"].per_criterion[c.value]
        lines.append(
            f"| {c.title}（{c.value}） | {f.support} | {_num(f.precision)} | {_num(f.recall)} | {_num(f.f1)} "
            f"| {_num(b.precision)} | {_num(b.recall)} | {_num(b.f1)} |"
        )
    if chart_name:
        lines += ["", f"![各审核项 F1]({chart_name})"]
    lines += [
        "",
        "## 混淆表",
        "",
        "### 各审核项（TP / FP / FN / TN）",
        "",
        "| 审核项 | fashen TP | FP | FN | TN | 基线 TP | FP | FN | TN |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in Criterion:
        f, b = m["fashen"].per_criterion[c.value], m["baseline"].per_criterion[c.value]
        lines.append(f"| {c.value} | {f.tp} | {f.fp} | {f.fn} | {f.tn} | {b.tp} | {b.fp} | {b.fn} | {b.tn} |")
    for s, title in (("fashen", "fashen"), ("baseline", "基线")):
        matrix = m[s].conclusion_matrix
        cols = list(dict.fromkeys(p for counts in matrix.values() for p in counts))
        lines += [
            "",
            f"### 结论（{title}）：行 = 答案，列 = 预测",
            "",
            "| 答案＼预测 | " + " | ".join(cols) + " |",
            "|---" * (len(cols) + 1) + "|",
        ]
        for expected, counts in matrix.items():
            lines.append(f"| {expected} | " + " | ".join(str(counts.get(p, 0)) for p in cols) + " |")
    lines += [
        "",
        "## 引用有效性（fashen）",
        "",
        f"- 引用总数 {cs.total}：逐字核验一致 {cs.valid}，如实标为未核验 {cs.unverified}，"
        f"不合格 {cs.invalid}。",
        f"- 有效率 {_pct(cs.validity_rate)}（目标 100%）；逐字核验率 {_pct(cs.verbatim_rate)}。",
    ]
    for reason, n in sorted(cs.unverified_reasons.items()):
        lines.append(f"- {reason}：{n}")
    if cs.failures:
        lines += ["", "| 案例 | 审核项 | 检查代码 | 法规 | 条款 | 问题 |", "|---|---|---|---|---|---|"]
        for ch in cs.failures:
            lines.append(
                f"| {ch.case_id} | {ch.criterion} | {ch.code} | {ch.citation.law} | {ch.citation.article} "
                f"| {ch.reason} |"
            )
    lines += [
        "",
        "## 逐案",
        "",
        "| 案例 | 答案结论 | fashen | 基线 | fashen 不一致的审核项 | 基线不一致的审核项 |",
        "|---|---|---|---|---|---|",
    ]
    for row in result.rows:
        cells = []
        for s in SYSTEMS:
            p = row.predictions[s]
            cells.append(p.conclusion if p.conclusion == row.expected_conclusion else f"**{p.conclusion}**")
        diffs = []
        for s in SYSTEMS:
            p = row.predictions[s]
            wrong = [
                f"{c}({'漏' if row.expected[c] else '误'})"
                for c in CRITERIA
                if c in row.expected and row.expected[c] != p.issues.get(c, False)
            ]
            diffs.append("、".join(wrong) or "—")
        lines.append(
            f"| {row.case_id} | {row.expected_conclusion or '—'} | {cells[0]} | {cells[1]} "
            f"| {diffs[0]} | {diffs[1]} |"
        )
    lines += ["", "（漏 = 答案有问题而未检出；误 = 答案无问题而判为有问题。）", ""]
    return "\n".join(lines)


def summary_json(result: EvalResult) -> dict[str, Any]:
    """Machine-readable summary of an evaluation."""

    def counts(c: Counts) -> dict[str, Any]:
        return {
            "tp": c.tp,
            "fp": c.fp,
            "fn": c.fn,
            "tn": c.tn,
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
        }

    cs = result.citation_summary
    out: dict[str, Any] = {"set": result.set_name, "cases": len(result.rows), "errors": result.errors}
    for s in SYSTEMS:
        m = result.metrics(s)
        out[s] = {
            "conclusion_accuracy": m.conclusion_accuracy,
            "conclusion_matrix": m.conclusion_matrix,
            "micro": counts(m.micro),
            "macro_f1": m.macro_f1,
            "criteria": {c: counts(v) for c, v in m.per_criterion.items()},
        }
    out["citations"] = {
        "total": cs.total,
        "valid": cs.valid,
        "unverified": cs.unverified,
        "invalid": cs.invalid,
        "validity_rate": cs.validity_rate,
        "unverified_reasons": cs.unverified_reasons,
        "failures": [
            {
                "case_id": ch.case_id,
                "code": ch.code,
                "law": ch.citation.law,
                "article": ch.citation.article,
                "reason": ch.reason,
            }
            for ch in cs.failures
        ],
    }
    return out


# ============================================================================================ chart

# Families that carry Chinese glyphs, by the names fontconfig/matplotlib give them.
_CJK_FAMILY_HINTS = (
    "Noto Sans CJK",
    "Noto Serif CJK",
    "Source Han",
    "WenQuanYi",
    "Droid Sans Fallback",
    "Noto Sans SC",
    "Noto Sans TC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang",
    "Heiti",
    "AR PL",
    "Sarasa",
    "Unifont",
)
_CJK_FILE_HINTS = (
    "cjk",
    "wqy",
    "droidsansfallback",
    "sourcehan",
    "simhei",
    "msyh",
    "pingfang",
    "uming",
    "ukai",
    "notosanssc",
    "notosanstc",
    "sarasa",
    "unifont",
)
_PROBE = "法审执行裁量"


def _covers_chinese(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in _PROBE)


def find_cjk_font() -> str | None:
    """Name of an installed font family that renders Chinese, or None (then charts use English keys)."""
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if any(h.lower() in entry.name.lower() for h in _CJK_FAMILY_HINTS) and _covers_chinese(entry.fname):
            return str(entry.name)
    # Fonts installed after matplotlib built its cache are not in ttflist yet: look at the files.
    for path in font_manager.findSystemFonts():
        if any(h in Path(path).name.lower() for h in _CJK_FILE_HINTS) and _covers_chinese(path):
            font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
    return None


def plot_f1(result: EvalResult, path: Path, *, font: str | bool | None = True) -> bool:
    """Bar chart of per-criterion F1, fashen next to the baseline. `font=True` finds a CJK font, a name
    uses that family, None/False forces English labels. Returns True when Chinese labels were drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = find_cjk_font() if font is True else (font or None)
    chinese = bool(family)
    labels = [f"{c.title}\n{c.value}" if chinese else c.value for c in Criterion]
    rc: Any = {"font.family": [family, "DejaVu Sans"]} if family else {}
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(9, 4.8), dpi=120)
        width = 0.38
        colours = {"fashen": "#1f6fb4", "baseline": "#c8c8c8"}
        names = {"fashen": "fashen", "baseline": "基线（无法条库）" if chinese else "baseline (no store)"}
        for k, s in enumerate(SYSTEMS):
            per = result.metrics(s).per_criterion
            values = [per[c.value].f1 for c in Criterion]
            xs = [i + (k - 0.5) * width for i in range(len(values))]
            bars = ax.bar(
                xs,
                [v or 0.0 for v in values],
                width,
                label=names[s],
                color=colours[s],
                edgecolor="#333333",
                linewidth=0.5,
            )
            for bar, v in zip(bars, values, strict=True):
                ax.annotate(
                    "n/a" if v is None else f"{v:.2f}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    xytext=(0, 2),
                    textcoords="offset points",
                )
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylim(0, 1.3)
        ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.set_ylabel("F1")
        ax.set_title(
            f"各审核项 F1（{len(result.rows)} 件）"
            if chinese
            else f"F1 per criterion ({len(result.rows)} cases)"
        )
        ax.legend(loc="upper center", ncol=2, fontsize=9, frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
        plt.close(fig)
    return chinese


def write_report(result: EvalResult, out_dir: Path) -> tuple[Path, Path]:
    """Write `report.md` and `f1.png` into `out_dir`; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chart = out_dir / "f1.png"
    plot_f1(result, chart)
    report = out_dir / "report.md"
    report.write_text(render_report(result, chart.name), encoding="utf-8")
    return report, chart
