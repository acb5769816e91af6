"""The `fashen` command line: a thin shell over corpus/, retrieval/ and review/.

Every command takes `--json` for machine-readable output. Errors are shown in Chinese and exit 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings

app = typer.Typer(
    help="法审助手 fashen：法条库、检索与法制审核。", no_args_is_help=True, add_completion=False
)
corpus_app = typer.Typer(help="法条库：建立与统计。", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出。")]
DateOpt = Annotated[str | None, typer.Option("--date", help="日期 YYYY-MM-DD：按该日有效的版本。")]


def _settings() -> Settings:
    return Settings()


def _emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def friendly_errors(fn: F) -> F:
    """Turn known errors into a Chinese one-line message and exit code 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from corpus.errors import CorpusError

        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except (CorpusError, ValueError, FileNotFoundError, PermissionError) as e:
            err_console.print(f"[red]错误：[/red]{e}")
            raise typer.Exit(2) from e

    return wrapper  # type: ignore[return-value]


def parse_day(value: str | None) -> date:
    """An ISO date, or today when absent; a bad date is a Chinese error."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise ValueError(f"日期“{value}”格式不正确，应为 YYYY-MM-DD，例如 2024-06-01。") from e


def open_store(settings: Settings | None = None, *, build_if_missing: bool = True) -> Any:
    """Open the store, building it first when it does not exist yet."""
    from corpus.store import LawStore, build_store

    s = settings or _settings()
    if not s.store_path.exists() and build_if_missing:
        build_store(s.corpus_dir, s.store_path)
    return LawStore(s.store_path)


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
    from api.cli_eval import eval_app

    app.add_typer(eval_app, name="eval")


_register_subcommands()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
