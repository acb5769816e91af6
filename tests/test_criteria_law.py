"""The law criterion (法律适用) and its statute-reading helpers, on the real corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from corpus.models import Article, LawVersion
from corpus.penalty_refs import ProvisionRef, penalised_by, refs_in_clause
from corpus.store import LawStore
from review.criteria import law as law_rules
from review.criteria.provisions import (
    bare_title,
    better_item,
    defined_abbreviations,
    finer_units_distinguished,
    penalty_department,
    written_law_name,
)
from review.draft_parser import parse_draft
from review.engine import ReviewContext, run_review
from review.intake import load_case
from review.models import Case, Criterion, Record, Severity, Verdict

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "examples"


def _article(
    store: LawStore, law: str, no: int, day: dt.date = dt.date(2025, 1, 1)
) -> tuple[LawVersion, Article]:
    version = store.at(law, day)
    return version, next(a for a in version.articles if a.no == no)


# ---------------------------------------------------------------- helpers: what a penalty clause penalises


@pytest.mark.parametrize(
    ("law", "no", "paragraph", "item", "expected"),
    [
        # 违反本条例第三十五条第一款第（一）项、第（二）项…规定的 (a list of items of another article)
        ("北京市生活垃圾管理条例", 68, 1, None, [(35, 1, 1), (35, 1, 2), (35, 1, 3), (35, 1, 4), (35, 1, 6)]),
        ("北京市生活垃圾管理条例", 68, 2, None, [(35, 1, 5)]),
        # an item of a penalty article names its own provision (第十三条第一款第五项, bare numerals)
        ("北京市控制吸烟条例", 24, None, 2, [(13, 1, 5)]),
        # duty and penalty in one article: 违反第三款规定 → the same article's 第三款
        ("北京市机动车停车条例", 36, 4, None, [(36, 3, None)]),
        ("北京市市容环境卫生条例", 35, 5, None, [(35, 1, None), (35, 2, None), (35, 3, None)]),
        # a 转致 clause still names the duties it covers
        (
            "北京市户外广告设施、牌匾标识和标语宣传品设置管理条例",
            49,
            3,
            None,
            [(30, None, None), (31, None, None), (35, 2, None)],
        ),
        # 有前款第二项…行为 points at acts described in the penalty itself, not at a duty: nothing to compare
        ("中华人民共和国消防法", 60, 2, None, []),
        # 违反本法规定，有下列行为之一的: the acts are described, no provision named
        ("中华人民共和国大气污染防治法", 117, None, 2, []),
    ],
)
def test_penalised_by(
    law_store: LawStore,
    law: str,
    no: int,
    paragraph: int | None,
    item: int | None,
    expected: list[tuple[int, int | None, int | None]],
) -> None:
    _, art = _article(law_store, law, no)
    refs = penalised_by(art, paragraph, item)
    assert [(r.article, r.paragraph, r.item) for r in refs] == expected
    assert all(r.law is None for r in refs)


@pytest.mark.parametrize(
    ("law", "no", "expected"),
    [
        ("北京市生活垃圾管理条例", 68, "城市管理综合执法部门"),
        ("北京市控制吸烟条例", 24, "市或者区卫生健康部门"),
        ("中华人民共和国大气污染防治法", 108, "县级以上人民政府生态环境主管部门"),
        ("中华人民共和国消防法", 60, None),
    ],
)
def test_penalty_department(law_store: LawStore, law: str, no: int, expected: str | None) -> None:
    _, art = _article(law_store, law, no)
    assert penalty_department(art.text) == expected


@pytest.mark.parametrize(
    ("law", "no", "paragraph", "expected"),
    [
        ("北京市市容环境卫生条例", 35, None, [(1, None), (2, None), (3, None)]),
        ("北京市生活垃圾管理条例", 35, 1, [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6)]),
        ("北京市控制吸烟条例", 13, None, [(1, None)]),
        ("中华人民共和国消防法", 28, None, []),
        ("中华人民共和国噪声污染防治法", 43, None, []),
    ],
)
def test_finer_units_distinguished(
    law_store: LawStore,
    law: str,
    no: int,
    paragraph: int | None,
    expected: list[tuple[int | None, int | None]],
) -> None:
    version, art = _article(law_store, law, no)
    assert finer_units_distinguished(version, art, paragraph) == expected


def test_relative_reference_forms() -> None:
    assert refs_in_clause("前款第二项、第三项", 60, 0, 2) == [
        ProvisionRef(60, 0, 1, 2),
        ProvisionRef(60, 0, 1, 3),
    ]
    assert refs_in_clause("本条第一款第三项至第五项", 60, 0, 3) == [
        ProvisionRef(60, 0, 1, 3),
        ProvisionRef(60, 0, 1, 4),
        ProvisionRef(60, 0, 1, 5),
    ]
    assert refs_in_clause("《中华人民共和国消防法》第二十八条", 9, 0, 1) == [
        ProvisionRef(28, 0, None, None, "中华人民共和国消防法")
    ]
    assert refs_in_clause("前款", 5, 0, 1) == []  # there is no paragraph before the first


@given(st.integers(1, 9), st.integers(1, 9), st.integers(0, 5))
def test_relative_item_ranges(para: int, first: int, extra: int) -> None:
    cn = "一二三四五六七八九十"
    last = min(first + extra, 10)
    text = f"第{cn[para - 1]}款第（{cn[first - 1]}）项至第（{cn[last - 1]}）项"
    refs = refs_in_clause(text, 12, 0, 4)
    assert [(r.article, r.paragraph, r.item) for r in refs] == [(12, para, i) for i in range(first, last + 1)]


def test_better_item_only_when_clear(law_store: LawStore) -> None:
    _, art = _article(law_store, "中华人民共和国消防法", 60)
    para = art.paragraphs[0]
    facts = "检查发现超市安全出口内侧疏散通道内堆放纸箱，通道净宽缩减，妨碍安全疏散。"
    found = better_item(para, 4, facts)
    assert found is not None and found[1].item == 3
    assert better_item(para, 3, facts) is None
    assert (
        better_item(para, 4, "当事人经营场所存在消防安全隐患。") is None
    )  # nothing matches clearly: no guess


def test_law_name_helpers() -> None:
    assert written_law_name("《行政处罚法》第七十二条") == "行政处罚法"
    assert written_law_name("该法第一百一十八条第三款") is None
    assert bare_title("中华人民共和国行政复议法（2017年修正）") == "中华人民共和国行政复议法"
    assert defined_abbreviations("《中华人民共和国行政处罚法》（以下简称《行政处罚法》）") == {"行政处罚法"}


# ---------------------------------------------------------------- rules on hand-made drafts


def _draft(
    *,
    violated: str = "《北京市生活垃圾管理条例》第三十五条第一款第（三）项",
    penalty: str = "《北京市生活垃圾管理条例》第六十八条第一款",
    facts: str = "当事人后厨未设置厨余垃圾收集容器，厨余垃圾与其他垃圾混合收集。",
    remedy: str = "当事人如不服本决定，可以自收到本决定书之日起六十日内向北京市朝阳区人民政府申请行政复议，"
    "也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。",
    payment_law: str = "《中华人民共和国行政处罚法》第七十二条第一款第（一）项",
    date: str = "2025年7月3日",
    fine: str = "罚款人民币伍仟元整",
) -> str:
    return f"""北京市朝阳区湖景街道办事处
行政处罚决定书

京朝湖景罚字〔2025〕第041号

当事人：北京某某餐饮管理有限公司
统一社会信用代码：91110105MA04C7RQ3K
住所：北京市朝阳区湖景东路18号

经查：{facts}

上述事实有现场检查笔录、现场照片8张、询问笔录等证据证明。

本机关认为，当事人的行为违反了{violated}的规定。依据{penalty}的规定，本机关决定对当事人作出如下行政处罚：
{fine}。

当事人应当自收到本决定书之日起十五日内到代收银行缴纳罚款。逾期不缴纳的，依据{payment_law}的规定，每日按罚款数额的百分之三加处罚款。

{remedy}

北京市朝阳区湖景街道办事处
（印章）
{date}
"""


def _case(text: str, **record: object) -> Case:
    return Case(
        case_id="T", procedure="普通程序", record=Record.model_validate(record), draft=parse_draft(text)
    )


def _law(store: LawStore, case: Case) -> tuple[Verdict, list[tuple[str, Severity, bool]]]:
    review = run_review(case, store, today=dt.date(2025, 8, 1))
    result = next(r for r in review.criteria if r.criterion is Criterion.LAW)
    return result.verdict, [(f.code, f.severity, f.verify) for f in result.findings]


ACT = {"violation_date": dt.date(2025, 6, 10), "discovered_date": dt.date(2025, 6, 10)}

CASES = [
    ("clean", {}, None),
    (
        "nonexistent penalty article",
        {"penalty": "《北京市生活垃圾管理条例》第九十八条"},
        ("law.citation_valid.not_found", Severity.SEVERE),
    ),
    (
        "nonexistent item of the violated article",
        {"violated": "《北京市生活垃圾管理条例》第三十五条第一款第（九）项"},
        ("law.citation_valid.not_found", Severity.SEVERE),
    ),
    (
        "nonexistent paragraph of a procedural reference",
        {"payment_law": "《中华人民共和国行政处罚法》第七十二条第五款"},
        ("law.citation_valid.not_found", Severity.GENERAL),
    ),
    (
        "penalty does not cover the violated item",
        {"violated": "《北京市生活垃圾管理条例》第三十五条第一款第（五）项"},
        ("law.penalty_covers_violation", Severity.SEVERE),
    ),
    (
        "violated paragraph without the item the penalty distinguishes",
        {"violated": "《北京市生活垃圾管理条例》第三十五条第一款"},
        ("law.citation_precision", Severity.GENERAL),
    ),
    (
        "abbreviated law name",
        {"payment_law": "《行政处罚法》第七十二条第一款第（一）项"},
        ("law.full_name", Severity.GENERAL),
    ),
    (
        "review law cited by its superseded number",
        {
            "remedy": "根据《中华人民共和国行政复议法》第九条的规定，当事人如不服本决定，"
            "可以在收到本决定书之日起六十日内向北京市朝阳区人民政府申请行政复议，"
            "也可以在六个月内依法向人民法院提起行政诉讼。"
        },
        ("law.superseded_article", Severity.GENERAL),
    ),
    (
        "penalty article with an item list cited without the item",
        {
            "violated": "《中华人民共和国大气污染防治法》第七十二条第一款",
            "penalty": "《中华人民共和国大气污染防治法》第一百一十七条",
            "facts": "当事人砂土露天堆放，未设置严密围挡，也未采取有效覆盖措施防治扬尘污染。",
            "fine": "罚款人民币壹万元整",
        },
        ("law.citation_precision", Severity.GENERAL),
    ),
    (
        "wrong item of the penalty paragraph",
        {
            "violated": "《中华人民共和国消防法》第二十八条",
            "penalty": "《中华人民共和国消防法》第六十条第一款第（四）项",
            "facts": "超市东侧安全出口内侧疏散通道堆放纸箱货物约15箱，通道净宽缩减，妨碍安全疏散。",
        },
        ("law.item_matches_facts", Severity.SEVERE),
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_law_rules(
    law_store: LawStore, name: str, kwargs: dict[str, str], expected: tuple[str, Severity] | None
) -> None:
    verdict, findings = _law(law_store, _case(_draft(**kwargs), **ACT))
    defects = [(code, sev) for code, sev, verify in findings if not verify]
    if expected is None:
        assert verdict is Verdict.PASS, findings
    else:
        assert expected in defects, findings
        assert verdict is Verdict.ISSUE


def test_duty_and_penalty_in_one_article(law_store: LawStore) -> None:
    text = _draft(
        violated="《北京市机动车停车条例》第三十六条第三款",
        penalty="《北京市机动车停车条例》第三十六条第四款",
        facts="当事人在道路停车泊位上安装地锁，将泊位据为专用。",
    )
    verdict, findings = _law(law_store, _case(text, **ACT))
    assert verdict is Verdict.PASS, findings


def test_whole_article_cited_for_duty_and_penalty(law_store: LawStore) -> None:
    text = _draft(
        violated="《北京市市容环境卫生条例》第三十五条",
        penalty="《北京市市容环境卫生条例》第三十五条",
        facts="当事人在门前人行步道摆放货架，超出门、窗进行店外经营。",
        fine="罚款人民币壹仟元整",
    )
    _, findings = _law(law_store, _case(text, **ACT))
    precision = [f for f in findings if f[0] == "law.citation_precision"]
    assert len(precision) == 2 and all(f[1] is Severity.GENERAL for f in precision)
    assert not any(f[1] is Severity.SEVERE for f in findings)


def test_defined_abbreviation_is_fine(law_store: LawStore) -> None:
    text = _draft(
        payment_law="《中华人民共和国行政处罚法》（以下简称《行政处罚法》）第七十二条第一款第（一）项"
    )
    text = text.replace(
        "百分之三加处罚款。", "百分之三加处罚款，并依据《行政处罚法》第七十二条第一款第（二）项申请强制执行。"
    )
    _, findings = _law(law_store, _case(text, **ACT))
    assert not any(code == "law.full_name" for code, _, _ in findings)


def test_law_not_in_corpus_is_verified_not_passed(law_store: LawStore) -> None:
    text = _draft(violated="《北京市某某管理办法》第十条")
    verdict, findings = _law(law_store, _case(text, **ACT))
    assert ("law.citation_valid.unverified", Severity.HINT, True) in findings
    assert verdict is Verdict.VERIFY


def test_superseded_number_not_flagged_while_old_text_in_force(law_store: LawStore) -> None:
    remedy = (
        "根据《中华人民共和国行政复议法》第九条的规定，当事人如不服本决定，可以在收到本决定书之日起六十日内向北京市"
        "朝阳区人民政府申请行政复议，也可以在六个月内依法向人民法院提起行政诉讼。"
    )
    text = _draft(remedy=remedy, date="2023年7月3日")
    _, findings = _law(
        law_store, _case(text, violation_date=dt.date(2023, 6, 10), discovered_date=dt.date(2023, 6, 10))
    )
    assert not any(code == "law.superseded_article" for code, _, _ in findings)


@pytest.mark.parametrize(
    ("act", "found", "facts", "expected"),
    [
        (dt.date(2022, 1, 10), dt.date(2024, 6, 1), None, ("law.limitation", Severity.SEVERE, False)),
        (dt.date(2022, 1, 10), dt.date(2024, 1, 10), None, None),  # exactly two years: still in time
        (
            dt.date(2022, 1, 10),
            dt.date(2024, 6, 1),
            "当事人销售的食品致多人腹泻就医。",
            ("law.limitation.serious", Severity.HINT, True),
        ),
        (None, None, None, ("law.limitation.unknown", Severity.HINT, True)),
        # only the filing date is known and it is late: when the act was discovered must be checked
        (dt.date(2022, 1, 10), None, None, ("law.limitation.discovered_unknown", Severity.HINT, True)),
    ],
)
def test_limitation(
    law_store: LawStore,
    act: dt.date | None,
    found: dt.date | None,
    facts: str | None,
    expected: tuple[str, Severity, bool] | None,
) -> None:
    text = _draft(facts=facts) if facts else _draft()
    record = {
        "violation_date": act,
        "discovered_date": found,
        "filed_date": dt.date(2024, 6, 2) if act else None,
    }
    _, findings = _law(law_store, _case(text, **record))
    limitation = [f for f in findings if f[0].startswith("law.limitation")]
    assert limitation == ([expected] if expected else [])


def test_old_or_new_noted_when_the_law_changed(law_store: LawStore) -> None:
    # 行政复议法 is the law with two versions in the corpus: an act before and a decision after 2024-01-01.
    text = _draft(violated="《中华人民共和国行政复议法》第二十条第一款", date="2024年2月1日")
    case = _case(text, violation_date=dt.date(2023, 12, 1), discovered_date=dt.date(2023, 12, 1))
    outcome = law_rules.old_or_new(ReviewContext(case, law_store))
    assert [(f.code, f.severity) for f in outcome.findings] == [("law.old_or_new", Severity.HINT)]
    assert outcome.findings[0].citations[0].verified


def test_findings_quote_the_store(law_store: LawStore) -> None:
    text = _draft(penalty="《北京市生活垃圾管理条例》第六十八条第二款")
    review = run_review(_case(text, **ACT), law_store)
    law_result = next(r for r in review.criteria if r.criterion is Criterion.LAW)
    finding = next(f for f in law_result.findings if f.code == "law.penalty_covers_violation")
    quoted = {c.article: c for c in finding.citations}
    assert quoted["第六十八条第二款"].verified
    assert quoted["第六十八条第二款"].text.startswith("违反本条例第三十五条第一款第（五）项规定")


# ---------------------------------------------------------------- the teaching examples


def test_examples_law_verdicts_match_keys(law_store: LawStore) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        expected = yaml.safe_load(path.read_text(encoding="utf-8"))["expected"]["criteria"]["law"]
        review = run_review(load_case(path), law_store)
        verdict = next(r.verdict for r in review.criteria if r.criterion is Criterion.LAW)
        assert ("issue" if verdict is Verdict.ISSUE else "ok") == expected, path.name


@pytest.mark.parametrize(
    ("article", "date", "flagged"),
    [
        ("第二十条", "2025年7月3日", False),  # the 2023 text, in force
        ("第九条", "2025年7月3日", True),  # the 2017 number, superseded
        ("第九条", "2023年7月3日", False),  # the 2017 number while the 2017 text was in force
        ("第二十条", "2023年7月3日", True),  # the 2023 number before it took effect
    ],
)
def test_review_period_article_by_decision_date(
    law_store: LawStore, article: str, date: str, flagged: bool
) -> None:
    remedy = (
        f"根据《中华人民共和国行政复议法》{article}的规定，当事人如不服本决定，可以在收到本决定书之日起六十日内"
        "向北京市朝阳区人民政府申请行政复议，也可以在六个月内依法向人民法院提起行政诉讼。"
    )
    year = int(date[:4])
    act = {"violation_date": dt.date(year, 6, 10), "discovered_date": dt.date(year, 6, 10)}
    _, findings = _law(law_store, _case(_draft(remedy=remedy, date=date), **act))
    assert (("law.superseded_article", Severity.GENERAL, False) in findings) is flagged, findings
