"""Penalty links for retrieval (duty article → the articles that punish its violation) and query expansion."""

from __future__ import annotations

from datetime import date

import pytest

from corpus.models import DocKind, SearchUnit
from retrieval.hybrid import Hit
from retrieval.legal_rerank import expand_penalty_articles, expand_query, penalty_article_first, penalty_index


def _article(law: str, eff: date, key: str, text: str, kind: DocKind = DocKind.STATUTE) -> SearchUnit:
    no = int(key.split("-")[0])
    return SearchUnit(
        unit_id=f"{law}@{eff.isoformat()}#a{key}",
        kind=kind,
        law_key=law,
        title=f"某市{law}",
        label=f"第{no}条",
        article_no=no,
        jurisdiction="某市",
        effective=eff,
        text=text,
    )


V1, V2 = date(2020, 5, 1), date(2024, 1, 1)
DUTY35 = _article("垃圾条例", V1, "35", "第三十五条 产生厨余垃圾的单位应当分类投放。")
DUTY36 = _article("垃圾条例", V1, "36", "第三十六条 不得将厨余垃圾混入其他垃圾。")
DUTY20_1 = _article("垃圾条例", V1, "20-1", "第二十条之一 餐饮单位应当设置收集容器。")
PENALTY = _article(
    "垃圾条例",
    V1,
    "60",
    "第六十条 违反本条例第三十五条第一款第（一）项、第三十六条规定的，由城市管理综合执法部门责令改正，处一千元罚款。",
)
PENALTY_SUFFIX = _article("垃圾条例", V1, "61", "第六十一条 违反本条例第二十条之一规定的，处五百元罚款。")
SELF = _article("垃圾条例", V1, "62", "第六十二条 禁止焚烧垃圾。\n违反本条第一款规定的，处二百元罚款。")
OTHER_LAW = _article(
    "垃圾条例", V1, "63", "第六十三条 违反《中华人民共和国广告法》第九条规定的，依照该法处罚。"
)
NO_PENALTY = _article("垃圾条例", V1, "64", "第六十四条 违反本条例第三十五条规定的，应当及时纠正。")
NEW_DUTY = _article("垃圾条例", V2, "35", "第三十五条 产生厨余垃圾的单位应当分类投放并记录。")
NEW_PENALTY = _article("垃圾条例", V2, "70", "第七十条 违反本条例第三十五条规定的，处二千元罚款。")
POLICY = _article("垃圾条例", V1, "99", "违反本条例第三十五条规定的，处罚款。", kind=DocKind.POLICY)
UNITS = [
    DUTY35,
    DUTY36,
    DUTY20_1,
    PENALTY,
    PENALTY_SUFFIX,
    SELF,
    OTHER_LAW,
    NO_PENALTY,
    NEW_DUTY,
    NEW_PENALTY,
    POLICY,
]


def test_penalty_index_links_duties_to_their_penalties_within_one_version() -> None:
    assert penalty_index(UNITS) == {
        DUTY35.unit_id: [PENALTY.unit_id],  # not NO_PENALTY (no sanction), not the policy text
        DUTY36.unit_id: [PENALTY.unit_id],
        DUTY20_1.unit_id: [PENALTY_SUFFIX.unit_id],  # 第二十条之一
        NEW_DUTY.unit_id: [NEW_PENALTY.unit_id],  # the 2024 version's own penalty, not the 2020 one
    }


@pytest.mark.parametrize("unit", [SELF, OTHER_LAW])
def test_self_and_other_law_references_make_no_link(unit: SearchUnit) -> None:
    assert penalty_index([DUTY35, unit]) == {}


def test_penalty_articles_are_indexed_with_the_words_of_their_duties() -> None:
    expanded = {u.unit_id: u for u in expand_penalty_articles(UNITS, penalty_index(UNITS))}
    assert expanded[PENALTY.unit_id].text == "\n".join([PENALTY.text, DUTY35.text, DUTY36.text])
    assert expanded[DUTY35.unit_id] is DUTY35


def test_expand_query_adds_statutory_terms_once() -> None:
    thesaurus = {"抽烟": ("吸烟",), "烟头": ("吸烟", "烟蒂")}
    assert expand_query("在医院抽烟乱扔烟头", thesaurus) == "在医院抽烟乱扔烟头 吸烟 烟蒂"
    assert expand_query("在医院吸烟", thesaurus) == "在医院吸烟"


# --- penalty article first -----------------------------------------------------------------------------


def _hit(unit: SearchUnit, score: float, sources: tuple[str, ...] = ("bm25", "dense")) -> Hit:
    return Hit.of(unit, score, sources)


OTHER_LAW_PENALTY = _article("市容条例", V1, "50", "第五十条 违反本条例规定的，处二百元罚款。")
FACTS = "餐馆把厨余垃圾混进其他垃圾桶"


def _ranking(*units: SearchUnit) -> list[Hit]:
    return [_hit(u, 0.03 - i * 0.001) for i, u in enumerate(units)]


@pytest.mark.parametrize(
    ("query", "ranking", "expected"),
    [
        # the duty first, its law's penalty third: the penalty moves up, the rest keep their order
        (FACTS, (DUTY35, DUTY36, PENALTY, POLICY), (PENALTY, DUTY35, DUTY36, POLICY)),
        # a procedure question keeps its ranking
        ("对垃圾罚款不服多久可以申请复议", (DUTY35, DUTY36, PENALTY), (DUTY35, DUTY36, PENALTY)),
        # the first hit already sanctions: nothing to do
        (FACTS, (PENALTY, DUTY35, PENALTY_SUFFIX), (PENALTY, DUTY35, PENALTY_SUFFIX)),
        # a penalty of another law, or of another version of the same law, is not the duty's sanction
        (FACTS, (DUTY35, OTHER_LAW_PENALTY, NEW_PENALTY), (DUTY35, OTHER_LAW_PENALTY, NEW_PENALTY)),
        # beyond the first five: left where it is
        (
            FACTS,
            (DUTY35, DUTY36, DUTY20_1, NO_PENALTY, POLICY, PENALTY),
            (DUTY35, DUTY36, DUTY20_1, NO_PENALTY, POLICY, PENALTY),
        ),
        # a policy text first: not a statute's duty article
        (FACTS, (POLICY, DUTY35, PENALTY), (POLICY, DUTY35, PENALTY)),
    ],
)
def test_penalty_article_first(
    query: str, ranking: tuple[SearchUnit, ...], expected: tuple[SearchUnit, ...]
) -> None:
    hits = _ranking(*ranking)
    out = penalty_article_first(query, hits)
    assert [h.unit_id for h in out] == [u.unit_id for u in expected]
    assert [h.score for h in out] == [h.score for h in hits]  # scores stay with the slots
    assert {h.unit_id: h.text for h in out} == {h.unit_id: h.text for h in hits}


def test_penalty_article_first_leaves_cited_articles_in_place() -> None:
    hits = [_hit(DUTY35, 1.001, ("citation",)), _hit(PENALTY, 0.03)]
    assert penalty_article_first(FACTS, hits) == hits
    assert penalty_article_first(FACTS, []) == []
