"""Sparse BM25 index over search units (bm25s), saved once per corpus version.

The indexed text of a unit is title + label + text, so that a query naming the law ("垃圾管理条例 罚款")
lifts that law's articles. Tokens come from `retrieval.text.tokenize` (jieba words + bigrams).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from corpus.models import SearchUnit
from retrieval.text import tokenize, tokenizer_fingerprint

log = logging.getLogger(__name__)

# BM25 parameters: bm25s defaults (Lucene variant). Long articles are common in the corpus; b=0.75 keeps
# them from winning on sheer length.
K1 = 1.5
B = 0.75

_META = "fashen-meta.json"

Allowed = set[int] | npt.NDArray[np.bool_] | None


def indexed_text(unit: SearchUnit) -> str:
    """What BM25 sees of a unit: title, label, then the verbatim text."""
    return f"{unit.title}\n{unit.label}\n{unit.text}"


def corpus_hash(units: Sequence[SearchUnit]) -> str:
    """Hash of everything the index depends on: ids, indexed text, tokenizer and BM25 parameters."""
    h = hashlib.sha256(f"bm25|tok={tokenizer_fingerprint()}|k1={K1}|b={B}|bm25s={bm25s.__version__}".encode())
    for u in units:
        h.update(b"\x1e")
        h.update(u.unit_id.encode())
        h.update(b"\x1f")
        h.update(indexed_text(u).encode())
    return h.hexdigest()


class BM25Index:
    """BM25 over a fixed, ordered list of units; hits are positions in that list."""

    def __init__(self, retriever: bm25s.BM25, unit_ids: Sequence[str], content_hash: str) -> None:
        self._retriever = retriever
        self.unit_ids: tuple[str, ...] = tuple(unit_ids)
        self.content_hash = content_hash

    def __len__(self) -> int:
        return len(self.unit_ids)

    @classmethod
    def build(cls, units: Sequence[SearchUnit]) -> BM25Index:
        retriever = bm25s.BM25(k1=K1, b=B)
        retriever.index([tokenize(indexed_text(u)) for u in units], show_progress=False)
        return cls(retriever, [u.unit_id for u in units], corpus_hash(units))

    def search(self, query: str, k: int = 10, allowed: Allowed = None) -> list[tuple[int, float]]:
        """Top `k` (unit index, score) pairs with a positive score, best first.

        `allowed` restricts the hits to those unit indexes (a set, or a boolean mask over all units);
        scoring still uses the statistics of the whole corpus, so scores stay comparable across filters.
        Ties are broken by unit index, so results are deterministic.
        """
        if k <= 0 or not self.unit_ids:
            return []
        token_ids = self._retriever.get_tokens_ids(list(dict.fromkeys(tokenize(query))))
        if not token_ids:
            return []
        scores = np.asarray(self._retriever.get_scores_from_ids(token_ids), dtype=np.float32)
        if allowed is not None:
            mask = _as_mask(allowed, len(self.unit_ids))
            scores = np.where(mask, scores, np.float32(0.0))
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > k:
            # argpartition then a stable sort of the top slice: O(n) instead of sorting all units.
            part = np.argpartition(-scores[candidates], k - 1)[:k]
            kth = scores[candidates[part]].min()
            candidates = candidates[scores[candidates] >= kth]  # keep all ties at the cut, sorted below
        order = np.lexsort((candidates, -scores[candidates]))
        best = candidates[order][:k]
        return [(int(i), float(scores[i])) for i in best]

    # --- persistence -----------------------------------------------------------------------------

    @staticmethod
    def path_for(cache_dir: Path, content_hash: str) -> Path:
        return cache_dir / f"bm25-{content_hash[:24]}"

    def save(self, cache_dir: Path) -> Path:
        """Write the index to `cache_dir/bm25-<hash>/` (atomically: a half-written index is never used)."""
        target = self.path_for(cache_dir, self.content_hash)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=cache_dir))
        try:
            self._retriever.save(str(tmp), show_progress=False)
            meta = {"content_hash": self.content_hash, "unit_ids": list(self.unit_ids)}
            (tmp / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            if target.exists():
                shutil.rmtree(target)
            tmp.rename(target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return target

    @classmethod
    def load(cls, cache_dir: Path, units: Sequence[SearchUnit]) -> BM25Index | None:
        """The saved index for exactly these units, or None when there is none (or it is unreadable)."""
        content_hash = corpus_hash(units)
        path = cls.path_for(cache_dir, content_hash)
        meta_path = path / _META
        if not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("content_hash") != content_hash or meta.get("unit_ids") != [u.unit_id for u in units]:
                return None
            retriever = bm25s.BM25.load(str(path), show_progress=False, verbosity=0)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("BM25 索引 %s 无法读取（%s），将重新构建。", path, exc)
            return None
        return cls(retriever, meta["unit_ids"], content_hash)

    @classmethod
    def load_or_build(cls, cache_dir: Path, units: Sequence[SearchUnit]) -> BM25Index:
        """Load the index saved for this corpus version, or build and save it (once per version)."""
        index = cls.load(cache_dir, units)
        if index is None:
            index = cls.build(units)
            index.save(cache_dir)
        return index


def _as_mask(allowed: set[int] | npt.NDArray[np.bool_], n: int) -> npt.NDArray[np.bool_]:
    if isinstance(allowed, np.ndarray):
        if allowed.shape != (n,):
            raise ValueError(
                f"allowed 掩码长度 {allowed.shape} 与索引单元数 {n} 不一致：请按同一单元列表构建掩码。"
            )
        return allowed.astype(bool, copy=False)
    mask = np.zeros(n, dtype=bool)
    if allowed:
        idx = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
        mask[idx[(idx >= 0) & (idx < n)]] = True
    return mask
