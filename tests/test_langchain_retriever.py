"""The LangChain adapter over a small hand-written corpus."""

from __future__ import annotations

from datetime import date

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from corpus.models import DocKind, SearchUnit
from retrieval.bm25 import BM25Index
from retrieval.embedders import FakeEmbedder
from retrieval.hybrid import HybridSearcher
from retrieval.langchain_retriever import HybridRetriever
from retrieval.vectorstores import index_units, make_vector_store

UNITS = [
    SearchUnit(
        unit_id="复议法@2018-01-01#a9",
        kind=DocKind.STATUTE,
        law_key="复议法",
        title="某行政复议法",
        label="第九条",
        article_no=9,
        jurisdiction="全国",
        effective=date(2018, 1, 1),
        expired=date(2023, 12, 31),
        text="第九条 认为行政行为侵犯其合法权益的，可以自知道之日起六十日内提出复议申请。",
    ),
    SearchUnit(
        unit_id="复议法@2024-01-01#a9",
        kind=DocKind.STATUTE,
        law_key="复议法",
        title="某行政复议法",
        label="第九条",
        article_no=9,
        jurisdiction="全国",
        effective=date(2024, 1, 1),
        text="第九条 认为行政行为侵犯其合法权益的，可以自知道或者应当知道之日起六十日内提出复议申请。",
    ),
    SearchUnit(
        unit_id="policy:方案#2",
        kind=DocKind.POLICY,
        title="某区法制审核实施方案",
        label="二、",
        text="二、重大执法决定未经法制审核或者审核未通过的，不得作出决定。",
    ),
]


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    emb = FakeEmbedder(128)
    store = make_vector_store("memory")
    index_units(UNITS, emb, store)
    return HybridSearcher(UNITS, BM25Index.build(UNITS), emb, store)


def test_invoke_returns_documents_with_metadata(searcher: HybridSearcher) -> None:
    retriever = HybridRetriever(searcher=searcher, k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("复议申请期限六十日")
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert top.metadata["unit_id"] == "复议法@2024-01-01#a9"  # no date: the newer version first
    assert top.page_content == UNITS[1].text
    assert top.metadata == {
        "unit_id": "复议法@2024-01-01#a9",
        "kind": "statute",
        "title": "某行政复议法",
        "label": "第九条",
        "article_no": 9,
        "law_key": "复议法",
        "effective": "2024-01-01",
        "score": pytest.approx(top.metadata["score"]),
        "sources": top.metadata["sources"],
    }
    assert 0 < top.metadata["score"] < 1 and set(top.metadata["sources"]) <= {"bm25", "dense"}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"date": date(2020, 5, 1)}, {"复议法@2018-01-01#a9", "policy:方案#2"}),  # policy has no dates: kept
        ({"kind": DocKind.POLICY}, {"policy:方案#2"}),
        ({"law": "某行政复议法", "mode": "bm25"}, {"复议法@2024-01-01#a9", "复议法@2018-01-01#a9"}),
    ],
)
def test_fields_filter_every_query(
    searcher: HybridSearcher, fields: dict[str, object], expected: set[str]
) -> None:
    retriever = HybridRetriever(searcher=searcher, k=5, **fields)  # type: ignore[arg-type]
    assert {d.metadata["unit_id"] for d in retriever.invoke("六十日内提出复议申请 法制审核")} == expected


def test_batch_and_invalid_k(searcher: HybridSearcher) -> None:
    retriever = HybridRetriever(searcher=searcher, k=1)
    results = retriever.batch(["法制审核", "复议申请"])
    assert [r[0].metadata["unit_id"] for r in results] == ["policy:方案#2", "复议法@2024-01-01#a9"]
    with pytest.raises(ValueError):
        HybridRetriever(searcher=searcher, k=0)
