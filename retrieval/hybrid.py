"""Hybrid search: resolved citations first, then BM25 and dense rankings fused by RRF, with filters.

Scores: a unit found by citation lookup scores 1.0 + a small rank bonus; every other hit carries its
reciprocal-rank-fusion score (≤ Σ weights / (rrf_k + 1) ≈ 0.033 with two rankers), so citations always
come first. In "bm25" and "dense" mode the fusion has one input and the score is 1 / (rrf_k + rank).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from corpus.errors import CorpusError
from corpus.models import DocKind, SearchUnit
from retrieval.bm25 import BM25Index
from retrieval.embedders import Embedder
from retrieval.fusion import rrf
from retrieval.vectorstores import OPEN_END, VectorStore, build_where, date_num, kind_value, unit_of

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "bm25", "dense"]
CitationLookup = Callable[[str, dt.date | None], list[str]]

SOURCE_CITATION = "citation"
SOURCE_BM25 = "bm25"
SOURCE_DENSE = "dense"

# Bigram Jaccard above which two versions' articles count as the same article. Measured on 行政复议法
# 2018 (43 articles) vs 2024 (90): at ≥ 0.5, 24 old articles match exactly one new one and none matches two;
# unrelated pairs stay below 0.3 (p99). 2018 第九条 vs 2024 第二十条 (renumbered): 0.64.
SAME_ARTICLE_SIMILARITY = 0.5
_NON_WORD = re.compile(r"[\W_]+")

# Filters keeping at least this share of the units are applied to dense results by over-fetching.
OVERFETCH_MIN_SHARE = 0.1
# Over-fetch depth (× candidates / share) tried in turn before falling back to a `where` query: the
# neighbours of a query can cluster in the filtered-out part (e.g. discretion rows when kind=statute).
OVERFETCH_FACTORS = (2, 8)


class Hit(BaseModel):
    """One search result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit_id: str
    kind: DocKind
    title: str
    label: str
    article_no: int | None
    law_key: str | None
    effective: dt.date | None
    text: str
    score: float = Field(description="1.0+ for cited units, else the RRF score of the hit's rank.")
    sources: tuple[str, ...] = Field(description="Which of citation / bm25 / dense found the unit.")

    @classmethod
    def of(cls, unit: SearchUnit, score: float, sources: tuple[str, ...]) -> Hit:
        """The hit for a unit: its verbatim text and identity, with the search's score and sources."""
        return cls(
            unit_id=unit.unit_id,
            kind=unit.kind,
            title=unit.title,
            label=unit.label,
            article_no=unit.article_no,
            law_key=unit.law_key,
            effective=unit.effective,
            text=unit.text,
            score=score,
            sources=sources,
        )


class HybridSearcher:
    """Search over one ordered list of units (the same list the BM25 index was built from)."""

    def __init__(
        self,
        units: Sequence[SearchUnit],
        bm25: BM25Index,
        embedder: Embedder | None = None,
        vector_store: VectorStore | None = None,
        citation_lookup: CitationLookup | None = None,
        *,
        candidates: int = 50,
        rrf_k: int = 60,
        weights: tuple[float, float] = (1.0, 1.0),
        vectors_per_unit: int = 3,
        question_vectors: bool = True,
        rewrite_query: Callable[[str], str] | None = None,
        rerank: Callable[[str, list[Hit]], list[Hit]] | None = None,
    ) -> None:
        self.units: tuple[SearchUnit, ...] = tuple(units)
        if bm25.unit_ids != tuple(u.unit_id for u in self.units):
            raise ValueError(
                "BM25 索引与单元列表不一致（法条库已更新？）：请用当前单元列表重建或重新加载 BM25 索引。"
            )
        if (embedder is None) != (vector_store is None):
            raise ValueError("向量检索需要同时提供 embedder 与 vector_store（或都不提供，仅用 BM25）。")
        self.bm25 = bm25
        self.embedder = embedder
        self.vector_store = vector_store
        self.citation_lookup = citation_lookup
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.weights = weights
        # Dense hits are vectors, and a unit has its passage plus up to four question vectors (about 2.8 on
        # average over the corpus): fetch this many vectors per wanted unit.
        self.vectors_per_unit = vectors_per_unit
        # False: ignore question vectors still in the store (questions switched off, index not rebuilt).
        self.question_vectors = question_vectors
        # Legal-domain steps around the fusion (retrieval.legal_rerank): the query as searched (e.g. everyday
        # words gain statutory ones) and a re-ranking of the final hits, given the query as the user wrote it.
        self.rewrite_query = rewrite_query
        self.rerank = rerank
        self._pos = {u.unit_id: i for i, u in enumerate(self.units)}
        self._kind = np.array([u.kind.value for u in self.units], dtype=object)
        self._law_key = np.array([u.law_key or "" for u in self.units], dtype=object)
        self._title = np.array([u.title for u in self.units], dtype=object)
        self._jurisdiction = np.array([u.jurisdiction or "" for u in self.units], dtype=object)
        self._eff = np.array(
            [date_num(u.effective) if u.effective else 0 for u in self.units], dtype=np.int64
        )
        self._exp = np.array(
            [date_num(u.expired) if u.expired else OPEN_END for u in self.units], dtype=np.int64
        )

    @property
    def has_dense(self) -> bool:
        return self.embedder is not None and self.vector_store is not None

    def allowed_mask(
        self,
        *,
        kind: DocKind | str | None = None,
        law: str | None = None,
        jurisdiction: str | None = None,
        date: dt.date | None = None,
    ) -> npt.NDArray[np.bool_] | None:
        """Boolean mask of units passing the filters, or None when there is no filter.

        `law` matches a law key or a full title; `date` keeps units in force on that day
        (effective ≤ date ≤ expired; a unit without dates counts as always in force).
        """
        if kind is None and law is None and jurisdiction is None and date is None:
            return None
        mask = np.ones(len(self.units), dtype=bool)
        if kind is not None:
            mask &= self._kind == kind_value(kind)
        if law is not None:
            mask &= (self._law_key == law) | (self._title == law)
        if jurisdiction is not None:
            mask &= self._jurisdiction == jurisdiction
        if date is not None:
            n = date_num(date)
            mask &= (self._eff <= n) & (self._exp >= n)
        return mask

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        kind: DocKind | str | None = None,
        law: str | None = None,
        jurisdiction: str | None = None,
        date: dt.date | None = None,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        """Top `k` units for `query` among those passing the filters (see `allowed_mask`)."""
        if mode not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"未知的检索模式 {mode!r}：可选 hybrid、bm25、dense。")
        if mode == "dense" and not self.has_dense:
            raise ValueError(
                "未配置向量检索（嵌入模型与向量库）：请先执行 `fashen index build`，或改用 bm25 模式。"
            )
        asked = query.strip()
        if not asked or k <= 0:
            return []
        query = self.rewrite_query(asked) if self.rewrite_query is not None else asked
        mask = self.allowed_mask(kind=kind, law=law, jurisdiction=jurisdiction, date=date)
        if mask is not None and not mask.any():
            return []

        cited = self._cited(query, date, mask)
        rankings: list[list[str]] = []
        weights: list[float] = []
        names: list[str] = []
        if mode in ("hybrid", "bm25"):
            lexical = self.bm25.search(query, k=self.candidates, allowed=mask)
            rankings.append([self.units[i].unit_id for i, _ in lexical])
            weights.append(self.weights[0])
            names.append(SOURCE_BM25)
        if mode in ("hybrid", "dense") and self.has_dense:
            rankings.append(
                self._dense(query, kind=kind, law=law, jurisdiction=jurisdiction, date=date, mask=mask)
            )
            weights.append(self.weights[1])
            names.append(SOURCE_DENSE)

        sources: dict[str, list[str]] = {uid: [SOURCE_CITATION] for uid in cited}
        for name, ranking in zip(names, rankings, strict=True):
            for uid in ranking:
                sources.setdefault(uid, []).append(name)
        fused = [(uid, s) for uid, s in rrf(rankings, k=self.rrf_k, weights=weights) if uid not in cited]
        if date is None:
            fused = self._latest_version_first(fused)

        ranked = [(uid, 1.0 + (len(cited) - i) / 1000) for i, uid in enumerate(cited)] + fused
        hits = [self._hit(uid, score, tuple(sources[uid])) for uid, score in ranked[:k]]
        return self.rerank(asked, hits) if self.rerank is not None else hits

    # --- parts -----------------------------------------------------------------------------------

    def _cited(self, query: str, date: dt.date | None, mask: npt.NDArray[np.bool_] | None) -> list[str]:
        if self.citation_lookup is None:
            return []
        try:
            found = self.citation_lookup(query, date)
        except CorpusError as exc:  # an unknown law in the query must not break the search itself
            log.info("检索词中的引用无法解析：%s", exc)
            return []
        out: list[str] = []
        for uid in found:
            pos = self._pos.get(uid)
            if pos is not None and (mask is None or mask[pos]) and uid not in out:
                out.append(uid)
        return out

    def _dense(
        self,
        query: str,
        *,
        kind: DocKind | str | None,
        law: str | None,
        jurisdiction: str | None,
        date: dt.date | None,
        mask: npt.NDArray[np.bool_] | None,
    ) -> list[str]:
        assert self.embedder is not None and self.vector_store is not None
        store = self.vector_store
        vec = self.embedder.encode_queries([query])[0]

        def searchable(pairs: list[tuple[str, float]]) -> list[str]:
            # A unit may come back through its passage and its questions: keep its best position. The store
            # may lag behind the units (index not rebuilt yet): skip what is not searchable now.
            out: list[str] = []
            seen: set[str] = set()
            for vector_id, _ in pairs:
                uid = unit_of(vector_id)
                if uid != vector_id and not self.question_vectors:
                    continue
                if uid in seen:
                    continue
                seen.add(uid)
                if (pos := self._pos.get(uid)) is not None and (mask is None or mask[pos]):
                    out.append(uid)
            return out

        fetch = self.candidates * self.vectors_per_unit
        if mask is None:
            return searchable(store.query(vec, fetch))[: self.candidates]
        # Chroma evaluates a broad `where` slowly (measured 50-70 ms for kind=statute on 6k units vs ~10 ms
        # for an unfiltered top-200), so a filter that keeps a large share of the units is applied by
        # over-fetching and masking; narrow filters (one law) go to the store as a `where` clause.
        share = float(mask.mean())
        if share >= OVERFETCH_MIN_SHARE:
            for factor in OVERFETCH_FACTORS:
                n = min(self.vector_count, math.ceil(fetch / share * factor))
                got = store.query(vec, n)
                kept = searchable(got)
                if len(kept) >= self.candidates or len(got) < n:  # enough, or the whole store was seen
                    return kept[: self.candidates]
        where = build_where(kind=kind, law=law, jurisdiction=jurisdiction, day=date)
        return searchable(store.query(vec, fetch, where))[: self.candidates]

    @cached_property
    def vector_count(self) -> int:
        """Vectors in the store (passages and questions), read once."""
        assert self.vector_store is not None
        return max(self.vector_store.count(), len(self.units))

    def _latest_version_first(self, fused: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """When two versions of the same article both rank, the newest takes the better slot.

        Nothing is dropped: the versions swap positions (and with them the positional scores), so the older
        text stays listed for acts committed while it was in force. See `_article_groups`.
        """
        groups: dict[str, list[int]] = {}
        for slot, (uid, _) in enumerate(fused):
            group = self._article_groups.get(uid)
            if group is not None:
                groups.setdefault(group, []).append(slot)
        out = list(fused)
        for members in groups.values():
            if len(members) < 2:
                continue
            ids = sorted(
                (fused[m][0] for m in members),
                key=lambda uid: self.units[self._pos[uid]].effective or dt.date.min,
                reverse=True,
            )
            for slot, uid in zip(members, ids, strict=True):
                out[slot] = (uid, fused[slot][1])
        return out

    @cached_property
    def _article_groups(self) -> dict[str, str]:
        """unit_id → id of its article group, for articles that exist in more than one version of a law.

        "The same article" is decided by text, not by number: revisions renumber articles (行政复议法
        2018 第九条 is 2024 第二十条, while 2024 第九条 is about something else). Articles of two versions
        of one law are the same when the character-bigram Jaccard similarity of their texts (label stripped)
        is ≥ SAME_ARTICLE_SIMILARITY. Computed once, on first use (~4k comparisons for 行政复议法).
        """
        by_version: dict[str, dict[dt.date | None, list[SearchUnit]]] = {}
        for u in self.units:
            if u.kind is DocKind.STATUTE and u.law_key:
                by_version.setdefault(u.law_key, {}).setdefault(u.effective, []).append(u)
        parent: dict[str, str] = {}

        def root(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for versions in by_version.values():
            if len(versions) < 2:
                continue
            grams = [[(u.unit_id, _bigrams(u)) for u in units] for units in versions.values()]
            for i, older in enumerate(grams):
                for newer in grams[i + 1 :]:
                    for a_id, a in older:
                        for b_id, b in newer:
                            if _same_text(a, b):
                                parent[root(b_id)] = root(a_id)
        return {uid: root(uid) for uid in parent}

    def _hit(self, uid: str, score: float, sources: tuple[str, ...]) -> Hit:
        return Hit.of(self.units[self._pos[uid]], score, sources)


def _bigrams(unit: SearchUnit) -> frozenset[str]:
    body = _NON_WORD.sub("", unit.text.removeprefix(unit.label))
    return frozenset(body[i : i + 2] for i in range(len(body) - 1))


def _same_text(a: frozenset[str], b: frozenset[str]) -> bool:
    small, large = sorted((len(a), len(b)))
    if large == 0 or small < SAME_ARTICLE_SIMILARITY * large:  # Jaccard ≤ small / large: skip the set ops
        return False
    return len(a & b) / len(a | b) >= SAME_ARTICLE_SIMILARITY
