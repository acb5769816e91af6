"""Authority criterion (执法主体与职权): agency kinds, competence from the penalty provision's text,
documented delegations, officers and certificates, own name and seal, territory — on the real store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from corpus.store import LawStore
from review.criteria.agencies import (
    AuthorityDataError,
    Kind,
    authority_data,
    classify_agency,
    internal_unit_parent,
    kinds_in,
    load_authority_data,
)
from review.criteria.authority import (
    competence_for_matter,
    officers_qualified,
    own_name,
    penalty_kind_power,
    territory,
)
from review.draft_parser import parse_draft
from review.engine import ReviewContext, RuleOutcome, run_review, verdict_for
from review.intake import load_case
from review.models import Case, Officer, Record, Severity, Verdict

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "examples"


STREET = "北京市朝阳区某某街道办事处"
PENALTY_GARBAGE = "《北京市生活垃圾管理条例》第六十八条第一款"

TEMPLATE = """{heading}
行政处罚决定书

京朝某罚字〔2025〕第001号

当事人：北京某某餐饮管理有限公司
统一社会信用代码：91110105MA04C7RQ3K

经查：{facts}

上述事实有下列证据证明：
1. 2025年6月10日现场检查笔录、现场照片；
2. 询问笔录。

本机关认为：当事人未按照规定设置厨余垃圾分类收集容器，违反了《北京市生活垃圾管理条例》第三十五条第一款第（三）项的规定。

据此，依据{penalty}的规定，本机关决定对当事人作出如下行政处罚：
{operative}

当事人如不服本决定，可以自收到本决定书之日起六十日内向北京市朝阳区人民政府申请行政复议，也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。

{signature}
{seal}
2025年7月3日
"""

FACTS = (
    "2025年6月10日10时，本机关执法人员对当事人位于北京市朝阳区某某路1号的餐厅进行检查，"
    "发现其未设置厨余垃圾收集容器。本机关于2025年6月11日立案调查。"
)
TWO_OFFICERS = (
    Officer(name="张某", cert_no="11010500001", cert_valid_until=dt.date(2027, 12, 31)),
    Officer(name="李某", cert_no="11010500002", cert_valid_until=dt.date(2027, 12, 31)),
)


def make_case(
    *,
    agency: str | None = STREET,
    heading: str = STREET,
    signature: str | None = None,
    seal: str = "（印章）",
    penalty: str = PENALTY_GARBAGE,
    operative: str = "罚款人民币伍仟元整。",
    facts: str = FACTS,
    jurisdiction: str | None = "北京市朝阳区",
    officers: tuple[Officer, ...] | None = TWO_OFFICERS,
    **record: Any,
) -> Case:
    text = TEMPLATE.format(
        heading=heading,
        facts=facts,
        penalty=penalty,
        operative=operative,
        signature=heading if signature is None else signature,
        seal=seal,
    )
    rec = Record(
        officers=officers,
        discovered_date=record.pop("discovered_date", dt.date(2025, 6, 10)),
        decision_date=record.pop("decision_date", dt.date(2025, 7, 3)),
        **record,
    )
    return Case(case_id="T", agency=agency, jurisdiction=jurisdiction, record=rec, draft=parse_draft(text))


def run(rule_fn: Any, case: Case, store: LawStore) -> RuleOutcome:
    return rule_fn(ReviewContext(case, store, today=dt.date(2025, 7, 10)))  # type: ignore[no-any-return]


def codes(outcome: RuleOutcome) -> list[tuple[str, Severity, bool]]:
    return [(f.code, f.severity, f.verify) for f in outcome.findings]


# ---------------------------------------------------------------- agency names


@pytest.mark.parametrize(
    ("name", "kinds", "internal"),
    [
        ("北京市朝阳区湖景街道办事处", {Kind.STREET}, False),
        ("北京市朝阳区人民政府湖景街道办事处", {Kind.STREET}, False),
        ("北京市通州区潞河湾街道综合行政执法队", {Kind.STREET}, True),
        ("北京市西城区城市管理综合行政执法局", {Kind.CITY_ENFORCEMENT}, False),
        ("北京市西城区城市管理综合行政执法局月坛执法队", {Kind.CITY_ENFORCEMENT}, True),
        ("北京市大兴区市场监督管理局", {Kind.MARKET}, False),
        ("江门市生态环境局", {Kind.ECOLOGY}, False),
        ("北京市东城区卫生健康委员会", {Kind.HEALTH}, False),
        ("北京市昌平区消防救援支队", {Kind.FIRE}, False),
        ("城步县消防救援大队", {Kind.FIRE}, False),
        ("北京市公安局朝阳分局", {Kind.PUBLIC_SECURITY}, False),
        ("北京市规划和自然资源委员会通州分局", {Kind.PLANNING}, False),
        ("广州市花都区炭步镇人民政府", {Kind.TOWN}, False),
        ("北京市朝阳区人民政府", {Kind.GOVERNMENT}, False),
        ("泰州市城市管理局", {Kind.CITY_ADMIN, Kind.CITY_ENFORCEMENT}, False),
    ],
)
def test_classify_agency(name: str, kinds: set[Kind], internal: bool) -> None:
    profile = classify_agency(name)
    assert set(profile.kinds) == kinds
    assert profile.internal_unit is internal


@pytest.mark.parametrize(
    ("name", "parent"),
    [
        ("北京市通州区潞河湾街道综合行政执法队", "北京市通州区潞河湾街道办事处"),
        ("某某镇综合行政执法队", "某某镇人民政府"),
        ("北京市西城区城市管理综合行政执法局第三执法队", "北京市西城区城市管理综合行政执法局"),
        ("江门市生态环境局执法监察科", "江门市生态环境局"),
        ("北京市朝阳区湖景街道办事处", None),
        ("北京市昌平区消防救援支队", None),
        ("北京市公安局公安交通管理局朝阳交通支队", None),
    ],
)
def test_internal_unit_parent(name: str, parent: str | None) -> None:
    assert internal_unit_parent(name) == parent


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("公安机关交通管理部门", {Kind.TRAFFIC_POLICE}),
        ("城市管理综合执法部门", {Kind.CITY_ENFORCEMENT}),
        ("市容环境卫生行政主管部门", {Kind.CITY_ADMIN}),
        ("住房和城乡建设主管部门、消防救援机构", {Kind.HOUSING, Kind.FIRE}),
        ("工商行政管理部门", {Kind.MARKET}),  # renamed: documented in delegations.yaml
        ("县级以上人民政府生态环境等主管部门", {Kind.ECOLOGY}),
        ("县级以上地方人民政府确定的监督管理部门", set()),
    ],
)
def test_kinds_in(text: str, kinds: set[Kind]) -> None:
    assert set(kinds_in(text).kinds) == kinds


# ---------------------------------------------------------------- delegation data


def test_delegation_sources_are_in_the_corpus_or_marked(law_store: LawStore) -> None:
    data = authority_data()
    assert data.delegations and data.renamed
    ctx = ReviewContext(make_case(), law_store, today=dt.date(2025, 7, 10))
    for d in data.delegations:
        for p in d.provisions:
            cite = ctx.cite(p.law, p.article, p.paragraph, p.item)
            assert cite.verified, (d.id, p)
        for doc in d.documents:
            assert doc.in_corpus or "语料库未收录" in doc.note, (d.id, doc.title)
    for r in data.renamed:
        assert r.source.in_corpus or "语料库未收录" in r.source.note, r.old
    beijing = next(d for d in data.delegations if d.id == "beijing-street-town-city-enforcement")
    assert any(doc.document_number == "京政发〔2020〕9号" and not doc.in_corpus for doc in beijing.documents)


def test_malformed_delegation_file_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "delegations.yaml"
    bad.write_text(yaml.safe_dump({"delegations": [{"id": "x", "jurisdiction": "北京市"}]}), encoding="utf-8")
    with pytest.raises(AuthorityDataError, match=r"delegations\.yaml"):
        load_authority_data(bad)


# ---------------------------------------------------------------- competence for the matter


@pytest.mark.parametrize(
    ("agency", "jurisdiction", "penalty", "expected", "checked_has"),
    [
        # street exercising 城管 powers: documented Beijing delegation (京政发〔2020〕9号 not in the corpus)
        (STREET, "北京市朝阳区", PENALTY_GARBAGE, [], "语料库未收录"),
        # the statute names the traffic police: no transfer can reach a street office
        (
            STREET,
            "北京市朝阳区",
            "《北京市机动车停车条例》第三十六条第四款",
            [("authority.competence.mismatch", Severity.SEVERE, False)],
            None,
        ),
        # a market regulator under a 城管 provision
        (
            "北京市朝阳区市场监督管理局",
            "北京市朝阳区",
            PENALTY_GARBAGE,
            [("authority.competence.mismatch", Severity.SEVERE, False)],
            None,
        ),
        # 城管 may hold concentrated traffic powers somewhere: verify, not a defect
        (
            "北京市朝阳区城市管理综合行政执法局",
            "北京市朝阳区",
            "《北京市机动车停车条例》第三十六条第四款",
            [("authority.competence.unclear", Severity.HINT, True)],
            None,
        ),
        # "县级以上地方人民政府确定的监督管理部门": who was designated is not in the file
        (
            STREET,
            "北京市朝阳区",
            "《中华人民共和国大气污染防治法》第一百一十八条第三款",
            [("authority.competence.unclear", Severity.HINT, True)],
            None,
        ),
        # article silent, law's general clause (消防法 第七十条) names 消防救援机构
        (
            "北京市昌平区消防救援支队",
            "北京市昌平区",
            "《中华人民共和国消防法》第六十条第一款第（三）项",
            [],
            "第七十条",
        ),
        # renamed department: 工商行政管理部门 → 市场监督管理部门
        (
            "北京市大兴区市场监督管理局",
            "北京市大兴区",
            "《无证无照经营查处办法》第十三条",
            [],
            "国务院机构改革方案",
        ),
        # Beijing street and illegal construction: 北京市城乡规划条例 第五十八条
        (STREET, "北京市朝阳区", "《中华人民共和国城乡规划法》第六十四条", [], "第五十八条"),
        # the same outside Beijing: no documented transfer → verify
        (
            "广州市花都区某某街道办事处",
            "广州市花都区",
            "《中华人民共和国城乡规划法》第六十四条",
            [("authority.competence.unclear", Severity.HINT, True)],
            None,
        ),
        # the law's general clause (市容条例 第十条) names 城管
        (STREET, "北京市朝阳区", "《北京市市容环境卫生条例》第三十五条第五款", [], "第十条"),
        # 执法机关 as the law defines it (北京市城乡规划条例 第十二条第三款) includes 乡镇人民政府
        (
            "北京市朝阳区某某乡人民政府",
            "北京市朝阳区",
            "《北京市城乡规划条例》第七十五条第一款",
            [],
            "执法机关",
        ),
        (
            "北京市朝阳区市场监督管理局",
            "北京市朝阳区",
            "《北京市城乡规划条例》第七十五条第一款",
            [("authority.competence.mismatch", Severity.SEVERE, False)],
            None,
        ),
    ],
)
def test_competence(
    law_store: LawStore,
    agency: str,
    jurisdiction: str,
    penalty: str,
    expected: list[tuple[str, Severity, bool]],
    checked_has: str | None,
) -> None:
    case = make_case(agency=agency, heading=agency, jurisdiction=jurisdiction, penalty=penalty)
    out = run(competence_for_matter, case, law_store)
    assert codes(out) == expected
    if checked_has:
        assert any(checked_has in line for line in out.checked), out.checked
    for f in out.findings:
        assert f.citations and all(c.verified for c in f.citations[:1])


def test_competence_without_agency_or_provision_asks_to_verify(law_store: LawStore) -> None:
    no_agency = make_case(agency=None, heading="", signature="")
    out = run(competence_for_matter, no_agency, law_store)
    assert codes(out) == [("authority.competence.agency_unknown", Severity.HINT, True)]
    # one finding per missing fact: the own-name check does not repeat it
    assert run(own_name, no_agency, law_store).findings == []
    no_provision = make_case(penalty="《某某省不存在的条例》第九条")
    out = run(competence_for_matter, no_provision, law_store)
    assert codes(out) == [("authority.competence.no_provision", Severity.HINT, True)]


# ---------------------------------------------------------------- kind of penalty


@pytest.mark.parametrize(
    ("agency", "operative", "expected"),
    [
        (STREET, "罚款人民币伍仟元整。", []),
        (STREET, "行政拘留五日。", [("authority.penalty_kind.detention", Severity.SEVERE, False)]),
        ("北京市公安局朝阳分局", "行政拘留五日。", []),
        (STREET, "吊销其食品经营许可证。", [("authority.penalty_kind.licence", Severity.HINT, True)]),
    ],
)
def test_penalty_kind(law_store: LawStore, agency: str, operative: str, expected: list[Any]) -> None:
    out = run(penalty_kind_power, make_case(agency=agency, heading=agency, operative=operative), law_store)
    assert codes(out) == expected


# ---------------------------------------------------------------- officers


def officer(name: str, until: dt.date | None, cert: str | None = "11010500009") -> Officer:
    return Officer(name=name, cert_no=cert, cert_valid_until=until)


@pytest.mark.parametrize(
    ("officers", "expected"),
    [
        (TWO_OFFICERS, []),
        (None, [("authority.officers.unknown", Severity.HINT, True)]),
        ((officer("张某", dt.date(2027, 1, 1)),), [("authority.officers.too_few", Severity.SEVERE, False)]),
        # expired the day before the inspection (2025-06-10): only one qualified officer remains
        (
            (officer("张某", dt.date(2025, 6, 9)), officer("李某", dt.date(2027, 1, 1))),
            [("authority.officers.expired", Severity.SEVERE, False)],
        ),
        # valid on the inspection day itself
        (
            (officer("张某", dt.date(2025, 6, 10)), officer("李某", dt.date(2027, 1, 1))),
            [("authority.officers.lapsed_later", Severity.HINT, True)],
        ),
        # a third, expired officer: two qualified remain
        (
            (
                officer("张某", dt.date(2025, 1, 1)),
                officer("李某", dt.date(2027, 1, 1)),
                officer("王某", dt.date(2027, 1, 1)),
            ),
            [("authority.officers.expired_extra", Severity.GENERAL, False)],
        ),
        (
            (officer("张某", None), officer("李某", dt.date(2027, 1, 1))),
            [("authority.officers.cert_unknown", Severity.HINT, True)],
        ),
    ],
)
def test_officers(law_store: LawStore, officers: tuple[Officer, ...] | None, expected: list[Any]) -> None:
    out = run(officers_qualified, make_case(officers=officers), law_store)
    assert codes(out) == expected
    for f in out.findings:
        assert any("第四十二条" in c.article and c.verified for c in f.citations)


# ---------------------------------------------------------------- own name and seal


@pytest.mark.parametrize(
    ("agency", "heading", "signature", "seal", "expected"),
    [
        (STREET, STREET, None, "（印章）", []),
        (
            STREET,
            "北京市朝阳区某某街道综合行政执法队",
            None,
            "（印章）",
            [("authority.own_name.internal_unit", Severity.SEVERE, False)],
        ),
        (
            STREET,
            STREET,
            None,
            "（北京市朝阳区某某街道综合行政执法队章）",
            [("authority.own_name.internal_unit", Severity.SEVERE, False)],
        ),
        (
            STREET,
            "北京市朝阳区另一街道办事处",
            None,
            "（印章）",
            [("authority.own_name.differs", Severity.HINT, True)],
        ),
        (
            None,
            STREET,
            "北京市朝阳区另一街道办事处",
            "（印章）",
            [("authority.own_name.heading_signature", Severity.GENERAL, False)],
        ),
        ("北京市昌平区消防救援大队", "北京市昌平区消防救援大队", None, "（印章）", []),
    ],
)
def test_own_name(
    law_store: LawStore,
    agency: str | None,
    heading: str,
    signature: str | None,
    seal: str,
    expected: list[Any],
) -> None:
    case = make_case(agency=agency, heading=heading, signature=signature, seal=seal)
    out = run(own_name, case, law_store)
    assert codes(out) == expected
    if expected and expected[0][0].endswith("internal_unit"):
        assert "北京市朝阳区某某街道办事处" in (out.findings[0].suggestion or "")


# ---------------------------------------------------------------- territory


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (FACTS, []),
        (
            FACTS.replace("北京市朝阳区", "北京市海淀区"),
            [("authority.territory.outside", Severity.HINT, True)],
        ),
    ],
)
def test_territory(law_store: LawStore, facts: str, expected: list[Any]) -> None:
    assert codes(run(territory, make_case(facts=facts), law_store)) == expected


# ---------------------------------------------------------------- the teaching examples


def _examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.stem)
def test_examples_authority_verdict(law_store: LawStore, path: Path) -> None:
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))["expected"]["criteria"]["authority"]
    review = run_review(load_case(path), law_store, today=dt.date(2025, 12, 1))
    result = next(r for r in review.criteria if r.criterion.value == "authority")
    assert (result.verdict == Verdict.ISSUE) == (expected == "issue"), [f.title for f in result.findings]
    assert verdict_for(result.findings) == result.verdict
