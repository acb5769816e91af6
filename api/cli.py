"""The `fashen` command line: a thin shell over corpus/, retrieval/ and review/.

Every command takes `--json` for machine-readable output. Errors are shown in Chinese and exit 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.errors import friendly_errors
from api.settings import Settings

app = typer.Typer(
    help="法审助手 fashen：法条库、检索与法制审核。", no_args_is_help=True, add_completion=False
)
corpus_app = typer.Typer(help="法条库：建立与统计。", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

console = Console()
err_console = Console(stderr=True)


JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出。")]
DateOpt = Annotated[str | None, typer.Option("--date", help="日期 YYYY-MM-DD：按该日有效的版本。")]


def _settings() -> Settings:
    return Settings()


def _emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def parse_day(value: str | None) -> date:
    """An ISO date, or today when absent; a bad date is a Chinese error."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise ValueError(f"日期“{value}”格式不正确，应为 YYYY-MM-DD，例如 2024-06-01。") from e


def open_store(settings: Settings | None = None) -> Any:
    """Open the store, building it first when it does not exist yet."""
    from corpus.store import open_or_build

    s = settings or _settings()
    return open_or_build(s.corpus_dir, s.store_path)


# ---------------------------------------------------------------------------------------------- corpus


@corpus_app.command("build")
@friendly_errors
def corpus_build(
    force: Annotated[bool, typer.Option("--force", help="忽略哈希，全部重建。")] = False,
    as_json: JsonOpt = False,
) -> None:
    """建立或增量更新法条库（SQLite，无需模型）。"""
    from corpus.store import build_store

    s = _settings()
    if as_json:
        report = build_store(s.corpus_dir, s.store_path, force=force)
    else:
        with console.status("正在解析语料并写入法条库…"):
            report = build_store(s.corpus_dir, s.store_path, force=force)
    out = {
        "store": str(s.store_path),
        "corpus_version": report.corpus_version,
        "changed": list(report.changed),
        "removed": list(report.removed),
        "unchanged": report.unchanged,
        "seconds": round(report.seconds, 3),
        "counts": report.counts,
    }
    if as_json:
        _emit_json(out)
        return
    if report.nothing_changed:
        console.print(f"法条库已是最新（{report.unchanged} 个文件未变化，{report.seconds:.2f} 秒）。")
    else:
        console.print(
            f"法条库已更新：解析 {len(report.changed)} 个文件，删除 {len(report.removed)} 个，"
            f"用时 {report.seconds:.2f} 秒。"
        )
    console.print(
        f"语料版本 {report.corpus_version}；" + "，".join(f"{k} {v}" for k, v in report.counts.items())
    )


@corpus_app.command("stats")
@friendly_errors
def corpus_stats(as_json: JsonOpt = False) -> None:
    """按类别、法规与版本统计法条库。"""
    store = open_store()
    st = store.stats()
    if as_json:
        _emit_json(st)
        return
    console.print(f"语料版本 {st['corpus_version']}")
    console.print("，".join(f"{k} {v}" for k, v in st["counts"].items()))
    t = Table("法规", "施行日期", "失效日期", "条数", "层级")
    for law in st["laws"]:
        t.add_row(law["title"], law["effective"], law["expired"] or "—", str(law["articles"]), law["level"])
    console.print(t)
    t2 = Table("政策/裁量文件", "段落数")
    for p in st["policies"]:
        t2.add_row(p["doc_key"], str(p["sections"]))
    console.print(t2)


# ---------------------------------------------------------------------------------------------- citations


def resolution_json(r: Any) -> dict[str, Any]:
    """JSON form of a `corpus.resolver.Resolution`."""
    return {
        "citation": r.ref.text,
        "ok": r.ok,
        "failure": r.failure.value if r.failure else None,
        "message": r.message,
        "law": r.law_title,
        "law_key": r.law_key,
        "article": r.label.split("》", 1)[-1] if r.label else None,
        "article_no": r.ref.article_no,
        "paragraph": r.ref.paragraph,
        "item": r.ref.item,
        "unit_id": r.unit_id,
        "article_unit_id": r.article_unit_id,
        "version": r.version_effective.isoformat() if r.version_effective else None,
        "version_expired": r.version_expired.isoformat() if r.version_expired else None,
        "in_force_version": r.in_force_version.isoformat() if r.in_force_version else None,
        "date": r.on.isoformat(),
        "text": r.text,
    }


def _print_resolution(r: Any) -> None:
    if r.ok:
        console.print(f"[green]✓[/green] [bold]{r.label}[/bold]（{r.version_effective}施行版，{r.on}有效）")
        console.print(r.text)
    else:
        console.print(f"[yellow]✗[/yellow] {r.ref.text}：{r.message}")
        if r.text:
            console.print(f"[dim]（该版本原文）{r.text}[/dim]")


@app.command("article")
@friendly_errors
def article(
    law: Annotated[str, typer.Argument(help="法规名称，如 行政处罚法。")],
    number: Annotated[str, typer.Argument(help="条号：63、第六十三条 或 20之一。")],
    paragraph: Annotated[int | None, typer.Option("--paragraph", "-p", help="款。")] = None,
    item: Annotated[int | None, typer.Option("--item", "-i", help="项。")] = None,
    day: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """查某法某条（某款某项）在某日的原文。"""
    from corpus.numerals import cn_to_int
    from corpus.resolver import cite_article

    raw = number.strip().removeprefix("第")
    suffix = 0
    if "之" in raw:
        raw, suf = raw.split("之", 1)
        suffix = cn_to_int(suf)
    no = cn_to_int(raw.removesuffix("条"))
    store = open_store()
    r = cite_article(store, law, no, parse_day(day), suffix=suffix, paragraph=paragraph, item=item)
    if as_json:
        _emit_json(resolution_json(r))
    else:
        _print_resolution(r)
    if not r.ok:
        raise typer.Exit(1)


@app.command("cite")
@friendly_errors
def cite(
    text: Annotated[str, typer.Argument(help="含法条引用的文字。")],
    day: DateOpt = None,
    default_law: Annotated[str | None, typer.Option("--law", help="“本法/本条例”所指的法规。")] = None,
    as_json: JsonOpt = False,
) -> None:
    """找出文字中的全部法条引用并逐条核验。"""
    from corpus.resolver import resolve_text

    store = open_store()
    results = resolve_text(text, parse_day(day), store, default_law=default_law)
    if as_json:
        _emit_json([resolution_json(r) for r in results])
        return
    if not results:
        console.print("未找到法条引用。")
    for r in results:
        _print_resolution(r)


# ---------------------------------------------------------------------------------------------- search


def search_service(settings: Settings | None = None) -> Any:
    from retrieval.service import SearchService

    return SearchService(settings or _settings())


@app.command("index")
@friendly_errors
def index_cmd(as_json: JsonOpt = False) -> None:
    """建立或增量更新向量索引（ChromaDB + sentence-transformers；只嵌入新增或变化的段落）。"""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    svc = search_service()
    units = svc.units
    with console.status("正在加载嵌入模型…"):
        svc.embedder()
        svc.vector_store()
    if as_json:
        report = svc.index()
    else:
        with Progress(
            TextColumn("嵌入条文与检索问句"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("index", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = svc.index(progress)
    out = {
        "units": len(units),
        "questions": sum(len(q) for q in svc.questions.values()),
        "added": report.added,
        "updated": report.updated,
        "deleted": report.deleted,
        "unchanged": report.unchanged,
        "seconds": round(report.seconds, 2),
        "passages_per_second": round(report.passages_per_second, 1),
        "embedder": svc.embedder().name,
    }
    if as_json:
        _emit_json(out)
    else:
        console.print(
            f"向量索引（{len(units)} 个单元 + {out['questions']} 条检索问句）：新增 {report.added}，更新 {report.updated}，删除 {report.deleted}，未变 {report.unchanged}；"
            f"用时 {report.seconds:.1f} 秒"
            + (f"（{report.passages_per_second:.1f} 个向量/秒）" if report.embedded else "")
        )


def _mode_for(svc: Any, mode: str | None) -> str:
    if mode in ("bm25", "dense", "hybrid"):
        return mode
    if mode is not None:
        raise ValueError(f"未知的检索模式“{mode}”：可选 hybrid、bm25、dense。")
    if svc.dense_ready():
        return "hybrid"
    err_console.print("[yellow]向量索引尚未建立（fashen index），本次仅用 BM25 检索。[/yellow]")
    return "bm25"


def _print_hits(query: str, hits: list[Any]) -> None:
    from retrieval.service import hit_json

    console.print(f"[bold]检索：[/bold]{query}")
    if not hits:
        console.print("  无结果。")
    for i, h in enumerate(hits, 1):
        j = hit_json(h)
        if j["kind"] == "statute":
            head = f"《{j['law']}》{j['article']}（{j['version']}施行版）"
        elif j.get("doc"):
            head = f"{j['title']} {j['section']}"
        else:
            head = f"{j['title']} 第{j['item_no']}项"
        text = " ".join(h.text.split())
        console.print(f"{i:>2}. [bold]{head}[/bold] [dim]{j['score']:.4f} {'+'.join(j['sources'])}[/dim]")
        console.print(f"    {text[:160]}{'…' if len(text) > 160 else ''}")


@app.command("search")
@friendly_errors
def search_cmd(
    query: Annotated[str | None, typer.Argument(help="检索内容（可含法条引用）。")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="statute | policy | discretion。")] = None,
    law: Annotated[str | None, typer.Option("--law", help="只检索某部法规。")] = None,
    day: DateOpt = None,
    k: Annotated[int, typer.Option("-k", help="返回条数。")] = 10,
    mode: Annotated[
        str | None, typer.Option("--mode", help="hybrid | bm25 | dense（默认：有向量索引时 hybrid）。")
    ] = None,
    batch: Annotated[
        Path | None, typer.Option("--batch", help="JSONL 文件：每行 {id, query, date?, kind?}。")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """混合检索法条、政策文件与裁量基准（含引用的检索先经引用解析）。"""
    from retrieval.service import hit_json

    if kind is not None and kind not in ("statute", "policy", "discretion"):
        raise ValueError(f"未知的类别“{kind}”：可选 statute、policy、discretion。")
    svc = search_service()
    m = _mode_for(svc, mode)
    if batch is not None:
        for n, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                q = json.loads(line)
                qid, text = q["id"], q["query"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise ValueError(f"{batch} 第{n}行不是有效的检索请求（需要 id 与 query 字段）：{e}") from e
            qday = date.fromisoformat(q["date"]) if q.get("date") else (parse_day(day) if day else None)
            hits = svc.search(
                text, k=q.get("k", k), kind=q.get("kind", kind), law=q.get("law", law), date=qday, mode=m
            )
            if as_json:
                _emit_json({"id": qid, "hits": [hit_json(h) for h in hits]})
            else:
                _print_hits(f"[{qid}] {text}", hits)
        return
    if not query:
        raise ValueError("请给出检索内容，或用 --batch 指定批量检索文件。")
    hits = svc.search(query, k=k, kind=kind, law=law, date=parse_day(day) if day else None, mode=m)
    if as_json:
        _emit_json({"query": query, "mode": m, "hits": [hit_json(h) for h in hits]})
    else:
        _print_hits(query, hits)


@app.command("bench")
@friendly_errors
def bench_cmd(
    dense: Annotated[bool, typer.Option("--dense/--no-dense", help="是否测向量索引与向量/混合检索。")] = True,
    limit: Annotated[int | None, typer.Option("--limit", help="索引基准只用前 N 个段落。")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="结果 JSON。")] = Path(".fashen/bench.json"),
) -> None:
    """基准测试：建库用时、向量索引吞吐（对照直接 encode）、检索延迟 p50/p95、审核速度、峰值内存。"""
    from evals import bench

    s = _settings()
    results: dict[str, Any] = {}
    with console.status("建库基准…"):
        results["store"] = bench.bench_store(s.corpus_dir)
    svc = search_service(s)
    with console.status("审核速度基准…"):
        cases_dir = s.corpus_dir.parent / "cases" / "examples"
        results["review"] = bench.bench_review(cases_dir, svc.store)
    if dense:
        with console.status("向量索引基准（嵌入全部段落两遍：索引与直接 encode）…"):
            results["index"] = bench.bench_indexing(svc, limit)
    with console.status("检索延迟基准…"):
        results["search_ms"] = bench.bench_search(svc, dense and svc.dense_ready())
    results["peak_rss_mb"] = bench.peak_rss_mb()
    bench.write_json(results, output)
    console.print(bench.format_bench(results))
    console.print(f"已写入 {output}")


# ---------------------------------------------------------------------------------------------- review


def _case_paths(path: Path) -> list[Path]:
    from review.intake import case_files

    if path.is_dir():
        return case_files(path)
    if not path.exists():
        raise FileNotFoundError(f"找不到案件文件或目录：{path}")
    return [path]


def _review_one(path: Path, store: Any, settings: Settings) -> tuple[Any, Any]:
    from review.engine import run_review
    from review.intake import load_case

    case = load_case(path)
    return case, run_review(case, store)


def _basis(case: Any, store: Any) -> list[str]:
    from review.opinion import review_basis

    return review_basis(case.jurisdiction, store.policies())


@app.command("review")
@friendly_errors
def review_cmd(
    path: Annotated[Path, typer.Argument(help="案件文件（.yaml/.txt/.md/.docx）或目录。")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：json | md | html | docx。")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出文件（目录审核时为输出目录）。")
    ] = None,
) -> None:
    """审核案件，生成法制审核意见书草稿（须经审核人核对、修改并签署）。"""
    from review.intake import IntakeError
    from review.opinion import render_html, render_markdown
    from review.report import review_json

    if fmt not in ("json", "md", "html", "docx"):
        raise ValueError(f"不支持的输出格式“{fmt}”：可选 json、md、html、docx。")
    s = _settings()
    store = open_store(s)
    paths = _case_paths(path)
    batch = path.is_dir()
    results: list[tuple[Path, Any, Any]] = []
    failures: list[tuple[Path, str]] = []
    for p in paths:
        try:
            case, review = _review_one(p, store, s)
        except IntakeError as e:  # one bad file must not stop a batch
            if not batch:
                raise ValueError(str(e)) from e
            failures.append((p, str(e)))
            continue
        results.append((p, case, review))

    if fmt == "json":
        docs = [review_json(r) for _, _, r in results]
        text = json.dumps(docs if batch else docs[0], ensure_ascii=False, indent=2)
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
    else:
        suffix = {"md": ".md", "html": ".html", "docx": ".docx"}[fmt]
        for p, case, review in results:
            target: Path | None
            if batch:
                out_dir = output or Path("out")
                target = out_dir / f"{p.stem}.法制审核意见书{suffix}"
            else:
                target = output
            if fmt == "docx":
                from review.docx_writer import write_docx

                target = target or Path(f"{p.stem}.法制审核意见书.docx")
                write_docx(case, review, _basis(case, store), target)
                err_console.print(f"已写入 {target}")
                continue
            render = render_markdown if fmt == "md" else render_html
            text = render(case, review, _basis(case, store))
            if target is None:
                sys.stdout.write(text)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
                err_console.print(f"已写入 {target}")
    if batch and fmt != "json":
        _print_summary(results)
    for p, msg in failures:
        err_console.print(f"[red]未能读取[/red] {p.name}：{msg}")
    if failures:
        raise typer.Exit(2)


def _print_summary(results: list[tuple[Path, Any, Any]]) -> None:
    from review.models import Criterion

    t = Table("案件", "结论", *[c.title for c in Criterion], title="审核汇总")
    for _, _, review in results:
        verdicts = {r.criterion: r.verdict.value for r in review.criteria}
        t.add_row(review.case_id, review.conclusion.value, *[verdicts[c] for c in Criterion])
    err_console.print(t)


@app.command("selfcheck")
@friendly_errors
def selfcheck(
    path: Annotated[Path, typer.Argument(help="案件文件（.yaml/.txt/.md/.docx）。")],
    as_json: JsonOpt = False,
) -> None:
    """承办人自查：报送法制审核前应改正（✗）或核实（?）的事项清单。"""
    from review.report import selfcheck_lines

    s = _settings()
    store = open_store(s)
    case, review = _review_one(path, store, s)
    lines = selfcheck_lines(review)
    if as_json:
        _emit_json(
            {
                "case_id": review.case_id,
                "items": [{"criterion": c.value, "mark": m, "text": t} for c, m, t in lines],
            }
        )
        return
    console.print(f"[bold]自查清单：{case.title or case.case_id}[/bold]（✗ 须改正　? 须核实　✓ 已核对）")
    current = None
    for criterion, mark, text in lines:
        if criterion != current:
            console.print(f"\n[bold]{criterion.title}[/bold]")
            current = criterion
        colour = {"✗": "red", "?": "yellow", "✓": "green"}[mark]
        console.print(f"  [{colour}]{mark}[/{colour}] {text}")


def _register_subcommands() -> None:
    from api.cli_cases import cases_app
    from api.cli_eval import eval_app

    app.add_typer(eval_app, name="eval")
    app.add_typer(cases_app, name="cases")


_register_subcommands()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
