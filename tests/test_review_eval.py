"""Review evaluation harness: metrics, confusion tables, citation validity, report, generated cases, CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from corpus.models import DocKind
from corpus.resolver import cite_article
from corpus.store import LawStore
from evals.review_eval import (
    CitationStatus,
    Counts,
    EvalResult,
    accuracy,
    check_citation,
    check_review_citations,
    conclusion_matrix,
    confusion,
    evaluate_dir,
    evaluate_generated,
    expected_labels,
    f1,
    find_cjk_font,
    plot_f1,
    precision,
    recall,
    render_report,
    summarise_citations,
    write_cases,
    write_report,
)
from review.engine import citation_from_resolution
from review.models import (
    Citation,
    Conclusion,
    Criterion,
    CriterionResult,
    Finding,
    Review,
    Severity,
    Verdict,
)

DAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="session")
def law_store(law_store_path: Path) -> LawStore:
    return LawStore(law_store_path)


@pytest.fixture(scope="session")
def examples_dir(corpus_dir: Path) -> Path:
    return corpus_dir.parent / "cases" / "examples"


# ------------------------------------------------------------------------------------------- metrics


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "p", "r", "f"),
    [
        (3, 1, 2, 0.75, 0.6, 6 / 9),
        (1, 0, 0, 1.0, 1.0, 1.0),
        (0, 0, 0, None, None, None),  # nothing to find, nothing flagged: undefined, not 0 or 1
        (0, 2, 0, 0.0, None, 0.0),  # only false alarms
        (0, 0, 3, None, 0.0, 0.0),  # everything missed, nothing flagged
        (0, 1, 1, 0.0, 0.0, 0.0),  # P + R = 0 must not divide by zero
        (2, 2, 2, 0.5, 0.5, 0.5),
    ],
)
def test_precision_recall_f1(
    tp: int, fp: int, fn: int, p: float | None, r: float | None, f: float | None
) -> None:
    assert precision(tp, fp) == pytest.approx(p) if p is not None else precision(tp, fp) is None
    assert recall(tp, fn) == pytest.approx(r) if r is not None else recall(tp, fn) is None
    assert f1(tp, fp, fn) == pytest.approx(f) if f is not None else f1(tp, fp, fn) is None
    c = Counts(tp, fp, fn, 5)
    assert (c.precision, c.recall, c.f1) == (precision(tp, fp), recall(tp, fn), f1(tp, fp, fn))


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], Counts(0, 0, 0, 0)),
        ([(True, True), (True, False), (False, True), (False, False), (False, False)], Counts(1, 1, 1, 2)),
        ([(True, True)] * 3, Counts(3, 0, 0, 0)),
        ([(False, True)] * 2 + [(True, False)], Counts(0, 2, 1, 0)),
    ],
)
def test_confusion(pairs: list[tuple[bool, bool]], expected: Counts) -> None:
    assert confusion(pairs) == expected


def test_counts_add_and_support() -> None:
    total = Counts(1, 2, 3, 4) + Counts(10, 20, 30, 40)
    assert total == Counts(11, 22, 33, 44)
    assert total.support == 44


def test_conclusion_matrix_and_accuracy() -> None:
    pairs = [("同意", "同意"), ("不同意", "同意"), ("不同意", "不同意"), ("修改后同意", "不同意")]
    m = conclusion_matrix(pairs)
    assert m["同意"] == {"同意": 1, "修改后同意": 0, "不同意": 0}
    assert m["不同意"] == {"同意": 1, "修改后同意": 0, "不同意": 1}
    assert m["修改后同意"]["不同意"] == 1
    assert sum(sum(row.values()) for row in m.values()) == len(pairs)
    assert accuracy(pairs) == pytest.approx(0.5)
    assert accuracy([]) is None


@pytest.mark.parametrize(
    ("key", "conclusion", "labels"),
    [
        (
            {"conclusion": "同意", "criteria": {"law": "ok", "facts": "issue"}},
            "同意",
            {"law": False, "facts": True},
        ),
        ({"criteria": {"law": "ISSUE ", "bogus": "issue", "other": "maybe"}}, None, {"law": True}),
        ({}, None, {}),
    ],
)
def test_expected_labels(key: dict[str, Any], conclusion: str | None, labels: dict[str, bool]) -> None:
    assert expected_labels(key) == (conclusion, labels)


# ------------------------------------------------------------------------------------------- citations


def _cite(store: LawStore, law: str, article: int, on: dt.date = DAY, **kw: Any) -> Citation:
    return citation_from_resolution(cite_article(store, law, article, on, **kw))


@pytest.mark.parametrize(
    ("law", "article", "on", "kw"),
    [
        ("中华人民共和国行政处罚法", 63, DAY, {"paragraph": 1, "item": 1}),
        ("行政处罚法", 44, DAY, {}),
        ("中华人民共和国消防法", 60, DAY, {"item": 3}),  # 项 without 款: the unit id names 款 1
        ("中华人民共和国行政复议法", 9, dt.date(2019, 1, 1), {}),  # the superseded 2017 text
    ],
)
def test_genuine_citation_is_valid(law_store: LawStore, law: str, article: int, on: dt.date, kw: Any) -> None:
    c = _cite(law_store, law, article, on, **kw)
    assert c.verified
    assert check_citation(c, law_store) == (CitationStatus.VALID, "verbatim")


def _forgeries(store: LawStore) -> list[tuple[str, Citation]]:
    good = _cite(store, "中华人民共和国行政处罚法", 63, paragraph=1, item=1)
    other = _cite(store, "中华人民共和国行政处罚法", 64)
    return [
        ("text altered", good.model_copy(update={"text": good.text.replace("较大", "很大")})),
        ("text shortened", good.model_copy(update={"text": good.text[:-2]})),
        ("text of another article", good.model_copy(update={"text": other.text})),
        ("unit id pointing nowhere", good.model_copy(update={"unit_id": "行政处罚法@1999-01-01#a63.p1.i1"})),
        ("unit id of a missing article", good.model_copy(update={"unit_id": "行政处罚法@2021-07-15#a999"})),
        ("unit id garbage", good.model_copy(update={"unit_id": "not-a-unit"})),
        ("label says another article", good.model_copy(update={"article": "第六十四条"})),
        ("label says another item", good.model_copy(update={"article": "第六十三条第一款第（二）项"})),
        ("law renamed", good.model_copy(update={"law": "中华人民共和国消防法"})),
        ("version mismatch", good.model_copy(update={"version": "2017-09-01"})),
        ("verified without unit id", good.model_copy(update={"unit_id": None})),
        ("unverified but with unit id", good.model_copy(update={"verified": False})),
    ]


def test_forged_citations_fail(law_store: LawStore) -> None:
    for name, forged in _forgeries(law_store):
        status, reason = check_citation(forged, law_store)
        assert status == CitationStatus.INVALID, name
        assert reason, name


@pytest.mark.parametrize(
    ("law", "article", "reason_part"),
    [
        ("某省不存在的管理条例", 12, "law not in corpus"),
        ("北京市城乡规划条例", 95, "provision not resolved"),  # law in corpus, article does not exist
    ],
)
def test_honest_unverified_citation_counts_apart(
    law_store: LawStore, law: str, article: int, reason_part: str
) -> None:
    c = _cite(law_store, law, article)
    assert not c.verified and c.unit_id is None
    status, reason = check_citation(c, law_store)
    assert status == CitationStatus.UNVERIFIED
    assert reason_part in reason


@pytest.mark.parametrize("kind", [DocKind.DISCRETION, DocKind.POLICY])
def test_document_unit_citations(law_store: LawStore, kind: DocKind) -> None:
    unit = law_store.units(kind)[0]
    good = Citation(
        unit_id=unit.unit_id,
        law=unit.title,
        article=unit.label,
        version=unit.effective.isoformat() if unit.effective else None,
        text=unit.text,
        in_force=True,
        verified=True,
    )
    assert check_citation(good, law_store) == (CitationStatus.VALID, "verbatim")
    part = good.model_copy(update={"text": unit.text.splitlines()[-1]})  # quoting one line of the unit
    assert check_citation(part, law_store)[0] == CitationStatus.VALID
    forgeries = [
        good.model_copy(update={"text": unit.text + "（加）"}),
        good.model_copy(update={"unit_id": unit.unit_id + "9999"}),
        good.model_copy(update={"law": "另一份文件"}),
    ]
    if unit.effective is not None:  # a version can only contradict a unit that has a date
        forgeries.append(good.model_copy(update={"version": "1990-01-01"}))
    for forged in forgeries:
        assert check_citation(forged, law_store)[0] == CitationStatus.INVALID


def _review(case_id: str, citations: list[Citation], verdict: Verdict = Verdict.ISSUE) -> Review:
    finding = Finding(
        criterion=Criterion.LAW,
        severity=Severity.GENERAL,
        code="law.test",
        title="测试",
        detail="测试",
        citations=tuple(citations),
    )
    results = tuple(
        CriterionResult(
            criterion=c,
            verdict=verdict if c == Criterion.LAW else Verdict.PASS,
            findings=(finding,) if c == Criterion.LAW else (),
        )
        for c in Criterion
    )
    return Review(
        case_id=case_id,
        conclusion=Conclusion.AGREE_AFTER_CHANGES,
        criteria=results,
        reviewed_on=DAY,
        corpus_version="x",
        engine_version="t",
    )


def test_review_citations_summary(law_store: LawStore) -> None:
    good = _cite(law_store, "中华人民共和国行政处罚法", 63, paragraph=1, item=1)
    forged = good.model_copy(update={"text": good.text + "等"})
    honest = _cite(law_store, "某省不存在的管理条例", 3)
    checks = check_review_citations(_review("T1", [good, forged, honest]), law_store)
    assert [c.status for c in checks] == [
        CitationStatus.VALID,
        CitationStatus.INVALID,
        CitationStatus.UNVERIFIED,
    ]
    assert (
        {c.case_id for c in checks} == {"T1"}
        and checks[1].code == "law.test"
        and checks[1].criterion == "law"
    )
    summary = summarise_citations(checks)
    assert (summary.total, summary.valid, summary.invalid, summary.unverified) == (3, 1, 1, 1)
    assert summary.validity_rate == pytest.approx(2 / 3)
    assert summary.failures == (checks[1],)
    assert summarise_citations([]).validity_rate is None


# ------------------------------------------------------------------------------------------- evaluation


@pytest.fixture(scope="session")
def examples_result(examples_dir: Path, law_store: LawStore) -> EvalResult:
    return evaluate_dir(examples_dir, law_store)


def test_examples_are_scored_for_both_systems(examples_result: EvalResult, examples_dir: Path) -> None:
    keyed = [
        p for p in sorted(examples_dir.glob("*.yaml")) if "expected" in yaml.safe_load(p.read_text("utf-8"))
    ]
    assert len(examples_result.rows) == len(keyed) > 0
    assert not examples_result.errors
    for system in ("fashen", "baseline"):
        m = examples_result.metrics(system)
        # every stated criterion of every case is counted exactly once
        assert sum(c.tp + c.fp + c.fn + c.tn for c in m.per_criterion.values()) == sum(
            len(row.expected) for row in examples_result.rows
        )
        assert sum(sum(r.values()) for r in m.conclusion_matrix.values()) == len(examples_result.rows)


def test_fashen_citations_on_examples_are_all_valid(examples_result: EvalResult) -> None:
    # The target: every citation in every finding is verbatim store text or honestly unverified.
    failures = [
        (c.case_id, c.code, c.citation.law, c.citation.article, c.reason)
        for c in examples_result.citation_summary.failures
    ]
    assert failures == []


def test_report_shows_both_systems(examples_result: EvalResult, tmp_path: Path) -> None:
    md = render_report(examples_result)
    for needle in ("fashen", "基线", "结论准确率", "引用有效率", "TP", "EX01", "执法主体与职权", "f1.png"):
        assert needle in md
    report, chart = write_report(examples_result, tmp_path / "out")
    assert report.read_text(encoding="utf-8") == render_report(examples_result, chart.name)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000


def test_chart_labels_fall_back_to_english(examples_result: EvalResult, tmp_path: Path) -> None:
    assert plot_f1(examples_result, tmp_path / "en.png", font=None) is False
    assert (tmp_path / "en.png").stat().st_size > 10_000
    found = find_cjk_font()
    assert plot_f1(examples_result, tmp_path / "auto.png") is (found is not None)


def test_confusion_in_result_matches_rows(law_store: LawStore, examples_dir: Path) -> None:
    always_issue = _review("X", [], Verdict.ISSUE)

    def stub(case: Any, store: Any) -> Review:
        return always_issue.model_copy(update={"case_id": case.case_id})

    result = evaluate_dir(examples_dir, law_store, reviewers={"fashen": stub, "baseline": stub})
    law = result.metrics("fashen").per_criterion["law"]
    # the stub says 有问题 for law on every case and 通过 elsewhere
    assert law.fn == law.tn == 0 and law.tp + law.fp == len(result.rows)
    assert all(c.tp == c.fp == 0 for k, c in result.metrics("fashen").per_criterion.items() if k != "law")
    assert result.metrics("fashen").conclusion_accuracy == pytest.approx(
        sum(1 for r in result.rows if r.expected_conclusion == "修改后同意") / len(result.rows)
    )


# ------------------------------------------------------------------------------------------- generated


def _stub_generate(clean_dir: Path, n: int, seed: int) -> list[dict[str, Any]]:
    """Stand-in for evals.casegen.generate_many: mutate a clean example so the litigation period is wrong."""
    clean = yaml.safe_load((clean_dir / "ex01-lajifenlei.yaml").read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        case = dict(clean)
        case["case_id"] = f"GEN-{seed}-{i}"
        case["draft"] = clean["draft"].replace("六个月", "三个月")
        case["expected"] = {
            "conclusion": "修改后同意",
            "criteria": {c.value: ("issue" if c == Criterion.PROCEDURE else "ok") for c in Criterion},
        }
        out.append(case)
    return out


def test_write_cases_round_trips_through_intake(examples_dir: Path, tmp_path: Path) -> None:
    from review.intake import load_case

    cases = _stub_generate(examples_dir, 2, 7)
    paths = write_cases(cases, tmp_path)
    assert [p.name for p in paths] == ["gen-0001.yaml", "gen-0002.yaml"]
    loaded = load_case(paths[0])
    assert loaded.case_id == "GEN-7-0"
    assert loaded.draft.text.strip() == cases[0]["draft"].strip()
    assert loaded.record.violation_date is not None


def test_evaluate_generated(examples_dir: Path, law_store: LawStore) -> None:
    result = evaluate_generated(examples_dir, 3, 5, law_store, generate=_stub_generate)
    assert [r.case_id for r in result.rows] == ["GEN-5-0", "GEN-5-1", "GEN-5-2"]
    assert all(r.source.startswith("generated:") for r in result.rows)
    baseline = result.metrics("baseline").per_criterion["procedure"]
    assert baseline.tp == 3  # the regex baseline sees 三个月 for 诉讼


# ------------------------------------------------------------------------------------------- CLI


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, law_store_path: Path, corpus_dir: Path) -> None:
    monkeypatch.setenv("FASHEN_DATA_DIR", str(law_store_path.parent))
    monkeypatch.setenv("FASHEN_CORPUS_DIR", str(corpus_dir))


@pytest.mark.usefixtures("cli_env")
def test_cli_eval_review(examples_dir: Path, tmp_path: Path) -> None:
    import json

    from api.cli_eval import eval_app

    out = tmp_path / "rep"
    res = CliRunner().invoke(eval_app, ["review", "--cases", str(examples_dir), "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["cases"] > 0 and set(data) >= {"fashen", "baseline", "citations"}
    assert (out / "report.md").exists() and (out / "f1.png").exists()


@pytest.mark.usefixtures("cli_env")
def test_cli_eval_review_missing_dir(tmp_path: Path) -> None:
    from api.cli_eval import eval_app

    res = CliRunner().invoke(eval_app, ["review", "--cases", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert "案例目录不存在" in res.output
