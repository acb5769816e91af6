"""HybridSearcher over a hand-written sub-corpus (texts written for the tests, not copied from the corpus)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pydantic
import pytest

import retrieval.hybrid as hybrid_mod
from corpus.errors import LawNotFoundError
from corpus.models import DocKind, SearchUnit
from retrieval.bm25 import BM25Index
from retrieval.embedders import FakeEmbedder
from retrieval.hybrid import Hit, HybridSearcher
from retrieval.vectorstores import VectorStore, index_units, make_vector_store

CHUFA = "中华人民共和国行政处罚法"
FUYI = "中华人民共和国行政复议法"
LAJI = "某市生活垃圾管理条例"


def _st(
    law_key: str,
    title: str,
    eff: date,
    no: int,
    label: str,
    body: str,
    *,
    expired: date | None = None,
    jurisdiction: str = "全国",
) -> SearchUnit:
    return SearchUnit(
        unit_id=f"{law_key}@{eff.isoformat()}#a{no}",
        kind=DocKind.STATUTE,
        law_key=law_key,
        title=title,
        label=label,
        article_no=no,
        jurisdiction=jurisdiction,
        effective=eff,
        expired=expired,
        text=f"{label} {body}",
    )


UNITS: list[SearchUnit] = [
    _st(
        "行政处罚法",
        CHUFA,
        date(2021, 7, 15),
        28,
        "第二十八条",
        "行政机关实施行政处罚时，应当责令当事人改正违法行为。当事人有违法所得的，应当予以没收。",
    ),
    _st(
        "行政处罚法",
        CHUFA,
        date(2021, 7, 15),
        63,
        "第六十三条",
        "行政机关拟作出较大数额罚款、吊销许可证件等决定前，应当告知当事人有要求听证的权利。",
    ),
    # Two versions of one article, renumbered by the revision (第九条 → 第二十条). The old one is shorter, so
    # BM25 ranks it first on its own. The new 第九条 is a different article that merely shares the number.
    _st(
        "行政复议法",
        FUYI,
        date(2018, 1, 1),
        9,
        "第九条",
        "认为行政行为侵犯其合法权益的，可以自知道之日起六十日内提出行政复议申请。",
        expired=date(2023, 12, 31),
    ),
    _st(
        "行政复议法",
        FUYI,
        date(2024, 1, 1),
        20,
        "第二十条",
        "公民、法人或者其他组织认为行政行为侵犯其合法权益的，可以自知道该行政行为之日起六十日内"
        "提出行政复议申请。",
    ),
    _st(
        "行政复议法",
        FUYI,
        date(2024, 1, 1),
        9,
        "第九条",
        "行政复议机关应当自受理申请之日起六十日内作出行政复议决定。",
    ),
    _st(
        "行政复议法",
        FUYI,
        date(2024, 1, 1),
        30,
        "第三十条",
        "行政复议机关收到行政复议申请后，应当在五日内进行审查。",
    ),
    _st(
        "垃圾条例",
        LAJI,
        date(2020, 5, 1),
        33,
        "第三十三条",
        "单位和个人应当将厨余垃圾、可回收物、有害垃圾、其他垃圾分类投放。",
        jurisdiction="某市",
    ),
    _st(
        "垃圾条例",
        LAJI,
        date(2020, 5, 1),
        78,
        "第七十八条",
        "个人未将厨余垃圾分类投放的，由城市管理执法部门责令改正；拒不改正的，处五十元以上二百元以下罚款。",
        jurisdiction="某市",
    ),
    _st(
        "大气法",
        "中华人民共和国大气污染防治法",
        date(2018, 10, 26),
        99,
        "第九十九条",
        "未取得排污许可证排放大气污染物的，由生态环境主管部门责令改正，并处十万元以上一百万元以下的罚款。",
    ),
    SearchUnit(
        unit_id="policy:朝阳方案#3",
        kind=DocKind.POLICY,
        title="某区重大执法决定法制审核制度实施方案",
        label="三、（二）",
        jurisdiction="某市",
        effective=date(2019, 3, 1),
        text="重大执法决定在作出前必须进行法制审核，未经法制审核或者审核未通过的，不得作出决定。",
    ),
    SearchUnit(
        unit_id="discretion:某市2020#3-21.t1",
        kind=DocKind.DISCRETION,
        title="某市生态环境行政处罚裁量基准",
        label="3-21.t1",
        jurisdiction="某省",
        effective=date(2020, 1, 1),
        text="未取得排污许可证排放大气污染物，情节较轻的，处十万元以上二十万元以下罚款。",
    ),
]
BY_ID = {u.unit_id: u for u in UNITS}
OLD9, NEW20, NEW9 = "行政复议法@2018-01-01#a9", "行政复议法@2024-01-01#a20", "行政复议法@2024-01-01#a9"
A63 = "行政处罚法@2021-07-15#a63"


@pytest.fixture(scope="module")
def bm25() -> BM25Index:
    return BM25Index.build(UNITS)


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder(256)


def _store(kind: str, tmp: Path, embedder: FakeEmbedder) -> VectorStore:
    store = make_vector_store(
        kind, **({"location": tmp / "chroma", "collection": "hybrid-test"} if kind == "chroma" else {})
    )
    index_units(UNITS, embedder, store)
    return store


@pytest.fixture(scope="module", params=["memory", "chroma"])
def searcher(
    request: pytest.FixtureRequest,
    bm25: BM25Index,
    embedder: FakeEmbedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> HybridSearcher:
    return HybridSearcher(
        UNITS, bm25, embedder, _store(request.param, tmp_path_factory.mktemp("h"), embedder)
    )


@pytest.fixture(scope="module")
def memory_searcher(
    bm25: BM25Index, embedder: FakeEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> HybridSearcher:
    return HybridSearcher(UNITS, bm25, embedder, _store("memory", tmp_path_factory.mktemp("m"), embedder))


def _ids(hits: list[Hit]) -> list[str]:
    return [h.unit_id for h in hits]


# --- ranking ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
@pytest.mark.parametrize(
    ("query", "expected_top"),
    [
        ("个人未将厨余垃圾分类投放 罚款多少", "垃圾条例@2020-05-01#a78"),
        ("要求听证的权利", A63),
        ("重大执法决定法制审核", "policy:朝阳方案#3"),
    ],
)
def test_obvious_queries_rank_the_right_unit_first(
    searcher: HybridSearcher, mode: str, query: str, expected_top: str
) -> None:
    hits = searcher.search(query, k=3, mode=mode)  # type: ignore[arg-type]
    assert hits[0].unit_id == expected_top
    assert mode == "hybrid" or hits[0].sources == (mode,)


def test_hybrid_fuses_both_rankers(searcher: HybridSearcher) -> None:
    hits = searcher.search("排污许可证 罚款", k=5)
    assert any(set(h.sources) == {"bm25", "dense"} for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s < 1 for s in scores)
    assert len(_ids(hits)) == len(set(_ids(hits)))


def test_title_words_find_the_law(searcher: HybridSearcher) -> None:
    hits = searcher.search("垃圾管理条例 罚款", k=2, mode="bm25")
    assert [h.law_key for h in hits] == ["垃圾条例", "垃圾条例"]
    assert hits[0].unit_id == "垃圾条例@2020-05-01#a78"


def test_hit_carries_the_unit(searcher: HybridSearcher) -> None:
    hit = searcher.search("要求听证的权利", k=1)[0]
    u = BY_ID[A63]
    assert (hit.kind, hit.title, hit.label, hit.article_no, hit.law_key, hit.effective, hit.text) == (
        u.kind,
        u.title,
        u.label,
        u.article_no,
        u.law_key,
        u.effective,
        u.text,
    )
    with pytest.raises(pydantic.ValidationError):
        hit.score = 2.0


@pytest.mark.parametrize("k", [1, 2, 5])
def test_k_is_respected(searcher: HybridSearcher, k: int) -> None:
    assert len(searcher.search("罚款", k=k)) == k


def test_nothing_to_find(searcher: HybridSearcher) -> None:
    assert searcher.search("   ") == []
    assert searcher.search("罚款", k=0) == []
    assert searcher.search("罚款", law="不存在的法") == []


# --- filters ------------------------------------------------------------------------------------------

FILTERS: list[tuple[str, dict[str, Any], Callable[[SearchUnit], bool]]] = [
    ("kind=policy", {"kind": DocKind.POLICY}, lambda u: u.kind is DocKind.POLICY),
    ("kind=statute as str", {"kind": "statute"}, lambda u: u.kind is DocKind.STATUTE),
    ("law by key", {"law": "行政复议法"}, lambda u: u.law_key == "行政复议法"),
    ("law by title", {"law": FUYI}, lambda u: u.law_key == "行政复议法"),
    ("jurisdiction", {"jurisdiction": "某市"}, lambda u: u.jurisdiction == "某市"),
    (
        "in force 2020",
        {"date": date(2020, 6, 1)},
        lambda u: (
            u.effective is not None
            and u.effective <= date(2020, 6, 1)
            and (u.expired is None or u.expired >= date(2020, 6, 1))
        ),
    ),
    ("in force 2024", {"date": date(2024, 6, 1)}, lambda u: u.expired is None),
    (
        "combined",
        {"kind": "statute", "date": date(2019, 1, 1)},
        lambda u: u.kind is DocKind.STATUTE and u.effective is not None and u.effective <= date(2019, 1, 1),
    ),
]


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
@pytest.mark.parametrize(("name", "filters", "ok"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filters_hold_in_every_mode(
    searcher: HybridSearcher, mode: str, name: str, filters: dict[str, Any], ok: Callable[[SearchUnit], bool]
) -> None:
    query = "行政机关 罚款 复议申请 法制审核 垃圾 排污许可证 责令改正"
    hits = searcher.search(query, k=20, mode=mode, **filters)  # type: ignore[arg-type]
    assert hits, "the query touches every unit, so a filter that keeps units must return some"
    assert all(ok(BY_ID[h.unit_id]) for h in hits), [h.unit_id for h in hits]
    if mode != "bm25":  # the dense ranker sees every allowed unit, so nothing allowed is missing
        assert {h.unit_id for h in hits} == {u.unit_id for u in UNITS if ok(u)}


def test_dense_overfetch_and_where_agree(
    memory_searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broad filters are applied by over-fetching, narrow ones by a where clause: same result either way."""

    def run(min_share: float) -> list[list[str]]:
        monkeypatch.setattr(hybrid_mod, "OVERFETCH_MIN_SHARE", min_share)
        memory_searcher.candidates = 3
        try:
            return [
                _ids(memory_searcher.search("罚款 复议 审核", k=3, mode="dense", **f)) for _, f, _ in FILTERS
            ]
        finally:
            memory_searcher.candidates = 50

    assert run(0.0) == run(1.1)


# --- versions -----------------------------------------------------------------------------------------


def test_latest_version_first_without_date(searcher: HybridSearcher, bm25: BM25Index) -> None:
    query = "六十日内提出行政复议申请"
    raw = [UNITS[i].unit_id for i, _ in bm25.search(query, k=10)]
    assert raw.index(OLD9) < raw.index(NEW20), "precondition: on its own BM25 prefers the old version"
    assert raw.index(OLD9) < raw.index(NEW9), "precondition: the unrelated new 第九条 ranks below"
    hits = searcher.search(query, k=10, mode="bm25")
    ids = _ids(hits)
    assert ids.index(NEW20) < ids.index(OLD9), "the renumbered successor takes the old version's slot"
    assert ids.index(OLD9) < ids.index(NEW9), "sharing an article number does not make it the same article"
    assert sorted(ids) == sorted(raw), "nothing is dropped"
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    # with a date the versions are filtered instead, and the order is BM25's own
    dated = _ids(searcher.search(query, k=10, mode="bm25", date=date(2020, 1, 1)))
    assert OLD9 in dated and NEW20 not in dated


@pytest.mark.parametrize(
    ("day", "present", "absent"), [(date(2020, 1, 1), OLD9, NEW20), (date(2024, 2, 1), NEW20, OLD9)]
)
def test_date_picks_the_version_in_force(
    searcher: HybridSearcher, day: date, present: str, absent: str
) -> None:
    ids = _ids(searcher.search("六十日内提出行政复议申请", k=10, date=day))
    assert present in ids and absent not in ids


# --- citations ----------------------------------------------------------------------------------------


class FakeLookup:
    """Resolves 处罚法第63条 like the real resolver would; records what it was asked."""

    def __init__(self, result: list[str] | Exception) -> None:
        self.result = result
        self.calls: list[tuple[str, date | None]] = []

    def __call__(self, query: str, day: date | None) -> list[str]:
        self.calls.append((query, day))
        if isinstance(self.result, Exception):
            raise self.result
        return list(self.result) if "63" in query else []


def _with_lookup(s: HybridSearcher, lookup: FakeLookup) -> HybridSearcher:
    return HybridSearcher(UNITS, s.bm25, s.embedder, s.vector_store, lookup)


def test_cited_units_come_first(searcher: HybridSearcher) -> None:
    lookup = FakeLookup([A63, "行政处罚法@2021-07-15#a28"])
    hits = _with_lookup(searcher, lookup).search("行政处罚法第63条 垃圾 罚款", k=4, date=date(2022, 1, 1))
    assert _ids(hits)[:2] == [A63, "行政处罚法@2021-07-15#a28"]
    assert hits[0].score > hits[1].score >= 1.0 > hits[2].score
    assert hits[0].sources[0] == "citation"
    assert len(set(_ids(hits))) == 4, "a cited unit found again by a ranker is not repeated"
    assert lookup.calls == [("行政处罚法第63条 垃圾 罚款", date(2022, 1, 1))]


def test_cited_units_respect_filters_and_unknown_ids(searcher: HybridSearcher) -> None:
    s = _with_lookup(searcher, FakeLookup(["某法@2000-01-01#a1", A63]))
    assert _ids(s.search("第63条", k=1)) == [A63]
    assert A63 not in _ids(s.search("第63条 罚款", k=10, kind="policy"))


def test_unresolvable_citation_does_not_break_search(searcher: HybridSearcher) -> None:
    s = _with_lookup(searcher, FakeLookup(LawNotFoundError("不存在法")))
    hits = s.search("不存在法第63条 听证", k=3)
    assert hits and all("citation" not in h.sources for h in hits)


# --- configuration ------------------------------------------------------------------------------------


def test_bm25_only_searcher(bm25: BM25Index) -> None:
    s = HybridSearcher(UNITS, bm25)
    assert all(h.sources == ("bm25",) for h in s.search("罚款", k=5))
    with pytest.raises(ValueError, match="未配置向量检索"):
        s.search("罚款", mode="dense")


def test_misconfiguration_is_reported(bm25: BM25Index, embedder: FakeEmbedder) -> None:
    with pytest.raises(ValueError, match="BM25 索引与单元列表不一致"):
        HybridSearcher(UNITS[:-1], bm25)
    with pytest.raises(ValueError, match="同时提供"):
        HybridSearcher(UNITS, bm25, embedder, None)
    with pytest.raises(ValueError, match="未知的文档类型"):
        HybridSearcher(UNITS, bm25).search("罚款", kind="law")
    with pytest.raises(ValueError, match="未知的检索模式"):
        HybridSearcher(UNITS, bm25).search("罚款", mode="sparse")  # type: ignore[arg-type]


def test_stale_vector_ids_are_ignored(bm25: BM25Index, embedder: FakeEmbedder) -> None:
    store = make_vector_store("memory")
    index_units(UNITS, embedder, store)
    store.upsert(["gone#1"], embedder.encode_passages(["罚款 罚款 罚款"]), [{"kind": "statute", "hash": "x"}])
    hits = HybridSearcher(UNITS, bm25, embedder, store).search("罚款", k=20, mode="dense")
    assert "gone#1" not in _ids(hits) and hits


def test_allowed_mask_none_without_filters(memory_searcher: HybridSearcher) -> None:
    assert memory_searcher.allowed_mask() is None
    mask = memory_searcher.allowed_mask(law=FUYI)
    assert mask is not None and isinstance(mask, np.ndarray) and int(mask.sum()) == 4


def test_rewrite_and_rerank_hooks(bm25: BM25Index) -> None:
    seen: list[str] = []

    def rerank(asked: str, hits: list[Hit]) -> list[Hit]:
        seen.append(asked)
        return hits[::-1]

    plain = HybridSearcher(UNITS, bm25)
    hooked = HybridSearcher(
        UNITS, bm25, rewrite_query=lambda q: q.replace("开个会说说", "听证"), rerank=rerank
    )
    expected = _ids(plain.search("要求听证的权利", k=3, mode="bm25"))
    assert _ids(hooked.search(" 要求开个会说说的权利 ", k=3, mode="bm25")) == expected[::-1]
    assert seen == ["要求开个会说说的权利"]  # the re-ranking sees the query as asked, not as rewritten
