"""Facts criterion (事实与证据): elements of the act, "涉嫌", key amounts backed by evidence, consistency
with the record, order of the record's dates — on small hand-written drafts and the real store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from corpus.store import LawStore
from review.criteria.facts import (
    dates_in,
    facts_consistency,
    facts_date_order,
    facts_elements,
    facts_evidence,
    facts_suspected,
)
from review.draft_parser import parse_draft
from review.engine import ReviewContext, RuleOutcome, run_review
from review.intake import load_case
from review.models import Case, Notice, Party, PartyKind, Record, Severity, Verdict

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "examples"


TEMPLATE = """北京市丰台区某某街道办事处
行政处罚决定书

京丰某罚字〔2025〕第001号

当事人：{party}

{intro}经查：{facts}

认定上述事实的证据有：{evidence}。

本机关认为：{finding}违反了《中华人民共和国大气污染防治法》第八十一条第三款的规定。

本机关决定对当事人作出如下行政处罚：
{operative}

当事人如不服本决定，可以在收到本决定书之日起六十日内向北京市丰台区人民政府申请行政复议，也可以在六个月内依法向人民法院提起行政诉讼。

北京市丰台区某某街道办事处
（印章）
2025年8月12日
"""

FACTS = (
    "2025年7月18日21时40分，本机关执法人员在北京市丰台区某某路与某某街交叉口巡查时发现，当事人在人行步道上"
    "露天烧烤食品并出售。本机关于2025年7月21日立案调查。"
)
EVIDENCE = ("现场检查笔录（2025年7月18日）", "现场照片6张", "询问笔录（2025年7月18日，被询问人赵某某）")


def make_case(
    *,
    facts: str = FACTS,
    intro: str = "",
    finding: str = "当事人在禁止区域内露天烧烤食品，",
    operative: str = "罚款人民币贰仟元。",
    party: str = "赵某某",
    record_party: str | None = "赵某某",
    evidence: tuple[str, ...] | None = EVIDENCE,
    draft_evidence: str = "现场检查笔录、现场照片、询问笔录",
    **record: Any,
) -> Case:
    text = TEMPLATE.format(
        party=party,
        intro=intro,
        facts=facts,
        evidence=draft_evidence,
        finding=finding,
        operative=operative,
    )
    defaults: dict[str, Any] = {
        "violation_date": dt.date(2025, 7, 18),
        "discovered_date": dt.date(2025, 7, 18),
        "filed_date": dt.date(2025, 7, 21),
        "notice": Notice(served_date=dt.date(2025, 7, 29)),
        "decision_date": dt.date(2025, 8, 12),
    }
    defaults.update(record)
    rec = Record(
        party=Party(kind=PartyKind.NATURAL_PERSON, name=record_party) if record_party else None,
        evidence=evidence,
        **defaults,
    )
    return Case(
        case_id="T",
        agency="北京市丰台区某某街道办事处",
        jurisdiction="北京市丰台区",
        record=rec,
        draft=parse_draft(text),
    )


def run(rule_fn: Any, case: Case, store: LawStore) -> RuleOutcome:
    return rule_fn(ReviewContext(case, store, today=dt.date(2025, 8, 20)))  # type: ignore[no-any-return]


def codes(outcome: RuleOutcome) -> list[tuple[str, Severity, bool]]:
    return [(f.code, f.severity, f.verify) for f in outcome.findings]


SEVERE = Severity.SEVERE


def test_clean_case_passes_every_facts_rule(law_store: LawStore) -> None:
    case = make_case()
    for rule_fn in (facts_elements, facts_suspected, facts_evidence, facts_consistency, facts_date_order):
        out = run(rule_fn, case, law_store)
        assert out.findings == [], (rule_fn.__name__, [f.detail for f in out.findings])
        assert out.checked, rule_fn.__name__


# ---------------------------------------------------------------- elements


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (FACTS, []),
        (
            "本机关执法人员在北京市丰台区某某路巡查时发现，当事人在人行步道上露天烧烤食品并出售，占用步道。",
            [("facts.elements.missing", SEVERE, False)],
        ),
        (
            "2025年7月18日21时40分，本机关执法人员巡查时发现当事人露天烧烤食品并出售，经劝阻仍不停止。",
            [("facts.elements.missing", SEVERE, False)],
        ),
    ],
)
def test_elements(law_store: LawStore, facts: str, expected: list[Any]) -> None:
    out = run(facts_elements, make_case(facts=facts), law_store)
    assert codes(out) == expected
    for f in out.findings:
        assert any("第四十条" in c.article and c.verified for c in f.citations)


def test_elements_of_a_bare_fragment_are_only_verified(law_store: LawStore) -> None:
    draft = parse_draft("经查：执法人员巡查时发现当事人露天烧烤食品并出售，经劝阻仍不停止，群众多次投诉。")
    case = Case(case_id="T", draft=draft)
    out = run(facts_elements, case, law_store)
    assert codes(out) == [("facts.elements.missing", Severity.HINT, True)]


# ---------------------------------------------------------------- 涉嫌


@pytest.mark.parametrize(
    ("intro", "facts", "finding", "expected"),
    [
        ("", FACTS, "当事人在禁止区域内露天烧烤食品，", []),
        (
            "",
            FACTS.replace("当事人在人行步道上", "当事人涉嫌在人行步道上"),
            "当事人在禁止区域内露天烧烤食品，",
            [("facts.suspected", SEVERE, False)],
        ),
        ("", FACTS, "当事人涉嫌在禁止区域内露天烧烤食品，", [("facts.suspected", SEVERE, False)]),
        # naming the case is not a finding of fact
        ("当事人涉嫌露天烧烤食品一案，本机关已调查终结。\n\n", FACTS, "当事人在禁止区域内露天烧烤食品，", []),
        # seizing goods suspected at the time is a step of the investigation, not the finding
        ("", FACTS + "执法人员对涉嫌违法的烧烤炉先行登记保存。", "当事人在禁止区域内露天烧烤食品，", []),
    ],
)
def test_suspected(law_store: LawStore, intro: str, facts: str, finding: str, expected: list[Any]) -> None:
    out = run(facts_suspected, make_case(intro=intro, facts=facts, finding=finding), law_store)
    assert codes(out) == expected
    if expected:
        assert "涉嫌" in (out.findings[0].quote or "")


# ---------------------------------------------------------------- key facts backed by evidence


CONFISCATE = "没收违法所得人民币陆佰捌拾元，并处罚款人民币贰仟元。"
COST = "处建设工程造价百分之七的罚款，即人民币壹万叁仟贰佰叁拾元。"


@pytest.mark.parametrize(
    ("operative", "evidence", "expected"),
    [
        (CONFISCATE, ("现场检查笔录（2025年7月18日）", "微信收款记录截图（合计680元）"), []),
        (
            CONFISCATE,
            ("现场检查笔录（2025年7月18日）", "现场询问笔录（2025年7月18日，当事人称刚出摊，尚未售出）"),
            [("facts.evidence.income_contradicted", SEVERE, False)],
        ),
        # a sales record that also mentions unsold goods is not a denial
        (CONFISCATE, ("销售记录（已销售40串，收入680元，其余未售出）",), []),
        (
            CONFISCATE,
            ("微信收款记录截图（合计680元）", "询问笔录（当事人称尚未售出）"),
            [("facts.evidence.income_conflicting", Severity.HINT, True)],
        ),
        (
            CONFISCATE,
            ("现场检查笔录（2025年7月18日）", "现场照片6张"),
            [("facts.evidence.income_unproven", SEVERE, False)],
        ),
        (
            CONFISCATE,
            ("现场检查笔录（2025年7月18日）", "询问笔录（2025年7月19日）"),
            [("facts.evidence.income_statement_only", Severity.HINT, True)],
        ),
        (
            COST,
            ("现场检查笔录（2025年7月18日）", "现场照片"),
            [("facts.evidence.cost_unproven", SEVERE, False)],
        ),
        (COST, ("工程造价咨询报告（造价189000元）",), []),
    ],
)
def test_key_fact_evidence(
    law_store: LawStore,
    operative: str,
    evidence: tuple[str, ...],
    expected: list[Any],
) -> None:
    case = make_case(operative=operative, evidence=evidence, draft_evidence="、".join(evidence))
    out = run(facts_evidence, case, law_store)
    assert codes(out) == expected
    for f in out.findings:
        assert any("第四十条" in c.article for c in f.citations)


def test_no_evidence_anywhere_is_verified(law_store: LawStore) -> None:
    text = TEMPLATE.format(
        party="赵某某",
        intro="",
        facts=FACTS,
        evidence="",
        finding="",
        operative=CONFISCATE,
    )
    text = text.replace("认定上述事实的证据有：。\n", "")
    case = Case(case_id="T", draft=parse_draft(text))
    assert codes(run(facts_evidence, case, law_store)) == [("facts.evidence.none", Severity.HINT, True)]


# ---------------------------------------------------------------- consistency


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"record_party": "赵某某"}, []),
        ({"party": "钱某某", "record_party": "赵某某"}, [("facts.consistency.party", SEVERE, False)]),
        # a published draft masks the name
        ({"party": "赵某某", "record_party": "赵国栋"}, []),
        ({"party": "赵*", "record_party": "赵国栋"}, []),
        ({"party": "钱*", "record_party": "赵国栋"}, [("facts.consistency.party", SEVERE, False)]),
        # a business named in the draft, its operator in the record, and the draft names the operator too
        ({"party": "某某烧烤店\n经营者：赵国栋", "record_party": "赵国栋"}, []),
        # inspection dated 7月8日 in the facts, the record and its inspection notes say 7月18日
        (
            {"facts": FACTS.replace("7月18日21时", "7月8日21时")},
            [("facts.consistency.inspection_date", SEVERE, False)],
        ),
        # the start of a period is not an inspection date
        ({"facts": "当事人自2025年7月1日起至检查之日在北京市丰台区某某路露天烧烤。" + FACTS}, []),
        ({"filed_date": dt.date(2025, 7, 22)}, [("facts.consistency.filed_date", Severity.GENERAL, False)]),
        # the draft dates the inspection notes 7月17日, the record 7月18日
        (
            {"draft_evidence": "2025年7月17日现场检查笔录、现场照片、询问笔录"},
            [("facts.consistency.evidence_date", SEVERE, False)],
        ),
        # a record kind the file does not date cannot be compared
        ({"draft_evidence": "现场检查笔录、现场照片、2025年7月19日复查笔录"}, []),
        (
            {
                "facts": FACTS + "占用人行步道约4平方米。",
                "operative": "责令清理占用的6平方米步道，罚款人民币贰仟元。",
            },
            [("facts.consistency.quantity", SEVERE, False)],
        ),
        (
            {
                "facts": FACTS + "占用人行步道约4平方米。",
                "evidence": (*EVIDENCE, "现场测量记录及报告（占用面积6平方米）"),
            },
            [("facts.consistency.quantity_evidence", SEVERE, False)],
        ),
        (
            {
                "facts": FACTS + "经查，当事人违法所得为680元。",
                "operative": "没收违法所得人民币陆佰元，罚款人民币贰仟元。",
            },
            [("facts.consistency.income", SEVERE, False)],
        ),
        ({"facts": FACTS + "经查，当事人违法所得为680元。", "operative": CONFISCATE}, []),
    ],
)
def test_consistency(law_store: LawStore, kwargs: dict[str, Any], expected: list[Any]) -> None:
    out = run(facts_consistency, make_case(**kwargs), law_store)
    assert codes(out) == expected


# ---------------------------------------------------------------- date order


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({}, []),
        ({"filed_date": dt.date(2025, 7, 15)}, [("facts.date_order", SEVERE, False)]),
        ({"notice": Notice(served_date=dt.date(2025, 8, 20))}, [("facts.date_order", SEVERE, False)]),
        # a continuing act may end after discovery and filing
        ({"violation_date": dt.date(2025, 7, 25)}, []),
        ({"violation_date": dt.date(2025, 8, 20)}, [("facts.date_order", SEVERE, False)]),
    ],
)
def test_date_order(law_store: LawStore, record: dict[str, Any], expected: list[Any]) -> None:
    assert codes(run(facts_date_order, make_case(**record), law_store)) == expected


# ---------------------------------------------------------------- dates parser


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)), st.text(max_size=8))
def test_dates_in_finds_written_dates(day: dt.date, noise: str) -> None:
    text = f"{noise}于{day.year}年{day.month}月{day.day}日检查"
    assert day in [s.day for s in dates_in(text)]


def test_dates_in_reads_ranges_and_chinese_numerals() -> None:
    found = [s.day for s in dates_in("收款记录（2025年2月10日至3月20日）")]
    assert found == [dt.date(2025, 2, 10), dt.date(2025, 3, 20)]
    assert [s.day for s in dates_in("二〇二四年十一月二十二日")] == [dt.date(2024, 11, 22)]
    assert list(dates_in("2025年2月30日")) == []


# ---------------------------------------------------------------- the teaching examples


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_facts_verdict(law_store: LawStore, path: Path) -> None:
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))["expected"]["criteria"]["facts"]
    review = run_review(load_case(path), law_store, today=dt.date(2025, 12, 1))
    result = next(r for r in review.criteria if r.criterion.value == "facts")
    assert (result.verdict == Verdict.ISSUE) == (expected == "issue"), [f.title for f in result.findings]
