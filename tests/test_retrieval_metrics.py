"""Table-driven tests of the retrieval metrics: gold matching, R@k, MRR, the per-type table, the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.retrieval_metrics import (
    DocTarget,
    EvalQuery,
    QType,
    QueryFileError,
    StatuteTarget,
    TableTarget,
    first_hit_rank,
    format_table,
    is_hit,
    load_queries,
    mrr,
    per_qtype_table,
    recall_at,
)

A63 = "行政处罚法@2021-07-15#a63"
CHAOYANG = (
    "朝阳区全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度实施方案-朝政办发〔2019〕8号"
)
FIVE_DAYS = "提交审核之日起5个工作日内"


def statute(uid: str) -> dict[str, Any]:
    return {"unit_id": uid, "kind": "statute", "text": "第……条"}


def policy(doc: str, text: str) -> dict[str, Any]:
    return {"unit_id": f"policy:{doc}#s001", "kind": "policy", "doc": doc, "text": text}


def row(table: str, item_no: str) -> dict[str, Any]:
    uid = f"discretion:{table}#{item_no}"
    return {"unit_id": uid, "kind": "discretion", "table": table, "item_no": item_no, "text": "违法行为：……"}


def query(qid: str, qtype: str, gold: list[dict[str, str]], date: str | None = None) -> EvalQuery:
    rec: dict[str, Any] = {"id": qid, "query": "某个查询", "qtype": qtype, "gold": gold}
    if date:
        rec["date"] = date
    return EvalQuery.model_validate_json(json.dumps(rec, ensure_ascii=False))


@pytest.mark.parametrize(
    ("hit", "target", "expected"),
    [
        (statute(A63), {"unit_id": A63}, True),
        (statute(A63 + ".p1.i2"), {"unit_id": A63}, True),  # a finer unit of the same article
        (statute("行政处罚法@2021-07-15#a6"), {"unit_id": A63}, False),
        (statute(A63), {"unit_id": "行政处罚法@2021-07-15#a6"}, False),  # a63 is not inside a6
        # another version of the same law
        (statute("行政复议法@2018-01-01#a9"), {"unit_id": "行政复议法@2024-01-01#a9"}, False),
        (
            policy(CHAOYANG, "第九条 法制机构应当在承办机构提交审核之日起5个工作日内进行审核"),
            {"doc": CHAOYANG, "contains": FIVE_DAYS},
            True,
        ),
        (
            policy(CHAOYANG, "提交审核之日起5个\n工作日 内进行审核"),
            {"doc": CHAOYANG, "contains": FIVE_DAYS},
            True,
        ),  # re-wrapped lines
        (policy("其他文件", FIVE_DAYS), {"doc": CHAOYANG, "contains": FIVE_DAYS}, False),
        (policy(CHAOYANG, "第十条 法制审核意见通过的"), {"doc": CHAOYANG, "contains": FIVE_DAYS}, False),
        (statute(A63), {"doc": CHAOYANG, "contains": "第六十三条"}, False),  # statute units carry no doc key
        (row("江门2020", "3-21"), {"table": "江门2020", "item_no": "3-21"}, True),
        (row("江门2020", "3-2"), {"table": "江门2020", "item_no": "3-21"}, False),
        (row("广东2022", "3-21"), {"table": "江门2020", "item_no": "3-21"}, False),
        (statute(A63), {"table": "江门2020", "item_no": "3-21"}, False),
        (statute(A63), StatuteTarget(unit_id=A63), True),
        (row("江门2020", "3-13"), TableTarget(table="江门2020", item_no="3-13"), True),
        (policy(CHAOYANG, "原则上不得少于6个月"), DocTarget(doc=CHAOYANG, contains="不得少于6个月"), True),
    ],
)
def test_is_hit(hit: dict[str, Any], target: Any, expected: bool) -> None:
    assert is_hit(hit, target) is expected


def test_is_hit_rejects_an_unknown_target_form() -> None:
    with pytest.raises(ValueError, match="无法识别的评测目标"):
        is_hit(statute(A63), {"article": "63"})


# Three queries: gold at rank 1, gold at rank 3 (second of two acceptable targets), gold never retrieved.
QUERIES = [
    query("cite-001", "citation", [{"unit_id": A63}]),
    query(
        "plain-001",
        "plain",
        [{"unit_id": "行政处罚法@2021-07-15#a36"}, {"table": "江门2020", "item_no": "3-21"}],
    ),
    query("plain-002", "plain", [{"unit_id": "行政处罚法@2021-07-15#a33"}]),
]
HITS = {
    "cite-001": [statute(A63), statute("行政处罚法@2021-07-15#a64")],
    "plain-001": [statute("行政处罚法@2021-07-15#a9"), statute(A63), row("江门2020", "3-21")],
    "plain-002": [statute(A63)] * 6,
}


@pytest.mark.parametrize(
    ("qid", "k", "rank"),
    [("cite-001", None, 1), ("plain-001", None, 3), ("plain-001", 2, None), ("plain-002", None, None)],
)
def test_first_hit_rank(qid: str, k: int | None, rank: int | None) -> None:
    q = next(q for q in QUERIES if q.id == qid)
    assert first_hit_rank(HITS[qid], q, k) == rank


@pytest.mark.parametrize(("k", "expected"), [(1, 1 / 3), (2, 1 / 3), (3, 2 / 3), (5, 2 / 3), (100, 2 / 3)])
def test_recall_at(k: int, expected: float) -> None:
    assert recall_at(HITS, QUERIES, k) == pytest.approx(expected)


@pytest.mark.parametrize(("k", "expected"), [(None, (1 + 1 / 3) / 3), (2, 1 / 3), (3, (1 + 1 / 3) / 3)])
def test_mrr(k: int | None, expected: float) -> None:
    assert mrr(HITS, QUERIES, k) == pytest.approx(expected)


def test_a_query_without_a_hit_list_is_a_miss() -> None:
    hits = {"cite-001": HITS["cite-001"]}
    assert recall_at(hits, QUERIES, 5) == pytest.approx(1 / 3)
    assert mrr(hits, QUERIES) == pytest.approx(1 / 3)


@pytest.mark.parametrize("fn", [lambda: recall_at(HITS, QUERIES, 0), lambda: mrr(HITS, QUERIES, 0)])
def test_k_must_be_positive(fn: Any) -> None:
    with pytest.raises(ValueError, match="k 必须是正整数"):
        fn()


def test_no_queries_gives_zero() -> None:
    assert recall_at(HITS, [], 5) == 0.0
    assert mrr(HITS, []) == 0.0


def test_per_qtype_table_rows_per_mode_and_type() -> None:
    results = {"bm25": HITS, "dense": {"plain-002": [statute("行政处罚法@2021-07-15#a33")]}}
    rows = per_qtype_table(results, QUERIES)
    got = {(r.mode, r.qtype): (r.n, r.r_at_1, r.r_at_5, round(r.mrr, 6)) for r in rows}
    assert list(got) == [
        ("bm25", "citation"),
        ("bm25", "plain"),
        ("bm25", "overall"),
        ("dense", "citation"),
        ("dense", "plain"),
        ("dense", "overall"),
    ]  # types without queries are left out; overall last
    assert got[("bm25", "citation")] == (1, 1.0, 1.0, 1.0)
    assert got[("bm25", "plain")] == (2, 0.0, 0.5, round(1 / 6, 6))
    n, r1, r5, m = got[("bm25", "overall")]
    assert n == 3
    assert (r1, r5, m) == pytest.approx((1 / 3, 2 / 3, 4 / 9), abs=1e-6)
    assert got[("dense", "citation")] == (1, 0.0, 0.0, 0.0)
    assert got[("dense", "plain")] == (2, 0.5, 0.5, 0.5)


def test_format_table_is_markdown_with_three_decimals() -> None:
    table = format_table(per_qtype_table({"hybrid": HITS}, QUERIES))
    lines = table.strip().splitlines()
    assert lines[0] == "| 模式 | 类型 | 查询数 | R@1 | R@5 | MRR |"
    assert lines[1].startswith("|---")
    assert "| hybrid | plain | 2 | 0.000 | 0.500 | 0.167 |" in lines
    assert "| hybrid | **overall** | 3 | 0.333 | 0.667 | 0.444 |" in lines
    assert len(lines) == 2 + 3


GOOD = {
    "id": "date-001",
    "query": "申请行政复议的期限",
    "qtype": "date",
    "date": "2024-06-01",
    "gold": [{"unit_id": "行政复议法@2024-01-01#a20"}],
}


def _write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "q.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_load_queries_reads_valid_lines_and_skips_blank_ones(tmp_path: Path) -> None:
    other = {
        **GOOD,
        "id": "pol-001",
        "qtype": "policy",
        "kind": "policy",
        "gold": [{"doc": CHAOYANG, "contains": "原则上不得少于6个月"}],
    }
    other.pop("date")
    lines = [json.dumps(GOOD, ensure_ascii=False), "", json.dumps(other, ensure_ascii=False)]
    qs = load_queries(_write(tmp_path, lines))
    assert [q.id for q in qs] == ["date-001", "pol-001"]
    assert qs[0].qtype is QType.DATE and qs[0].date is not None and qs[0].date.isoformat() == "2024-06-01"
    assert isinstance(qs[1].gold[0], DocTarget)


def _bad(**changes: Any) -> str:
    rec = {**GOOD, **changes}
    return json.dumps({k: v for k, v in rec.items() if v is not None}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "不是合法的 JSON"),
        (_bad(qtype="statute"), "字段 qtype 无效：取值不在允许范围内"),
        (_bad(query=None), "字段 query 无效：缺少该字段"),
        (_bad(date="2024-13-01"), "字段 date 无效：不是合法的 ISO 日期"),
        (_bad(date=None), "该行无效：qtype 为 date 的查询必须给出 date"),
        (_bad(gold=[]), "字段 gold 无效：至少要有一项"),
        (_bad(gold=[{"unit_id": "行政处罚法第六十三条"}]), "字段 gold[0] 不是合法的评测目标"),
        (_bad(gold=[{"table": "江门2020", "item_no": "三-21"}]), "字段 gold[0] 不是合法的评测目标"),
        (_bad(gold=[{"doc": "x", "contains": "yy", "unit_id": A63}]), "字段 gold[0] 不是合法的评测目标"),
        (_bad(kind="law"), "字段 kind 无效：取值不在允许范围内"),
        (_bad(id=7), "字段 id 无效：应为字符串"),
        (_bad(id="Q1"), "字段 id 无效：格式不符"),
        (_bad(extra="x"), "字段 extra 无效：不允许的字段"),
    ],
)
def test_load_queries_names_the_bad_line_and_field(tmp_path: Path, bad_line: str, message: str) -> None:
    p = _write(tmp_path, [json.dumps(GOOD, ensure_ascii=False), bad_line])
    with pytest.raises(QueryFileError, match="第2行") as err:
        load_queries(p)
    assert message in str(err.value)
    assert err.value.line == 2


def test_load_queries_rejects_duplicate_ids(tmp_path: Path) -> None:
    line = json.dumps(GOOD, ensure_ascii=False)
    with pytest.raises(QueryFileError, match=r"第3行.*id 重复.*第1行"):
        load_queries(_write(tmp_path, [line, "", line]))


def test_eval_query_is_frozen() -> None:
    q = QUERIES[0]
    with pytest.raises(ValueError):
        setattr(q, "query", "改写")  # noqa: B010 - the point is the runtime refusal
