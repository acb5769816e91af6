"""Tests of the discretion criterion (review/criteria/discretion.py) and its helpers (penalties.py).

Statutory ranges come from the real corpus (a store built once per session into a temporary directory);
drafts are short texts written here and read with the real draft parser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cn2an
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.store import LawStore
from review.criteria import discretion as D
from review.criteria.penalties import (
    fine_items,
    proposed_fine_total,
    ranges_in_text,
    select_ranges,
    statutory_ranges,
    unit_count,
)
from review.draft_parser import parse_draft
from review.engine import ReviewContext, RuleOutcome, run_review
from review.intake import load_case
from review.models import Case, Criterion, Notice, Party, PartyKind, Record, Severity, Statement, Verdict

# ----------------------------------------------------------------------------------------- fixtures


def make_draft(
    *,
    agency: str = "北京市朝阳区湖景街道办事处",
    party: str = "当事人：北京某某餐饮管理有限公司\n统一社会信用代码：91110105MA00TEST1X",
    facts: str = "经查：2025年6月10日，本机关执法人员检查发现当事人未按规定设置厨余垃圾收集容器。",
    violated: str = "《北京市生活垃圾管理条例》第三十五条第一款第（三）项",
    basis: str = "《北京市生活垃圾管理条例》第六十八条第一款",
    reasons: str = "裁量理由：当事人系初次违法，及时改正，本机关从轻处罚。",
    penalty: str = "罚款人民币伍仟元整。",
    payment: str = "当事人应当自收到本决定书之日起十五日内，到中国工商银行在本市的代收网点缴纳罚款。",
    date: str = "2025年7月3日",
) -> str:
    return f"""{agency}
行政处罚决定书

京朝罚字〔2025〕第001号

{party}

{facts}

上述事实有现场检查笔录、现场照片等证据证明。

本机关认为，当事人的行为违反了{violated}的规定。

{reasons}

依据{basis}的规定，本机关决定对当事人作出如下行政处罚：
{penalty}

{payment}

当事人如不服本决定，可以自收到本决定书之日起六十日内向北京市朝阳区人民政府申请行政复议，也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。

{agency}
（印章）
{date}
"""


def make_case(
    text: str,
    *,
    jurisdiction: str = "北京市朝阳区",
    agency: str = "北京市朝阳区湖景街道办事处",
    procedure: str = "普通程序",
    **record: Any,
) -> Case:
    return Case(
        case_id="T",
        jurisdiction=jurisdiction,
        agency=agency,
        procedure=procedure,
        record=Record(**record),
        draft=parse_draft(text),
    )


def run(rule: Callable[[ReviewContext], RuleOutcome], case: Case, store: LawStore) -> RuleOutcome:
    return rule(ReviewContext(case, store, today=dt.date(2025, 12, 1)))


def defects(outcome: RuleOutcome) -> list[tuple[str, Severity]]:
    return [(f.code, f.severity) for f in outcome.findings if not f.verify]


def verifies(outcome: RuleOutcome) -> list[str]:
    return [f.code for f in outcome.findings if f.verify]


def article(store: LawStore, law: str, no: int) -> Any:
    v = store.at(law, dt.date(2025, 1, 1))
    return next(a for a in v.articles if a.no == no)


# ----------------------------------------------------------------------------------- range parsing


def test_per_unit_ranges_and_conduct_conditions(law_store: LawStore) -> None:
    ranges = statutory_ranges(article(law_store, "北京市机动车停车条例", 36), 4, None)
    assert [(r.low, r.high, r.per) for r in ranges] == [
        (500, 1000, "个泊位"),
        (1000, 2000, "个泊位"),
        (5000, 5000, "个泊位"),
    ]
    assert "据为专用" in ranges[0].conditions and "情节严重" in ranges[2].conditions
    picked = select_ranges(
        ranges, penalty_article=36, violated=(), side=None, draft_text="当事人将泊位据为专用"
    )
    assert [(r.low, r.high) for r in picked] == [(500, 1000)]


def test_party_kind_selects_unit_or_person_range(law_store: LawStore) -> None:
    ranges = statutory_ranges(article(law_store, "中华人民共和国消防法", 60), None, None)
    by_side = {
        side: {
            (r.low, r.high)
            for r in select_ranges(ranges, penalty_article=60, violated=(), side=side, draft_text="")
        }
        for side in ("unit", "person")
    }
    assert by_side == {"unit": {(5000, 50000)}, "person": {(None, 500)}}


def test_item_without_own_range_takes_paragraph_lead(law_store: LawStore) -> None:
    ranges = statutory_ranges(article(law_store, "中华人民共和国大气污染防治法", 108), None, 1)
    assert [(r.unit, r.low, r.high) for r in ranges] == [("yuan", 20000, 200000)]


def test_sentence_references_pick_the_violated_paragraph(law_store: LawStore) -> None:
    ranges = statutory_ranges(article(law_store, "北京市市容环境卫生条例", 35), 5, None)
    violated = parse_draft(make_draft(violated="《北京市市容环境卫生条例》第三十五条第三款")).citations[:1]
    picked = select_ranges(ranges, penalty_article=35, violated=violated, side=None, draft_text="")
    assert [(r.low, r.high) for r in picked] == [(300, 3000)]


def test_base_amount_branches_and_multiples(law_store: LawStore) -> None:
    ranges = statutory_ranges(article(law_store, "中华人民共和国食品安全法", 124), 1, 3)
    assert {(r.unit, r.low, r.high, r.base) for r in ranges} == {
        ("yuan", 50000, 100000, None),
        ("multiple", 10, 20, "货值金额"),
    }
    small = select_ranges(
        ranges, penalty_article=124, violated=(), side=None, draft_text="", base_amounts={"货值金额": 800.0}
    )
    assert [(r.unit, r.low) for r in small] == [("yuan", 50000)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "对单位处一万元以上十万元以下罚款，对其直接负责的主管人员处一千元以上五千元以下罚款。",
            [(10000, 100000, "unit"), (1000, 5000, "responsible")],
        ),
        ("违法生产经营的食品货值金额不足一万元的，并处五万元以上十万元以下罚款。", [(50000, 100000, None)]),
        ("处建设工程造价百分之五以上百分之十以下的罚款。", [(5, 10, None)]),
    ],
)
def test_ranges_in_text(text: str, expected: list[tuple[float, float, str | None]]) -> None:
    assert [(r.low, r.high, r.addressee) for r in ranges_in_text(text)] == expected


@pytest.mark.parametrize(
    ("penalty", "amounts"),
    [
        ("罚款人民币伍仟元整（¥5,000.00）。", [5000]),
        ("一、没收违法所得人民币陆佰捌拾元，并处罚款人民币贰仟元；\n二、处罚款人民币壹仟元。", [2000, 1000]),
        ("按照每个泊位人民币壹仟伍佰元处以罚款，共计罚款人民币叁仟元。", [3000]),
        ("处建设工程造价百分之七的罚款，即人民币壹万叁仟贰佰叁拾元整。", [13230]),
        ("1、没收违法所得:30元(叁拾元整);\n2、罚款人民币:10000元(壹万元整)。", [10000]),
        ("警告。", []),
    ],
)
def test_fine_items(penalty: str, amounts: list[float]) -> None:
    assert [i.amount for i in fine_items(penalty)] == amounts


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=9_999_999), st.booleans())
def test_fine_items_reads_any_amount(n: int, upper: bool) -> None:
    written = f"{cn2an.an2cn(n, 'up')}元整" if upper else f"{n}元"
    assert [i.amount for i in fine_items(f"对当事人处以罚款人民币{written}。")] == [n]


@pytest.mark.parametrize(
    ("proposed", "total"),
    [
        ("警告，并处罚款人民币一万二千元", 12000),
        ("责令恢复原状，按每个泊位一千五百元处罚款，共计三千元", 3000),
        ("没收烧烤工具和违法所得六百八十元，并处罚款二千元；对占道摆摊设点另处罚款一千元", 3000),
        ("警告", None),
    ],
)
def test_proposed_fine_total(proposed: str, total: float | None) -> None:
    assert proposed_fine_total(proposed) == total


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("当事人在两个道路停车泊位上安装地锁", 2),
        ("当事人占用道路停车泊位3个", 3),
        ("当事人在3号泊位安装地锁", None),
        ("当事人安装地锁", None),
        ("当事人在两个泊位上安装地锁，另有3个泊位被占用", None),  # counts disagree
    ],
)
def test_unit_count(text: str, count: int | None) -> None:
    assert unit_count(text, "个泊位") == count


# ---------------------------------------------------------------------------- statutory range rule

_PARKING = dict(
    violated="《北京市机动车停车条例》第三十六条第三款",
    basis="《北京市机动车停车条例》第三十六条第四款",
    facts="经查：当事人在两个道路停车泊位上安装地锁，将泊位据为专用。",
)
_FIRE = dict(
    violated="《中华人民共和国消防法》第二十八条",
    basis="《中华人民共和国消防法》第六十条",
    facts="经查：当事人占用疏散通道堆放杂物。",
)
_PLANNING = dict(
    violated="《中华人民共和国城乡规划法》第四十条第一款",
    basis="《中华人民共和国城乡规划法》第六十四条",
    facts="经查：当事人未取得建设工程规划许可证建设库房，属尚可采取改正措施消除对规划实施的影响的情形，"
    "该建设工程造价为人民币200000元。",
)


@pytest.mark.parametrize(
    ("draft_kw", "record_kw", "expected"),
    [
        ({}, {}, []),
        ({"penalty": "罚款人民币叁万伍仟元整。"}, {}, [("discretion.statutory_range", Severity.SEVERE)]),
        ({"penalty": "罚款人民币贰仟元整。"}, {}, [("discretion.statutory_range", Severity.SEVERE)]),
        (
            {**_PARKING, "penalty": "按照每个泊位人民币壹仟伍佰元处以罚款，共计罚款人民币叁仟元。"},
            {},
            [("discretion.statutory_range", Severity.SEVERE)],
        ),
        ({**_PARKING, "penalty": "按照每个泊位人民币捌佰元处以罚款，共计罚款人民币壹仟陆佰元。"}, {}, []),
        (
            {**_PARKING, "penalty": "罚款人民币叁仟元。"},
            {},
            [("discretion.statutory_range", Severity.SEVERE)],
        ),
        ({**_PARKING, "penalty": "罚款人民币壹仟陆佰元。"}, {}, []),
        (
            {
                **_FIRE,
                "penalty": "罚款人民币叁佰元。",
                "party": "当事人：张某，男，公民身份号码：110105********1234",
            },
            {"party": Party(kind=PartyKind.NATURAL_PERSON, age=40)},
            [],
        ),
        (
            {**_FIRE, "penalty": "罚款人民币叁佰元。"},
            {"party": Party(kind=PartyKind.LEGAL_PERSON)},
            [("discretion.statutory_range", Severity.SEVERE)],
        ),
        ({**_PLANNING, "penalty": "处建设工程造价百分之七的罚款，即人民币壹万肆仟元整。"}, {}, []),
        (
            {**_PLANNING, "penalty": "处建设工程造价百分之十五的罚款，即人民币叁万元整。"},
            {},
            [("discretion.statutory_range", Severity.SEVERE)],
        ),
        (
            {
                **_PLANNING,
                "facts": "经查：当事人未取得建设工程规划许可证建设库房。",
                "penalty": "罚款人民币叁万元整。",
            },
            {},
            [],
        ),
    ],
)
def test_statutory_range(
    law_store: LawStore,
    draft_kw: dict[str, str],
    record_kw: dict[str, Any],
    expected: list[tuple[str, Severity]],
) -> None:
    outcome = run(D.statutory_range, make_case(make_draft(**draft_kw), **record_kw), law_store)
    assert defects(outcome) == expected
    if not expected and not outcome.findings:
        assert any("幅度内" in line for line in outcome.checked)


def test_unknown_base_and_unresolvable_provision_ask_to_verify(law_store: LawStore) -> None:
    no_base = run(
        D.statutory_range,
        make_case(
            make_draft(
                **{**_PLANNING, "facts": "经查：当事人未取得建设工程规划许可证建设库房。"},
                penalty="罚款人民币叁万元整。",
            )
        ),
        law_store,
    )
    assert verifies(no_base) == ["discretion.statutory_range.base_unknown"]
    missing = run(D.statutory_range, make_case(make_draft(basis="《北京市不存在条例》第九条")), law_store)
    assert verifies(missing) == ["discretion.statutory_range.unresolved"] and not defects(missing)


def test_bare_draft_without_fine_passes(law_store: LawStore) -> None:
    outcome = run(D.statutory_range, make_case(make_draft(penalty="警告。")), law_store)
    assert outcome.findings == [] and outcome.checked


# -------------------------------------------------------------------------------- benchmark tiers

_DUST = dict(
    agency="江门市生态环境局",
    party="当事人：江门市某某建材有限公司\n统一社会信用代码：91440703MA00TEST2Y",
    facts="经查：2021年8月17日，我局执法人员检查发现当事人堆场内砂土露天堆放，未设置严密围挡，也未采取有效覆盖措施。",
    violated="《中华人民共和国大气污染防治法》第七十二条第一款",
    basis="《中华人民共和国大气污染防治法》第一百一十七条第（二）项",
    reasons="鉴于当事人已改正，我局决定从轻处罚。",
    date="2021年9月16日",
)


@pytest.mark.parametrize(
    ("prior", "penalty", "jurisdiction", "date", "expected"),
    [
        (0, "罚款人民币壹万伍仟元整。", "广东省江门市", "2021年9月16日", []),
        (1, "罚款人民币叁万元整。", "广东省江门市", "2021年9月16日", []),
        (
            1,
            "罚款人民币壹万元整。",
            "广东省江门市",
            "2021年9月16日",
            [("discretion.benchmark_tier.outside_tier", Severity.SEVERE)],
        ),
        (1, "罚款人民币壹万元整。", "北京市朝阳区", "2021年9月16日", []),  # table's jurisdiction only
        (1, "罚款人民币壹万元整。", "广东省江门市", "2024年9月16日", []),  # table expired 2023-02-28
    ],
)
def test_benchmark_tier(
    law_store: LawStore,
    prior: int,
    penalty: str,
    jurisdiction: str,
    date: str,
    expected: list[tuple[str, Severity]],
) -> None:
    agency = "江门市生态环境局" if "江门" in jurisdiction else "北京市朝阳区城市管理综合行政执法局"
    text = make_draft(**{**_DUST, "agency": agency, "date": date}, penalty=penalty)
    case = make_case(
        text,
        jurisdiction=jurisdiction,
        agency=agency,
        party=Party(kind=PartyKind.LEGAL_PERSON, prior_violations=prior),
    )
    outcome = run(D.benchmark_tier, case, law_store)
    assert defects(outcome) == expected
    assert not verifies(outcome)


@pytest.mark.parametrize(
    ("penalty", "evidence", "expected"),
    [
        (
            "罚款人民币拾万元整。",
            "建设项目环境影响登记表备案回执",
            [("discretion.benchmark_tier.wrong_tier", Severity.SEVERE)],
        ),
        (
            "罚款人民币捌万元整。",
            "建设项目环境影响登记表备案回执",
            [("discretion.benchmark_tier.wrong_tier", Severity.GENERAL)],
        ),
        ("罚款人民币拾万元整。", "建设项目环境影响报告表批复", []),
    ],
)
def test_stated_tier_must_fit_circumstances(
    law_store: LawStore, penalty: str, evidence: str, expected: list[tuple[str, Severity]]
) -> None:
    text = make_draft(
        **{
            **_DUST,
            "violated": "《中华人民共和国大气污染防治法》第四十五条",
            "basis": "《中华人民共和国大气污染防治法》第一百零八条第（一）项",
            "facts": "经查：当事人喷漆工序在敞开车间进行，未安装废气收集处理设施。",
            "reasons": "参照江门市裁量标准参照表第3-13项第3档，处八万元以上十五万元以下罚款。",
        },
        penalty=penalty,
    )
    case = make_case(
        text,
        jurisdiction="广东省江门市",
        agency="江门市生态环境局",
        party=Party(kind=PartyKind.LEGAL_PERSON, prior_violations=0),
        evidence=(evidence,),
        harm="未造成突发环境事件",
    )
    outcome = run(D.benchmark_tier, case, law_store)
    assert [(f.code, f.severity) for f in outcome.findings] == expected
    for f in outcome.findings:
        assert "第2档" in f.detail and f.citations[0].verified
    if not expected:
        assert any("第3档" in line for line in outcome.checked)


# ------------------------------------------------------------------------ mitigation, notice, reasons


@pytest.mark.parametrize(
    ("reasons", "record_kw", "expected"),
    [
        (
            "鉴于当事人配合调查，本机关决定处罚如下。",
            {"harm": "无明显危害后果", "corrected": True, "party": Party(prior_violations=0)},
            [("discretion.mitigation.first_offence", Severity.GENERAL)],
        ),
        (
            "当事人系初次违法，本机关从轻处罚。",
            {"harm": "无明显危害后果", "corrected": True, "party": Party(prior_violations=0)},
            [("discretion.mitigation.first_offence", Severity.HINT)],
        ),
        (
            "当事人违法行为持续一月，不属于违法行为轻微的情形，本机关从轻处罚。",
            {"harm": "无明显危害后果", "corrected": True, "party": Party(prior_violations=0)},
            [],
        ),
        (
            "综合考虑违法情节。",
            {
                "statement": Statement(made=True, summary="当事人称系受他人胁迫", adopted=True),
                "party": Party(prior_violations=2),
            },
            [("discretion.mitigation.mandatory", Severity.GENERAL)],
        ),
        ("综合考虑违法情节。", {"corrected": False, "party": Party(prior_violations=1)}, []),
        (  # a ground the party only argued, and the agency did not accept, is not a finding of fact
            "综合考虑违法情节。",
            {"statement": Statement(made=True, summary="当事人称系受他人胁迫", adopted=False)},
            [],
        ),
    ],
)
def test_mitigation(
    law_store: LawStore, reasons: str, record_kw: dict[str, Any], expected: list[tuple[str, Severity]]
) -> None:
    outcome = run(D.mitigation, make_case(make_draft(reasons=reasons), **record_kw), law_store)
    assert [(f.code, f.severity) for f in outcome.findings] == expected


@pytest.mark.parametrize(
    ("proposed", "made", "expected"),
    [
        ("罚款人民币三千元", True, [("discretion.no_heavier_after_statement", Severity.SEVERE)]),
        ("罚款人民币三千元", False, [("discretion.no_heavier_after_statement", Severity.GENERAL)]),
        ("罚款人民币五千元", True, []),
        ("罚款人民币八千元", True, []),
    ],
)
def test_no_heavier_after_statement(
    law_store: LawStore, proposed: str, made: bool, expected: list[tuple[str, Severity]]
) -> None:
    case = make_case(make_draft(), notice=Notice(proposed_penalty=proposed), statement=Statement(made=made))
    assert defects(run(D.no_heavier_after_statement, case, law_store)) == expected


@pytest.mark.parametrize(
    ("draft_kw", "procedure", "expected"),
    [
        ({"reasons": "当事人的行为影响市容。"}, "普通程序", [("discretion.reasons", Severity.GENERAL)]),
        ({"reasons": "当事人的行为影响市容。"}, "简易程序", [("discretion.reasons", Severity.HINT)]),
        ({}, "普通程序", []),
        ({**_FIRE, "reasons": "", "penalty": "罚款人民币伍仟元。"}, "普通程序", []),  # the statutory minimum
    ],
)
def test_reasons(
    law_store: LawStore, draft_kw: dict[str, str], procedure: str, expected: list[tuple[str, Severity]]
) -> None:
    case = make_case(make_draft(**draft_kw), procedure=procedure, party=Party(kind=PartyKind.LEGAL_PERSON))
    assert defects(run(D.reasons, case, law_store)) == expected


# ------------------------------------------------------------------------------ the teaching cases


def _examples(corpus_dir: Path) -> list[Path]:
    return sorted((corpus_dir.parent / "cases" / "examples").glob("*.yaml"))


def test_examples_discretion_verdicts_match_keys(law_store: LawStore, corpus_dir: Path) -> None:
    paths = _examples(corpus_dir)
    assert len(paths) >= 12
    for path in paths:
        key = yaml.safe_load(path.read_text(encoding="utf-8"))["expected"]["criteria"]["discretion"]
        review = run_review(load_case(path), law_store)
        result = next(r for r in review.criteria if r.criterion == Criterion.DISCRETION)
        assert (result.verdict == Verdict.ISSUE) == (key == "issue"), (path.name, result.findings)
