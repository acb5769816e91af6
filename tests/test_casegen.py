"""Case generation from clean examples, the YAML round trip and the `fashen cases` commands."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import pytest
import yaml
from typer.testing import CliRunner

import evals.defects as defects_module
from api.cli_cases import cases_app
from corpus.store import LawStore
from evals.casegen import clean_cases, dump_case, generate, generate_many, is_clean, read_case, write_case
from evals.defects import MutationError, catalogue
from review.intake import load_case, load_cases

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "examples"
EX01 = EXAMPLES / "ex01-lajifenlei.yaml"
EX04 = EXAMPLES / "ex04-jiangmen-yangchen.yaml"


@pytest.fixture
def cli_store(law_store: LawStore, monkeypatch: pytest.MonkeyPatch) -> LawStore:
    """The CLI's default store points at the test store (never the project's .fashen)."""
    monkeypatch.setattr(defects_module, "_DEFAULT_STORE", law_store)
    return law_store


def test_clean_cases_are_the_three_agreed_examples() -> None:
    ids = [c["case_id"] for c in clean_cases(EXAMPLES)]
    assert ids == ["EX01", "EX04", "EX08"]
    assert not is_clean(read_case(EXAMPLES / "ex02-dianwaijingying.yaml"))


def test_generate_many_covers_the_catalogue_with_unique_ids(law_store: LawStore, tmp_path: Path) -> None:
    applicable = [d.code for d in catalogue() if any(d.applies(c, law_store) for c in clean_cases(EXAMPLES))]
    cases = generate_many(EXAMPLES, len(applicable) + 5, seed=11, store=law_store)
    assert len(cases) == len(applicable) + 5
    ids = [c["case_id"] for c in cases]
    assert len(set(ids)) == len(ids)
    assert ids[0] == f"GEN-0001-{applicable[0]}"
    assert {c["expected"]["defects"][0] for c in cases} == set(applicable)
    assert {c["expected"]["generated_from"] for c in cases} == {"EX01", "EX04", "EX08"}
    for case in cases:
        write_case(case, tmp_path / f"{case['case_id']}.yaml")
    loaded = load_cases(tmp_path)  # also rejects duplicate case ids
    assert [c.case_id for c in loaded] == sorted(ids)


def test_generate_many_is_reproducible_by_seed(law_store: LawStore) -> None:
    first = generate_many(EXAMPLES, 6, seed=5, store=law_store)
    assert first == generate_many(EXAMPLES, 6, seed=5, store=law_store)
    assert generate_many(EXAMPLES, 0, seed=5, store=law_store) == []


def test_generate_with_two_defects_and_conflicts(law_store: LawStore) -> None:
    clean = read_case(EX01)
    case = generate(clean, ["law.missing_paragraph", "other.cash_to_officer"], Random(2), store=law_store)
    assert case["case_id"] == "EX01-law.missing_paragraph-other.cash_to_officer"
    assert case["expected"]["conclusion"] == "修改后同意"
    assert [c for c, v in case["expected"]["criteria"].items() if v == "issue"] == ["law", "other"]
    with pytest.raises(MutationError, match="同一部分"):
        generate(clean, ["discretion.above_statutory_max", "other.double_fine"], Random(2), store=law_store)
    with pytest.raises(MutationError, match="至少"):
        generate(clean, [], Random(2), store=law_store)


def test_dump_case_writes_a_literal_block_without_anchors(law_store: LawStore, tmp_path: Path) -> None:
    case = generate(read_case(EX01), ["procedure.simple_procedure_over_limit"], Random(1), store=law_store)
    text = dump_case(case)
    assert "\ndraft: |" in text and "&id" not in text
    assert text.index("case_id") < text.index("record:") < text.index("draft:") < text.index("expected:")
    path = write_case(case, tmp_path / "c.yaml")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["draft"] == case["draft"]
    assert load_case(path).procedure == "简易程序"


# ---------------------------------------------------------------------------- CLI


def test_cli_catalogue_json(cli_store: LawStore) -> None:
    result = CliRunner().invoke(cases_app, ["catalogue", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(catalogue())
    assert set(rows[0]) >= {"code", "criterion", "title", "description", "basis", "severity"}


def test_cli_generate_to_file_and_stdout(cli_store: LawStore, tmp_path: Path) -> None:
    out = tmp_path / "gen" / "case.yaml"
    args = ["generate", "--from", str(EX01), "--defect", "procedure.wrong_remedy_period", "--seed", "3"]
    result = CliRunner().invoke(cases_app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    case = load_case(out)
    assert case.draft.litigation_months == 3 or case.draft.review_days == 30
    printed = CliRunner().invoke(cases_app, args)
    assert printed.exit_code == 0
    assert yaml.safe_load(printed.stdout) == yaml.safe_load(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--defect", "law.no_such"], "没有缺陷代码"),
        (["--defect", "law.superseded_version", "--from", str(EX04)], "不适用"),
    ],
)
def test_cli_generate_errors_are_chinese_with_exit_code_2(
    cli_store: LawStore, args: list[str], message: str
) -> None:
    full = ["generate", *(["--from", str(EX01)] if "--from" not in args else []), *args]
    result = CliRunner().invoke(cases_app, full)
    assert result.exit_code == 2
    assert message in result.output.replace("\n", "")


def test_cli_pack(cli_store: LawStore, tmp_path: Path) -> None:
    for case in generate_many(EXAMPLES, 2, seed=1, store=cli_store):
        write_case(case, tmp_path / f"{case['case_id']}.yaml")
    out = tmp_path / "booklet.docx"
    result = CliRunner().invoke(cases_app, ["pack", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000
    missing = CliRunner().invoke(cases_app, ["pack", str(tmp_path / "nope"), "-o", str(out)])
    assert missing.exit_code == 2 and "目录不存在" in missing.output
