"""Wiring of the search for the shells (CLI, API): store → units → BM25 (+ dense) → HybridSearcher.

The BM25 index is cached per corpus version under the data dir; the dense side (embedder + Chroma) is
opened only when asked for and when an index exists, so a BM25 search never imports torch.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from corpus.citations import format_citation
from corpus.models import DocKind, SearchUnit
from corpus.resolver import Failure, resolve_ref, resolve_text
from corpus.store import LawStore, abbreviation_match, open_or_build
from retrieval.article_questions import (
    ARTICLE_QUESTIONS_FILE,
    load_article_questions,
    questions_for,
    with_questions,
)
from retrieval.bm25 import BM25Index
from retrieval.embedders import Embedder, make_embedder
from retrieval.hybrid import Hit, HybridSearcher, Mode
from retrieval.legal_rerank import expand_penalty_articles, expand_query, penalty_article_first, penalty_index
from retrieval.vectorstores import IndexReport, VectorStore, collection_name, index_units, make_vector_store

log = logging.getLogger(__name__)


def hit_json(hit: Hit) -> dict[str, Any]:
    """JSON form of a hit: law/article for statutes, doc for policy text, table/item for benchmark rows."""
    out: dict[str, Any] = {
        "kind": hit.kind.value,
        "unit_id": hit.unit_id,
        "score": round(hit.score, 6),
        "sources": list(hit.sources),
        "version": hit.effective.isoformat() if hit.effective else None,
        "text": hit.text,
    }
    if hit.kind is DocKind.STATUTE:
        out.update(law=hit.title, law_key=hit.law_key, article=hit.label, article_no=hit.article_no)
    elif hit.unit_id.startswith("policy:"):
        out.update(
            doc=hit.unit_id.removeprefix("policy:").split("#", 1)[0], title=hit.title, section=hit.label
        )
    else:  # discretion:{table}#{item}
        table, item = hit.unit_id.removeprefix("discretion:").split("#", 1)
        out.update(table=table, item_no=item, title=hit.title, doc=None)
    return out


@dataclass
class SearchService:
    """Everything a search needs, opened lazily. `settings` is `api.settings.Settings` (duck-typed here)."""

    settings: Any
    embedder_factory: Callable[[], Embedder] | None = None
    _dense_opened: bool = field(default=False, init=False)
    _embedder: Embedder | None = field(default=None, init=False)
    _vectors: VectorStore | None = field(default=None, init=False)

    @cached_property
    def store(self) -> LawStore:
        return open_or_build(self.settings.corpus_dir, self.settings.store_path)

    @cached_property
    def units(self) -> list[SearchUnit]:
        return self.store.units()

    @cached_property
    def penalties(self) -> dict[str, list[str]]:
        """Duty article → the penalty articles that punish its violation (see retrieval.legal_rerank)."""
        return penalty_index(self.units)

    @cached_property
    def questions(self) -> dict[str, tuple[str, ...]]:
        """unit id → the everyday questions it answers (see retrieval.article_questions); {} when off."""
        source = getattr(self.settings, "article_questions", "bundled")
        if source == "off":
            return {}
        path = ARTICLE_QUESTIONS_FILE if source == "bundled" else Path(source)
        match = questions_for(self.units, load_article_questions(path))
        if match.stale:
            log.warning(
                "%d 条条文的文本已变更，其检索问句已停用（需按新文本重写）：%s …",
                len(match.stale),
                match.stale[0],
            )
        if match.unknown:
            log.info("%d 条检索问句对应的条文不在当前法条库中，已忽略。", len(match.unknown))
        return match.questions

    @cached_property
    def bm25(self) -> BM25Index:
        # Penalty articles are indexed with the words of the duties they punish, and every article with the
        # questions it answers (hits stay verbatim).
        indexed = with_questions(expand_penalty_articles(self.units, self.penalties), self.questions)
        return BM25Index.load_or_build(self.settings.bm25_dir, indexed)

    def citation_lookup(self, query: str, day: dt.date | None) -> list[str]:
        """Units the query cites: statute articles (in force on `day`; with no date, the current version or,
        for a law no longer in force, its last version), policy sections (《…规定》第十四条) and benchmark
        matters (参照表第3-13项)."""
        out: list[str] = []
        for r in resolve_text(query, day or dt.date.today(), self.store):
            if r.ok and r.article_unit_id:
                out.append(r.article_unit_id)
            elif day is None and r.failure is Failure.VERSION_NOT_IN_FORCE and r.law_key:
                last = self.store.versions(r.law_key)[-1]
                again = resolve_ref(r.ref, last.effective, self.store)
                if again.ok and again.article_unit_id:
                    out.append(again.article_unit_id)
            elif r.failure is Failure.LAW_NOT_IN_CORPUS and r.ref.law_name:
                out.extend(self._document_sections(r.ref.law_name, r.ref.article_no, r.ref.article_suffix))
        out.extend(self._benchmark_items(query))
        return out

    @cached_property
    def _documents(self) -> dict[str, tuple[str, list[SearchUnit]]]:
        """Title → (unit-id prefix, its units) for policy and discretion text documents."""
        docs: dict[str, tuple[str, list[SearchUnit]]] = {}
        for u in self.units:
            if u.unit_id.startswith("policy:"):
                prefix = u.unit_id.split("#", 1)[0]
                docs.setdefault(u.title, (prefix, []))[1].append(u)
        return docs

    def _document_sections(self, name: str, article_no: int, suffix: int) -> list[str]:
        titles = {t: t for t in self._documents}
        title = titles.get(name) or abbreviation_match(name, titles)
        if title is None:
            return []
        label = format_citation(None, article_no, suffix)
        return [u.unit_id for u in self._documents[title][1] if u.label.endswith(label) or u.label == label][
            :1
        ]

    _ITEM = re.compile(r"(?:参照表|裁量表|裁量标准|基准)[^第]{0,12}第?\s*(\d{1,2}-\d{1,3})\s*项?")

    def _benchmark_items(self, query: str) -> list[str]:
        m = self._ITEM.search(query)
        if not m:
            return []
        wanted = f"#{m.group(1)}"
        return [
            u.unit_id
            for u in self.units
            if u.unit_id.startswith("discretion:") and u.unit_id.endswith(wanted)
        ]

    # ---------------------------------------------------------------- dense side

    def embedder(self) -> Embedder:
        if self._embedder is None:
            if self.embedder_factory is not None:
                self._embedder = self.embedder_factory()
            else:
                s = self.settings
                opts: dict[str, Any] = {}
                if s.embedder in ("sentence-transformers", "st"):
                    opts = {"model": s.embedding_model, "data_dir": s.data_dir}
                self._embedder = make_embedder(s.embedder, **opts)
        return self._embedder

    def vector_store(self) -> VectorStore:
        if self._vectors is None:
            s = self.settings
            if s.vector_store == "chroma":
                location = s.chroma if s.chroma.startswith("http") else s.chroma_path
                self._vectors = make_vector_store(
                    "chroma", location=location, collection=collection_name(self.embedder().name)
                )
            else:
                self._vectors = make_vector_store(s.vector_store)
        return self._vectors

    def dense_ready(self) -> bool:
        """True when a dense index exists (without loading the embedding model when it does not)."""
        if self.settings.vector_store == "memory":
            return False
        if not self.settings.chroma.startswith("http") and not self.settings.chroma_path.exists():
            return False
        return self.vector_store().count() > 0

    def index(self, progress: Callable[[int, int], None] | None = None) -> IndexReport:
        # The dense index keeps the verbatim articles: attaching the duties' words to penalty articles
        # helped BM25 but not the embedder (hybrid R@5 0.886 → 0.873 on the evaluation set). The questions
        # get vectors of their own instead (a unit's dense score is that of its best vector).
        return index_units(
            self.units, self.embedder(), self.vector_store(), questions=self.questions, progress=progress
        )

    # ---------------------------------------------------------------- search

    @cached_property
    def _bm25_searcher(self) -> HybridSearcher:
        return HybridSearcher(
            self.units,
            self.bm25,
            citation_lookup=self.citation_lookup,
            rewrite_query=expand_query,
            rerank=penalty_article_first,
        )

    @cached_property
    def _hybrid_searcher(self) -> HybridSearcher:
        return HybridSearcher(
            self.units,
            self.bm25,
            self.embedder(),
            self.vector_store(),
            citation_lookup=self.citation_lookup,
            question_vectors=bool(self.questions),
            rewrite_query=expand_query,
            rerank=penalty_article_first,
        )

    def searcher(self, mode: Mode) -> HybridSearcher:
        """The searcher for a mode, with the legal steps wired in: everyday words gain their statutory
        equivalents (抽烟 → 吸烟) before BM25 and the embedder see the query, and for a fact pattern the
        penalty article goes above the duty article. Also what the LangChain adapter should wrap."""
        return self._bm25_searcher if mode == "bm25" else self._hybrid_searcher

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        kind: str | None = None,
        law: str | None = None,
        date: dt.date | None = None,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        law_key = self.store.find_law(law) if law else None
        if law and law_key is None:
            from corpus.errors import LawNotFoundError

            raise LawNotFoundError(law)
        return self.searcher(mode).search(query, k=k, kind=kind, law=law_key, date=date, mode=mode)
