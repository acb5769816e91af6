"""Real-decision evaluation: parse success, fields found, nothing invented; smoke run on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.store import LawStore
from evals.real_eval import (
    FIELDS,
    evaluate_dir,
    evaluate_file,
    found_fields,
    invented_values,
    real_files,
    render_markdown,
    results_json,
    string_values,
)
from review.draft_parser import parse_draft
from review.models import Amount, CitedProvision, Draft

# Three kinds of file: a full 决定书, a short 通报 with citations, a 决定书 excerpt with remedy text.
SMOKE_PREFIXES = ("01_", "12_", "18_")


@pytest.fixture(scope="session")
def law_store(law_store_path: Path) -> LawStore:
    return LawStore(law_store_path)


@pytest.fixture(scope="session")
def real_dir(corpus_dir: Path) -> Path:
    return corpus_dir.parent / "real-decisions"


@pytest.fixture(scope="session")
def smoke_files(real_dir: Path) -> list[Path]:
    files = [p for p in real_files(real_dir) if p.name.startswith(SMOKE_PREFIXES)]
    assert len(files) == len(SMOKE_PREFIXES)
    return files


def test_real_files_skip_readme(real_dir: Path) -> None:
    names = [p.name for p in real_files(real_dir)]
    assert names and "README.md" not in names
    assert names == sorted(names)


def test_smoke_three_real_files(smoke_files: list[Path], law_store: LawStore) -> None:
    for path in smoke_files:
        r = evaluate_file(path, law_store)
        assert r.ok, (path.name, r.error)
        assert r.n_fields >= 1 and set(r.fields) == set(FIELDS)
        assert r.fields["facts"], path.name
        assert len(r.verdicts) == 6 and r.conclusion in ("同意", "修改后同意", "不同意")
        # nothing invented: no citation failure, no extracted value absent from the source
        assert r.citation_failures == [], [(c.code, c.reason) for c in r.citation_failures]
        assert [i for i in r.invented if not i.folded_only] == []
        assert r.violations == 0


def test_render_and_json(smoke_files: list[Path], law_store: LawStore, tmp_path: Path) -> None:
    broken = tmp_path / "99_空白.md"
    broken.write_text("   \n", encoding="utf-8")
    results = [evaluate_file(p, law_store) for p in smoke_files] + [evaluate_file(broken, law_store)]
    assert not results[-1].ok and results[-1].error and "IntakeError" in results[-1].error
    md = render_markdown(results)
    assert "读取并审核成功 3 件" in md and "99_空白.md" in md and "读取或审核失败" in md
    data = results_json(results)
    assert [d["ok"] for d in data] == [True, True, True, False]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


DRAFT = """某区市场监督管理局
行政处罚决定书
某市监罚〔2024〕12号
当事人：某某食品店
经查，当事人销售过期食品。
依据《中华人民共和国食品安全法》第一百二十四条第一款的规定，本局决定对当事人作出如下行政处罚：
罚款人民币伍仟元。
某区市场监督管理局
2024年3月1日
"""


def test_found_fields_and_string_values() -> None:
    draft = parse_draft(DRAFT)
    found = found_fields(draft)
    assert found["agency"] and found["doc_no"] and found["party_name"] and found["fine"]
    assert not found["remedy_text"] and not found["evidence"]
    values = dict(string_values(draft))
    assert values["doc_no"] == "某市监罚〔2024〕12号"
    assert invented_values(draft, DRAFT) == []


@pytest.mark.parametrize(
    ("draft", "field", "folded_only"),
    [
        (Draft(text=DRAFT, agency="另一个机关"), "agency", False),
        (Draft(text=DRAFT, party_name="某某食品店（个体）"), "party_name", False),
        (Draft(text=DRAFT, facts="经查，当事人\n销售过期食品。"), "facts", True),  # reshaped, not invented
        (Draft(text=DRAFT, doc_no="某市监罚(2024)12号".replace("〔", "(")), "doc_no", False),
        (Draft(text=DRAFT, fine=Amount(yuan=5000, text="罚款人民币伍仟元；罚款一万元")), "fine", False),
        (Draft(text=DRAFT, evidence=("现场笔录",)), "evidence", False),
        (
            Draft(
                text=DRAFT, citations=(CitedProvision(text="《食品安全法》第一百二十四条", role="penalty"),)
            ),
            "citations",
            False,
        ),
    ],
)
def test_invented_values_are_caught(draft: Draft, field: str, folded_only: bool) -> None:
    found = invented_values(draft, DRAFT)
    assert [i.field for i in found] == [field]
    assert found[0].folded_only is folded_only


def test_fine_parts_checked_one_by_one() -> None:
    draft = Draft(text=DRAFT, fine=Amount(yuan=5000, text="当事人；罚款人民币伍仟元"))
    assert invented_values(draft, DRAFT) == []


def test_evaluate_dir_missing(tmp_path: Path, law_store: LawStore) -> None:
    with pytest.raises(FileNotFoundError, match="真实决定书目录不存在"):
        evaluate_dir(tmp_path / "nope", law_store)


def test_cli_eval_real(
    smoke_files: list[Path],
    tmp_path: Path,
    law_store_path: Path,
    corpus_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from api.cli_eval import eval_app

    monkeypatch.setenv("FASHEN_DATA_DIR", str(law_store_path.parent))
    monkeypatch.setenv("FASHEN_CORPUS_DIR", str(corpus_dir))
    folder = tmp_path / "real"
    folder.mkdir()
    for p in smoke_files:  # links, not copies
        (folder / p.name).symlink_to(p)
    res = CliRunner().invoke(eval_app, ["real", "--dir", str(folder), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["file"] for d in data] == [p.name for p in smoke_files]
    assert all(d["ok"] and d["violations"] == 0 for d in data)
    res_md = CliRunner().invoke(eval_app, ["real", "--dir", str(folder)])
    assert res_md.exit_code == 0 and "| 文件 | 读取 |" in res_md.stdout
