"""`fashen eval …`: measure the review against answer keys and on real decisions.

A Typer sub-app registered by api/cli.py as `fashen eval`. Helpers of api/cli.py are imported inside the
commands (api/cli.py imports this module, so a top-level import would be circular).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from api.errors import friendly_errors

eval_app = typer.Typer(
    help="评测：审核准确率（对照答案与基线）、真实决定书读取与引用核验。", no_args_is_help=True
)

console = Console()
err_console = Console(stderr=True)


JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出。")]


def _store() -> Any:
    from api.cli import open_store

    return open_store()


def _shared_dir() -> Path:
    """shared/ beside the project: the parent of the configured corpus directory."""
    from api.settings import Settings

    return Settings().corpus_dir.parent


def _emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str, indent=2) + "\n")


@eval_app.command("review")
@friendly_errors
def eval_review(
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help="含答案（expected）的案例目录；默认 shared/cases/examples。"),
    ] = None,
    generated: Annotated[
        int,
        typer.Option("--generated", min=0, help="由案例目录中的无缺陷案例生成 N 件变异案例并在其上评测。"),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="生成案例的随机种子。")] = 0,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="报告目录（写入 report.md 与 f1.png）。")
    ] = Path("eval-report"),
    as_json: JsonOpt = False,
) -> None:
    """审核准确率：各审核项精确率/召回率/F1、结论准确率、混淆表、引用有效率，fashen 与无法条库基线对照。"""
    from evals.review_eval import evaluate_dir, evaluate_generated, summary_json, write_report

    cases_dir = cases or _shared_dir() / "cases" / "examples"
    if not cases_dir.is_dir():
        raise FileNotFoundError(f"案例目录不存在：{cases_dir}（请用 --cases 指定含 *.yaml 案例的目录）")
    store = _store()
    with console.status("正在审核并评分…"):
        if generated:
            result = evaluate_generated(cases_dir, generated, seed, store)
        else:
            result = evaluate_dir(cases_dir, store)
    if not result.rows:
        raise ValueError(f"{cases_dir} 中没有带答案（expected）的案例，无法评测。")
    report, chart = write_report(result, output)
    summary = summary_json(result)
    if as_json:
        _emit_json({**summary, "report": str(report), "chart": str(chart)})
        return
    f, b = summary["fashen"], summary["baseline"]

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    def num(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f}"

    console.print(f"评测 {len(result.rows)} 件：{result.set_name}")
    console.print(f"结论准确率  fashen {pct(f['conclusion_accuracy'])}  基线 {pct(b['conclusion_accuracy'])}")
    console.print(f"micro-F1    fashen {num(f['micro']['f1'])}  基线 {num(b['micro']['f1'])}")
    for c, counts in f["criteria"].items():
        console.print(f"  {c:<11} F1 fashen {num(counts['f1'])}  基线 {num(b['criteria'][c]['f1'])}")
    cs = summary["citations"]
    console.print(
        f"引用有效率 {pct(cs['validity_rate'])}（{cs['total']} 条："
        f"不合格 {cs['invalid']}，如实未核验 {cs['unverified']}）"
    )
    for source, message in result.errors:
        err_console.print(f"[red]未能读取[/red] {source}：{message}")
    console.print(f"报告：{report}　图表：{chart}")


@eval_app.command("real")
@friendly_errors
def eval_real(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="真实决定书目录；默认 shared/real-decisions。")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """真实决定书：能否读取审核、识别出哪些要素、有无编造（抽取值非原文、引用非库中原文）。"""
    from evals.real_eval import evaluate_dir, render_markdown, results_json

    real_dir = directory or _shared_dir() / "real-decisions"
    store = _store()
    results = evaluate_dir(real_dir, store)
    if as_json:
        _emit_json(results_json(results))
    else:
        sys.stdout.write(render_markdown(results))
    if any(not r.ok or r.violations for r in results):
        raise typer.Exit(1)


# ---------------------------------------------------------------------------------------------- retrieval


@eval_app.command("retrieval")
@friendly_errors
def retrieval_cmd(
    modes: Annotated[
        str, typer.Option("--modes", help="逗号分隔：bm25,dense,hybrid。")
    ] = "bm25,dense,hybrid",
    k: Annotated[int, typer.Option("-k", help="每个检索取前 k 条。")] = 10,
    queries_path: Annotated[
        Path | None, typer.Option("--queries", help="检索评测集 JSONL（默认内置集）。")
    ] = None,
    show_misses: Annotated[bool, typer.Option("--misses", help="列出 hybrid 前5未命中的检索。")] = False,
    as_json: JsonOpt = False,
) -> None:
    """检索评测：按检索类型统计 BM25、向量、混合检索的 R@1、R@5、MRR。"""
    from api.cli import search_service
    from evals.retrieval_eval import evaluate, misses
    from evals.retrieval_metrics import format_table, load_queries

    wanted = [m.strip() for m in modes.split(",") if m.strip()]
    bad = [m for m in wanted if m not in ("bm25", "dense", "hybrid")]
    if bad:
        raise ValueError(f"未知的检索模式：{'、'.join(bad)}（可选 bm25、dense、hybrid）。")
    svc = search_service()
    if any(m != "bm25" for m in wanted) and not svc.dense_ready():
        raise ValueError("向量索引尚未建立：请先执行 `fashen index`，或只评测 --modes bm25。")
    queries = load_queries(queries_path) if queries_path else load_queries()
    rows, results = evaluate(svc, queries, wanted, k)
    if as_json:
        sys.stdout.write(json.dumps([r.model_dump() for r in rows], ensure_ascii=False) + "\n")
        return
    console.print(f"检索评测：{len(queries)} 条检索，k={k}")
    console.print(format_table(rows))
    if show_misses and "hybrid" in results:
        for q, top in misses(results, queries, "hybrid"):
            console.print(f"  ✗ [{q.qtype}] {q.id} {q.query} → {', '.join(top)}")
