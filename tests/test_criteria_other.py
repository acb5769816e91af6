"""Tests of the other criterion (review/criteria/other.py): double fines, referral, 罚缴分离, minors, privacy.

Drafts are short texts written here and read with the real draft parser; citations come from a store built
once per session from the real corpus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from corpus.store import LawStore
from review.criteria import other as O
from review.draft_parser import parse_draft
from review.engine import ReviewContext, RuleOutcome, run_review
from review.intake import load_case
from review.models import Case, Criterion, Party, PartyKind, Record, Severity, Verdict


def make_draft(
    *,
    title: str = "行政处罚决定书",
    agency: str = "北京市丰台区某某街道办事处",
    party: str = "当事人：赵某某，男，公民身份号码：110106********1234",
    facts: str = "经查：2025年7月18日，当事人在人行步道上露天烧烤食品并出售。",
    violated: str = "《中华人民共和国大气污染防治法》第八十一条第三款",
    basis: str = "《中华人民共和国大气污染防治法》第一百一十八条第三款",
    penalty: str = "罚款人民币贰仟元。",
    payment: str = "当事人应当自收到本决定书之日起十五日内，到中国工商银行在本市的代收网点缴纳罚款。",
    extra: str = "",
    date: str = "2025年8月12日",
) -> str:
    return f"""{agency}
{title}

京丰罚字〔2025〕第001号

{party}

{facts}

上述事实有现场检查笔录、现场照片等证据证明。

本机关认为，当事人的行为违反了{violated}的规定。鉴于当事人及时改正，本机关从轻处罚。

依据{basis}的规定，本机关决定对当事人作出如下行政处罚：
{penalty}

{payment}

当事人如不服本决定，可以自收到本决定书之日起六十日内向北京市丰台区人民政府申请行政复议，也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。
{extra}
{agency}
（印章）
{date}
"""


def make_case(
    text: str, *, agency: str = "北京市丰台区某某街道办事处", procedure: str = "普通程序", **record: Any
) -> Case:
    record.setdefault("violation_date", dt.date(2025, 7, 18))
    return Case(
        case_id="T",
        jurisdiction="北京市丰台区",
        agency=agency,
        procedure=procedure,
        record=Record(**record),
        draft=parse_draft(text),
    )


def run(rule: Callable[[ReviewContext], RuleOutcome], case: Case, store: LawStore) -> RuleOutcome:
    return rule(ReviewContext(case, store, today=dt.date(2025, 12, 1)))


def findings(outcome: RuleOutcome) -> list[tuple[str, Severity, bool]]:
    return [(f.code, f.severity, f.verify) for f in outcome.findings]


_TWO_LAWS = (
    "一、依据《中华人民共和国大气污染防治法》第一百一十八条第三款，并处罚款人民币贰仟元；\n"
    "二、依据《北京市市容环境卫生条例》第三十五条第五款，对占道摆摊设点行为处罚款人民币壹仟元。"
)


@pytest.mark.parametrize(
    ("draft_kw", "expected"),
    [
        ({}, []),
        ({"penalty": _TWO_LAWS, "basis": "下列规定"}, [("other.double_fine", Severity.SEVERE, False)]),
        ({"penalty": "罚款人民币贰仟元（大写：贰仟元）。"}, []),
        (
            {
                "penalty": _TWO_LAWS,
                "basis": "下列规定",
                "facts": "经查：当事人有两个违法行为，本机关分别裁量、合并执行。",
            },
            [("other.double_fine.verify", Severity.HINT, True)],
        ),
        ({"penalty": "对单位处罚款人民币伍万元，对其法定代表人处罚款人民币壹万元。"}, []),
    ],
)
def test_double_fine(
    law_store: LawStore, draft_kw: dict[str, str], expected: list[tuple[str, Severity, bool]]
) -> None:
    assert findings(run(O.double_fine, make_case(make_draft(**draft_kw)), law_store)) == expected


@pytest.mark.parametrize(
    ("facts", "extra", "expected"),
    [
        ("经查：当事人在人行步道上露天烧烤食品。", "", []),
        ("经查：当事人使用伪造的检验报告。", "", [("other.crime_referral.verify", Severity.HINT, True)]),
        ("经查：当事人销售假冒产品，涉嫌犯罪。", "", [("other.crime_referral", Severity.SEVERE, False)]),
        # an injury of 轻伤 meets the criminal threshold by itself; 轻微伤 does not
        ("经查：当事人殴打他人致一人轻伤二级。", "", [("other.crime_referral", Severity.SEVERE, False)]),
        ("经查：当事人殴打他人致一人轻微伤。", "", []),
        ("经查：被侵害人的伤情未达到轻伤。", "", []),
        ("经查：当事人销售假冒产品，涉嫌犯罪。", "本机关已将涉嫌犯罪线索移送公安机关。", []),
        ("经查：当事人的行为尚不构成犯罪。", "", []),
    ],
)
def test_crime_referral(
    law_store: LawStore, facts: str, extra: str, expected: list[tuple[str, Severity, bool]]
) -> None:
    case = make_case(make_draft(facts=facts, extra=extra))
    outcome = run(O.crime_referral, case, law_store)
    assert findings(outcome) == expected
    assert all(c.verified for f in outcome.findings for c in f.citations)


@pytest.mark.parametrize(
    ("draft_kw", "procedure", "expected"),
    [
        ({}, "普通程序", []),
        (
            {"payment": "当事人应当自收到本决定书之日起十五日内，将罚款缴至本局账户。"},
            "普通程序",
            [("other.fine_collection.own_account", Severity.GENERAL, False)],
        ),
        (
            {"payment": "当事人应当于十五日内将罚款汇入户名：北京市丰台区某某街道办事处，账号：0000 1111。"},
            "普通程序",
            [("other.fine_collection.own_account", Severity.GENERAL, False)],
        ),
        (
            {"payment": "当事人应当于十五日内将罚款交给执法人员。"},
            "普通程序",
            [("other.fine_collection.cash", Severity.GENERAL, False)],
        ),
        (
            {
                "title": "当场行政处罚决定书",
                "penalty": "罚款人民币伍拾元。",
                "payment": "罚款由执法人员当场收缴。",
            },
            "简易程序",
            [],
        ),
        (
            {
                "title": "当场行政处罚决定书",
                "penalty": "罚款人民币伍佰元。",
                "payment": "罚款由执法人员当场收缴。",
            },
            "简易程序",
            [("other.fine_collection.cash", Severity.GENERAL, False)],
        ),
        (
            {"payment": "当事人应当自收到本决定书之日起十五日内缴纳罚款。"},
            "普通程序",
            [("other.fine_collection.channel", Severity.HINT, False)],
        ),
    ],
)
def test_fine_collection(
    law_store: LawStore, draft_kw: dict[str, str], procedure: str, expected: list[tuple[str, Severity, bool]]
) -> None:
    case = make_case(make_draft(**draft_kw), procedure=procedure)
    assert findings(run(O.fine_collection, case, law_store)) == expected


@pytest.mark.parametrize(
    ("party_line", "party", "extra", "expected"),
    [
        ("当事人：赵某某", Party(kind=PartyKind.NATURAL_PERSON, age=42), "", []),
        (
            "当事人：赵某某",
            Party(kind=PartyKind.NATURAL_PERSON, age=13),
            "",
            [("other.minor.under_14", Severity.SEVERE, False)],
        ),
        (
            "当事人：赵某某",
            Party(kind=PartyKind.NATURAL_PERSON, age=16),
            "",
            [("other.minor.not_mitigated", Severity.GENERAL, False)],
        ),
        (
            "当事人：赵某某",
            Party(kind=PartyKind.NATURAL_PERSON, age=16),
            "当事人系未成年人，依法减轻处罚。",
            [],
        ),
        (
            "当事人：赵某某，男，2009年3月10日出生",
            None,
            "",  # 16 on 2025-07-18, read from the draft
            [("other.minor.not_mitigated", Severity.GENERAL, False)],
        ),
        (
            "当事人：赵某某，男，2007年7月出生",
            None,
            "",  # 17 or 18 depending on the day
            [("other.minor.verify_age", Severity.HINT, True)],
        ),
        (
            "当事人：北京某某有限公司\n法定代表人：赵某某，2009年3月10日出生",
            Party(kind=PartyKind.LEGAL_PERSON),
            "",
            [],
        ),
    ],
)
def test_minor(
    law_store: LawStore,
    party_line: str,
    party: Party | None,
    extra: str,
    expected: list[tuple[str, Severity, bool]],
) -> None:
    case = make_case(make_draft(party=party_line, extra=extra), party=party)
    assert findings(run(O.minor, case, law_store)) == expected


@pytest.mark.parametrize(
    ("party_line", "extra", "expected"),
    [
        ("当事人：赵某某，公民身份号码：110106********1234", "", []),
        (
            "当事人：赵某某，公民身份号码：110106198302154217",
            "本决定将依法在执法信息平台公开。",
            [("other.personal_info", Severity.GENERAL, False)],
        ),
        # the decision served on the party may carry the full number: advice only, no defect
        (
            "当事人：某某水果店\n统一社会信用代码：92110105MA01ABCD2K\n经营者：刘某，身份证号码：11010519880412301X",
            "",
            [("other.personal_info.advice", Severity.HINT, False)],
        ),
        (
            "当事人：某某水果店\n统一社会信用代码：92110105MA01ABCD2K\n经营者：刘某，身份证号码：11010519880412301X",
            "本决定书将在北京市行政执法信息服务平台公示。",
            [("other.personal_info", Severity.GENERAL, False)],
        ),
        ("当事人：某某有限公司\n统一社会信用代码：915001027748755486", "", []),
    ],
)
def test_personal_info(
    law_store: LawStore, party_line: str, extra: str, expected: list[tuple[str, Severity, bool]]
) -> None:
    outcome = run(O.personal_info, make_case(make_draft(party=party_line, extra=extra)), law_store)
    assert findings(outcome) == expected
    for f in outcome.findings:
        assert {c.law for c in f.citations} >= {"中华人民共和国行政处罚法", "中华人民共和国政府信息公开条例"}
        assert all(c.verified for c in f.citations)


def test_market_regulator_cites_disclosure_rules(law_store: LawStore) -> None:
    agency = "北京市大兴区市场监督管理局"
    text = make_draft(agency=agency, party="当事人：孙某，身份证件号码：110115198908152446")
    outcome = run(O.personal_info, make_case(text, agency=agency), law_store)
    assert "市场监督管理行政处罚信息公示规定" in {c.law for f in outcome.findings for c in f.citations}


def test_examples_other_verdicts_match_keys(law_store: LawStore, corpus_dir: Path) -> None:
    paths = sorted((corpus_dir.parent / "cases" / "examples").glob("*.yaml"))
    assert len(paths) >= 12
    for path in paths:
        key = yaml.safe_load(path.read_text(encoding="utf-8"))["expected"]["criteria"]["other"]
        review = run_review(load_case(path), law_store)
        result = next(r for r in review.criteria if r.criterion == Criterion.OTHER)
        assert (result.verdict == Verdict.ISSUE) == (key == "issue"), (path.name, result.findings)


def test_real_decisions_do_not_break_either_criterion(law_store: LawStore, corpus_dir: Path) -> None:
    paths = sorted(p for p in (corpus_dir.parent / "real-decisions").glob("*.md") if p.stem != "README")
    assert paths
    for path in paths:
        review = run_review(load_case(path), law_store)
        for r in review.criteria:
            if r.criterion in (Criterion.DISCRETION, Criterion.OTHER):
                assert not any(f.code.endswith(".error") for f in r.findings), (path.name, r.findings)
