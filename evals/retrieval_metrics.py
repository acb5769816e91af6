"""Retrieval evaluation: the labelled query set, the hit/gold matching rule, and R@k / MRR tables.

Pure module: it reads the JSONL query file and computes numbers from ranked hit lists; running the
retrievers is somebody else's job (they hand in `{mode: {query_id: [hit, ...]}}`).

A gold target is one of three forms, and a query counts as answered when any of its targets is hit:
- `{"unit_id": "行政处罚法@2021-07-15#a63"}`: a statute article. A hit on a finer unit of the same
  article (`…#a63.p1.i2`, see `corpus.models.statute_unit_id`) also counts.
- `{"doc": "<file stem>", "contains": "<phrase>"}`: a section of a policy/ or discretion/ Markdown
  document whose text contains the phrase (whitespace ignored: splitters may re-wrap lines).
- `{"table": "江门2020", "item_no": "3-21"}`: a matter (序号) of a discretion benchmark table.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corpus.models import DocKind

DEFAULT_QUERIES_PATH = Path(__file__).resolve().parent / "data" / "retrieval_queries.jsonl"
# Written blind (without running any search) by someone who had not seen the set above or the system's
# results, as a check that changes made while looking at the first set's misses carry over.
HOLDOUT_QUERIES_PATH = DEFAULT_QUERIES_PATH.with_name("retrieval_queries_holdout.jsonl")

# Article-level id, optionally narrowed to a paragraph/item: 行政处罚法@2021-07-15#a63, …#a20-1, …#a63.p1.i2
STATUTE_UNIT_ID = re.compile(r"^[^@#\s]+@\d{4}-\d{2}-\d{2}#a\d+(?:-\d+)?(?:\.p\d+(?:\.i\d+)?)?$")
ITEM_NO = re.compile(r"^\d+-\d+$")
QUERY_ID = re.compile(r"^[a-z]+-\d{3,}$")


class QType(StrEnum):
    """What a query tests."""

    CITATION = "citation"  # an exact citation, in any of the styles drafts use
    PLAIN = "plain"  # a legal question in plain words
    VIOLATION = "violation"  # a fact pattern: which article punishes this?
    POLICY = "policy"  # a question answered by a policy / discretion-rule document
    DATE = "date"  # the answer depends on the version in force on `date`


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class StatuteTarget(_Frozen):
    unit_id: str = Field(pattern=STATUTE_UNIT_ID.pattern, description="Statute unit id, article level.")


class DocTarget(_Frozen):
    doc: str = Field(min_length=1, description="File stem of the policy/ or discretion/ Markdown document.")
    contains: str = Field(min_length=2, description="Verbatim phrase of the target section.")


class TableTarget(_Frozen):
    table: str = Field(min_length=1, description="Table key, e.g. 江门2020.")
    item_no: str = Field(pattern=ITEM_NO.pattern, description="序号 of the matter, e.g. 3-21.")


GoldTarget = StatuteTarget | DocTarget | TableTarget


class EvalQuery(_Frozen):
    """One labelled query."""

    id: str = Field(pattern=QUERY_ID.pattern, description="Unique id, e.g. cite-001.")
    query: str = Field(min_length=2, description="The query as a user would type it (Chinese).")
    qtype: QType
    date: dt.date | None = Field(default=None, description="Day the question is asked about (ISO).")
    kind: DocKind | None = Field(default=None, description="Optional filter passed to the retriever.")
    gold: tuple[GoldTarget, ...] = Field(min_length=1, description="Acceptable targets; any one is a hit.")

    @model_validator(mode="after")
    def _date_queries_have_a_date(self) -> EvalQuery:
        if self.qtype is QType.DATE and self.date is None:
            raise ValueError("qtype 为 date 的查询必须给出 date 字段（ISO 日期，如 2024-06-01）")
        return self


class QueryFileError(ValueError):
    """The query file has a bad line: names the file, the line and the field."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        super().__init__(f"检索评测集 {path} 第{line}行：{problem}。请按 EvalQuery 的格式修正该行后重试。")


_TARGET_NAMES = {"StatuteTarget", "DocTarget", "TableTarget"}
_PROBLEMS = {
    "missing": "缺少该字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为字符串",
    "string_too_short": "不能为空或过短",
    "too_short": "至少要有一项",
    "string_pattern_mismatch": "格式不符",
    "enum": "取值不在允许范围内",
    "date_from_datetime_parsing": "不是合法的 ISO 日期（YYYY-MM-DD）",
    "date_parsing": "不是合法的 ISO 日期（YYYY-MM-DD）",
    "date_type": "不是合法的 ISO 日期（YYYY-MM-DD）",
    "model_type": "应为 JSON 对象",
    "tuple_type": "应为 JSON 数组",
}


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = [str(p) for p in first["loc"]]
    if len(loc) >= 2 and loc[0] == "gold" and (len(loc) == 2 or loc[2] in _TARGET_NAMES):
        return (
            f"字段 gold[{loc[1]}] 不是合法的评测目标：须为 {{unit_id}}、{{doc, contains}} "
            "或 {table, item_no} 之一，且 unit_id 形如 行政处罚法@2021-07-15#a63、item_no 形如 3-21"
        )
    where = f"字段 {'.'.join(loc)} " if loc else "该行"
    ctx = first.get("ctx", {})
    if first["type"] == "value_error":
        problem = str(ctx.get("error", first["msg"]))
    else:
        problem = _PROBLEMS.get(first["type"], first["msg"])
    if first["type"] == "enum":
        problem += f"（允许：{str(ctx.get('expected', '')).replace(' or ', ', ')}）"
    elif first["type"] == "string_pattern_mismatch":
        problem += f"（应匹配 {ctx.get('pattern', '')}）"
    return f"{where}无效：{problem}"


def load_queries(path: Path | str = DEFAULT_QUERIES_PATH) -> list[EvalQuery]:
    """Read the JSONL query file; blank lines are skipped, anything else must be a valid EvalQuery."""
    path = Path(path)
    queries: list[EvalQuery] = []
    first_line: dict[str, int] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            json.loads(raw)
        except json.JSONDecodeError as e:
            raise QueryFileError(path, lineno, f"不是合法的 JSON（第{e.colno}列：{e.msg}）") from e
        try:
            q = EvalQuery.model_validate_json(raw)
        except ValidationError as e:
            raise QueryFileError(path, lineno, _describe(e)) from e
        if q.id in first_line:
            raise QueryFileError(path, lineno, f"字段 id 重复：{q.id} 已在第{first_line[q.id]}行使用")
        first_line[q.id] = lineno
        queries.append(q)
    return queries


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_hit(hit: Mapping[str, Any], target: Mapping[str, Any] | GoldTarget) -> bool:
    """True when the retrieved unit `hit` satisfies the gold `target` (see module docstring)."""
    t: Mapping[str, Any] = target.model_dump() if isinstance(target, BaseModel) else target
    if "unit_id" in t:
        got = str(hit.get("unit_id", ""))
        want = str(t["unit_id"])
        return got == want or got.startswith(want + ".")
    if "doc" in t:
        if hit.get("doc") != t["doc"]:
            return False
        return _squash(str(t["contains"])) in _squash(str(hit.get("text", "")))
    if "table" in t:
        return hit.get("table") == t["table"] and str(hit.get("item_no", "")) == str(t["item_no"])
    raise ValueError(f"无法识别的评测目标 {dict(t)}：目标须含 unit_id、doc+contains 或 table+item_no 之一")


def first_hit_rank(hits: Sequence[Mapping[str, Any]], query: EvalQuery, k: int | None = None) -> int | None:
    """1-based rank of the first hit matching any gold target within the top `k` (all when None)."""
    for rank, hit in enumerate(hits[:k] if k is not None else hits, start=1):
        if any(is_hit(hit, g) for g in query.gold):
            return rank
    return None


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k 必须是正整数，收到 {k}")


def recall_at(
    hits_per_query: Mapping[str, Sequence[Mapping[str, Any]]], queries: Sequence[EvalQuery], k: int
) -> float:
    """Share of `queries` with a gold hit in the top k. A query without a hit list counts as a miss."""
    _check_k(k)
    if not queries:
        return 0.0
    found = sum(first_hit_rank(hits_per_query.get(q.id, ()), q, k) is not None for q in queries)
    return found / len(queries)


def mrr(
    hits_per_query: Mapping[str, Sequence[Mapping[str, Any]]],
    queries: Sequence[EvalQuery],
    k: int | None = None,
) -> float:
    """Mean reciprocal rank of the first gold hit (0 for a miss), over the top k when given."""
    if k is not None:
        _check_k(k)
    if not queries:
        return 0.0
    total = 0.0
    for q in queries:
        rank = first_hit_rank(hits_per_query.get(q.id, ()), q, k)
        total += 1.0 / rank if rank else 0.0
    return total / len(queries)


OVERALL = "overall"


class MetricRow(_Frozen):
    """One line of the results table."""

    mode: str = Field(description="Retrieval mode: bm25, dense, hybrid …")
    qtype: str = Field(description="A QType value, or 'overall'.")
    n: int = Field(description="Number of queries in the group.")
    r_at_1: float
    r_at_5: float
    mrr: float


def per_qtype_table(
    results: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]], queries: Sequence[EvalQuery]
) -> list[MetricRow]:
    """R@1, R@5 and MRR per query type and overall, for each mode of `results` ({mode: {id: hits}})."""
    groups: list[tuple[str, list[EvalQuery]]] = [
        (qt.value, [q for q in queries if q.qtype is qt]) for qt in QType
    ]
    groups = [(name, qs) for name, qs in groups if qs] + [(OVERALL, list(queries))]
    rows: list[MetricRow] = []
    for mode, hits in results.items():
        for name, qs in groups:
            rows.append(
                MetricRow(
                    mode=mode,
                    qtype=name,
                    n=len(qs),
                    r_at_1=recall_at(hits, qs, 1),
                    r_at_5=recall_at(hits, qs, 5),
                    mrr=mrr(hits, qs),
                )
            )
    return rows


def format_table(rows: Iterable[MetricRow]) -> str:
    """Markdown table of the rows, three decimals."""
    lines = ["| 模式 | 类型 | 查询数 | R@1 | R@5 | MRR |", "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        qtype = f"**{r.qtype}**" if r.qtype == OVERALL else r.qtype
        lines.append(f"| {r.mode} | {qtype} | {r.n} | {r.r_at_1:.3f} | {r.r_at_5:.3f} | {r.mrr:.3f} |")
    return "\n".join(lines) + "\n"
