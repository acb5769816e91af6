"""LangChain adapter: `HybridRetriever(searcher=…).invoke("…")` → list of `Document`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from corpus.models import DocKind
from retrieval.hybrid import Hit, HybridSearcher, Mode


def hit_to_document(hit: Hit) -> Document:
    """A search hit as a LangChain document; metadata values are JSON-friendly (dates as ISO strings)."""
    return Document(
        page_content=hit.text,
        id=hit.unit_id,
        metadata={
            "unit_id": hit.unit_id,
            "kind": hit.kind.value,
            "title": hit.title,
            "label": hit.label,
            "article_no": hit.article_no,
            "law_key": hit.law_key,
            "effective": hit.effective.isoformat() if hit.effective else None,
            "score": hit.score,
            "sources": list(hit.sources),
        },
    )


class HybridRetriever(BaseRetriever):
    """Wraps a `HybridSearcher`; the fields are the search filters applied to every query."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = Field(default=10, ge=1)
    kind: DocKind | None = None
    law: str | None = None
    jurisdiction: str | None = None
    date: dt.date | None = Field(default=None, description="Only units in force on this day.")
    mode: Mode = "hybrid"

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        hits = self.searcher.search(
            query,
            k=self.k,
            kind=self.kind,
            law=self.law,
            jurisdiction=self.jurisdiction,
            date=self.date,
            mode=self.mode,
        )
        return [hit_to_document(h) for h in hits]
