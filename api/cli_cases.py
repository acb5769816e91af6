"""`fashen cases`: trainer mode — the defect catalogue, generating teaching cases, packing the booklet.

Registered by api/cli.py as `app.add_typer(cases_app, name="cases")`. Errors are shown in Chinese, exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from random import Random
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.errors import friendly_errors

cases_app = typer.Typer(help="培训模式：缺陷目录、生成教学案例、编印培训手册。", no_args_is_help=True)

console = Console()
err_console = Console(stderr=True)


def _store() -> Any:
    """The law store of the current settings, built on first use."""
    from evals.defects import default_store

    return default_store()


@cases_app.command("catalogue")
@friendly_errors
def catalogue_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出。")] = False,
) -> None:
    """列出可植入的缺陷：代码、审核项、名称、说明、法律依据、严重程度。"""
    from evals.defects import catalogue

    defects = catalogue()
    if as_json:
        sys.stdout.write(json.dumps([d.as_dict() for d in defects], ensure_ascii=False) + "\n")
        return
    table = Table("代码", "审核项", "名称", "严重程度", "说明", "法律依据", show_lines=True)
    for d in defects:
        table.add_row(d.code, d.criterion.title, d.title, d.severity.value, d.description, d.basis)
    console.print(table)
    console.print(f"共 {len(defects)} 种缺陷。")


@cases_app.command("generate")
@friendly_errors
def generate_cmd(
    source: Annotated[Path, typer.Option("--from", help="干净的案件文件（YAML）。", exists=False)],
    defect: Annotated[list[str], typer.Option("--defect", help="缺陷代码，可重复指定。")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子：相同种子得到相同案例。")] = 1,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="输出 YAML 文件；缺省输出到屏幕。")
    ] = None,
) -> None:
    """在干净案例中植入指定缺陷，生成带参考答案（expected）的教学案例。"""
    from evals.casegen import dump_case, generate, read_case
    from review.intake import load_case_with_warnings

    clean = read_case(source)
    case = generate(clean, defect, Random(seed), store=_store())
    text = dump_case(case)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    load_case_with_warnings(output)  # must read back as a case; a Chinese IntakeError otherwise
    expected = case["expected"]
    console.print(
        f"已生成 {output}：案件编号 {case['case_id']}，参考结论“{expected['conclusion']}”，"
        f"植入缺陷 {', '.join(expected['defects'])}。"
    )


@cases_app.command("pack")
@friendly_errors
def pack_cmd(
    directory: Annotated[Path, typer.Argument(help="存放教学案例 YAML 文件的目录。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的培训手册（.docx）。")] = Path(
        "booklet.docx"
    ),
) -> None:
    """把目录中的教学案例编成培训手册（DOCX）：每案草稿、案卷摘要、思考题，参考答案另起一页。"""
    from evals.booklet import pack_dir

    if output.suffix.lower() != ".docx":
        raise ValueError(f"输出文件应为 .docx：{output}")
    path = pack_dir(directory, output, _store())
    console.print(f"已生成培训手册 {path}。")
