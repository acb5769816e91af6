"""Benchmarks (not timed tests): store build, dense indexing vs a raw encode, search latency, review speed.

Every figure in the README comes from `fashen bench` on this machine; the command prints them as a
Markdown table and writes them as JSON.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5 - 1e-9)))
    return ordered[rank - 1]


def latency_ms(fn: Callable[[str], object], queries: Sequence[str], warmup: int = 5) -> dict[str, float]:
    """p50/p95/mean latency in ms of `fn(query)` over all queries, after a few warm-up calls."""
    for q in queries[:warmup]:
        fn(q)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "n": len(times),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "mean": statistics.fmean(times),
    }


def bench_queries(service: Any) -> list[str]:
    """≥ 200 distinct realistic queries: the evaluation set plus every benchmark matter's wording."""
    from evals.retrieval_metrics import load_queries

    qs = [q.query for q in load_queries()]
    rows = service.store.discretion_rows()
    seen: set[str] = set(qs)
    for r in rows:
        text = r.matter.split("\n", 1)[0][:60]
        if text not in seen:
            seen.add(text)
            qs.append(text)
    return qs


def bench_store(corpus_dir: Path) -> dict[str, float]:
    from corpus.store import build_store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.sqlite"
        t0 = time.perf_counter()
        build_store(corpus_dir, db)
        full = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = build_store(corpus_dir, db)
        again = time.perf_counter() - t1
        assert report.nothing_changed
    return {"store_build_s": full, "store_rebuild_unchanged_s": again}


def bench_indexing(service: Any, limit: int | None) -> dict[str, float]:
    """Index the units (and their questions) into a fresh Chroma collection, then raw-encode the same texts.

    The raw side is what `SentenceTransformer.encode` does with the same texts in one call per side
    (passages with the passage prompt, questions with the query prompt), with nothing else around it.
    """
    from retrieval.vectorstores import index_units, make_vector_store, passage_text

    units = service.units[:limit] if limit else service.units
    wanted = {u.unit_id for u in units}
    questions = {uid: qs for uid, qs in service.questions.items() if uid in wanted}
    question_texts = [q for qs in questions.values() for q in qs]
    vectors = len(units) + len(question_texts)
    embedder = service.embedder()
    with tempfile.TemporaryDirectory() as tmp:
        store = make_vector_store("chroma", location=Path(tmp) / "chroma", collection="bench")
        report = index_units(units, embedder, store, questions=questions)
        t0 = time.perf_counter()
        again = index_units(units, embedder, store, questions=questions)
        reindex_s = time.perf_counter() - t0
        assert again.embedded == 0
    texts = [passage_text(u) for u in units]
    model = getattr(embedder, "_model", None)
    raw_s = None
    if model is not None:
        t1 = time.perf_counter()
        model.encode(
            texts,
            batch_size=32,
            convert_to_numpy=True,
            normalize_embeddings=True,
            **getattr(embedder, "_passage_kw", {}),
        )
        if question_texts:
            model.encode(
                question_texts,
                batch_size=32,
                convert_to_numpy=True,
                normalize_embeddings=True,
                **getattr(embedder, "_query_kw", {}),
            )
        raw_s = time.perf_counter() - t1
    out = {
        "index_passages": float(len(units)),
        "index_questions": float(len(question_texts)),
        "index_vectors": float(vectors),
        "index_s": report.seconds,
        "index_embed_s": report.embed_seconds,
        "index_vectors_per_s": vectors / report.seconds,
        "reindex_unchanged_s": reindex_s,
    }
    if raw_s:
        out["raw_encode_s"] = raw_s
        out["raw_vectors_per_s"] = vectors / raw_s
        out["index_vs_raw"] = out["index_vectors_per_s"] / out["raw_vectors_per_s"]
    return out


def bench_search(service: Any, dense: bool) -> dict[str, dict[str, float]]:
    queries = bench_queries(service)
    out = {"bm25": latency_ms(lambda q: service.search(q, k=10, mode="bm25"), queries)}
    if dense:
        out["dense"] = latency_ms(lambda q: service.search(q, k=10, mode="dense"), queries)
        out["hybrid"] = latency_ms(lambda q: service.search(q, k=10, mode="hybrid"), queries)
    return out


def bench_review(cases_dir: Path, store: Any, rounds: int = 5) -> dict[str, float]:
    """Cold: one `fashen review` process (must not import torch). Warm: per case in one process."""
    from review.engine import run_review
    from review.intake import case_files, load_case

    files = case_files(cases_dir)
    code = (
        "import sys, time; t0 = time.perf_counter()\n"
        "from typer.testing import CliRunner\n"
        "from api.cli import app\n"
        f"r = CliRunner().invoke(app, ['review', {str(files[0])!r}, '--format', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(time.perf_counter() - t0, 'torch' in sys.modules)\n"
    )
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    cold_total = time.perf_counter() - t0
    inner, torch_loaded = proc.stdout.split()
    cases = [load_case(p) for p in files]
    run_review(cases[0], store)  # warm caches
    t1 = time.perf_counter()
    for _ in range(rounds):
        for c in cases:
            run_review(c, store)
    warm = (time.perf_counter() - t1) / (rounds * len(cases))
    return {
        "review_cold_process_s": cold_total,
        "review_cold_in_process_s": float(inner),
        "review_cold_imports_torch": float(torch_loaded == "True"),
        "review_warm_per_case_s": warm,
        "review_cases": float(len(cases)),
    }


def format_bench(results: dict[str, Any]) -> str:
    lines = ["| measure | value |", "|---|---|"]
    for key, value in results.items():
        if isinstance(value, dict):
            for k2, v2 in value.items():
                if isinstance(v2, dict):
                    lines.append(f"| {key} {k2} | " + ", ".join(f"{a} {b:.1f}" for a, b in v2.items()) + " |")
                else:
                    lines.append(f"| {key} {k2} | {v2:.3f} |")
        else:
            lines.append(f"| {key} | {value:.3f} |" if isinstance(value, float) else f"| {key} | {value} |")
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
