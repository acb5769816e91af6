"""Reading case files and bare drafts: formats, encodings, and every way a file can be wrong."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import docx
import pytest
import yaml

from review.intake import (
    MAX_FILE_BYTES,
    IntakeError,
    case_files,
    load_case,
    load_case_with_warnings,
    load_cases,
    load_cases_with_warnings,
)
from review.models import PartyKind

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLES = SHARED / "cases" / "examples"
REAL = SHARED / "real-decisions"


def _example(name: str) -> dict[str, object]:
    data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write_yaml(path: Path, data: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- YAML case files


def test_all_examples_load_sorted_and_without_warnings() -> None:
    results = load_cases_with_warnings(EXAMPLES)
    assert [r.case.case_id for r in results] == [f"EX{i:02d}" for i in range(1, 13)]
    assert all(r.warnings == () for r in results)
    assert all(r.case.source and r.case.source.endswith(".yaml") for r in results)


def test_ex01_record_fields() -> None:
    case = load_case(EXAMPLES / "ex01-lajifenlei.yaml")
    record = case.record
    assert case.jurisdiction == "北京市朝阳区"
    assert case.procedure == "普通程序"
    assert record.party is not None and record.party.kind is PartyKind.LEGAL_PERSON
    assert record.officers is not None
    assert [o.cert_no for o in record.officers] == ["11010522018", "11010522031"]
    assert record.officers[1].cert_valid_until == dt.date(2027, 6, 30)
    assert record.notice is not None and record.notice.rights == ("陈述", "申辩")
    assert record.notice.period_days == 5
    assert record.legal_review is not None and record.legal_review.done is True
    assert record.legal_review.date == dt.date(2025, 7, 1)
    assert record.collective_discussion is not None and record.collective_discussion.done is False
    assert record.decision_date == dt.date(2025, 7, 3)
    assert case.draft.doc_no == "京朝湖景罚字〔2025〕第041号"


def test_collective_discussion_held_maps_to_done() -> None:
    record = load_case(EXAMPLES / "ex05-weifajianshe.yaml").record
    assert record.collective_discussion is not None
    step = record.collective_discussion
    assert (step.done, step.date) == (True, dt.date(2024, 6, 12))


def test_expected_is_never_read(tmp_path: Path) -> None:
    data = _example("ex01-lajifenlei.yaml")
    data["expected"] = {"conclusion": "not even valid", "criteria": [1, 2, 3]}
    case = load_case(_write_yaml(tmp_path / "c.yaml", data))
    assert "expected" not in case.model_dump()
    assert "not even valid" not in case.model_dump_json()


def test_unknown_keys_become_warnings(tmp_path: Path) -> None:
    data = _example("ex01-lajifenlei.yaml")
    data["reviewer"] = "张三"
    record = data["record"]
    assert isinstance(record, dict)
    record["weather"] = "晴"
    record["notice"]["channel"] = "邮寄"  # type: ignore[index]
    record["officers"][0]["rank"] = "科员"  # type: ignore[index]
    result = load_case_with_warnings(_write_yaml(tmp_path / "c.yaml", data))
    assert set(result.warnings) == {
        "未识别的字段 reviewer 已忽略",
        "未识别的字段 record.weather 已忽略",
        "未识别的字段 record.notice.channel 已忽略",
        "未识别的字段 record.officers[0].rank 已忽略",
    }
    assert result.case.record.notice is not None and result.case.record.notice.period_days == 5


@pytest.mark.parametrize(
    ("kind", "expected", "warned"),
    [("个体户", PartyKind.INDIVIDUAL_BUSINESS, False), ("个人", PartyKind.NATURAL_PERSON, False),
     ("其他组织", PartyKind.OTHER_ORG, False), ("外星人", None, True)],
)
def test_party_kind_mapping(tmp_path: Path, kind: str, expected: PartyKind | None, warned: bool) -> None:
    data = _example("ex02-dianwaijingying.yaml")
    data["record"]["party"]["kind"] = kind  # type: ignore[index]
    result = load_case_with_warnings(_write_yaml(tmp_path / "c.yaml", data))
    assert result.case.record.party is not None and result.case.record.party.kind == expected
    assert any("外星人" in w for w in result.warnings) is warned


def test_numbers_for_text_fields_and_minimal_file(tmp_path: Path) -> None:
    path = tmp_path / "minimal.yaml"
    path.write_text(
        "case_id: 42\nrecord:\n  officers:\n    - {name: 张某, cert_no: 11010000001}\n"
        "  notice: {rights: 陈述、申辩}\ndraft: |\n  某局\n  行政处罚决定书\n",
        encoding="utf-8",
    )
    case = load_case(path)
    assert case.case_id == "42"
    assert case.record.officers is not None and case.record.officers[0].cert_no == "11010000001"
    assert case.record.notice is not None and case.record.notice.rights == ("陈述", "申辩")
    assert case.record.decision_date is None  # absent = unknown


def test_missing_case_id_uses_file_name(tmp_path: Path) -> None:
    path = _write_yaml(tmp_path / "my-case.yaml", {"draft": "某局\n行政处罚决定书\n"})
    result = load_case_with_warnings(path)
    assert result.case.case_id == "my-case"
    assert any("case_id" in w for w in result.warnings)


# ---------------------------------------------------------------- YAML errors


def _error(path: Path) -> IntakeError:
    with pytest.raises(IntakeError) as info:
        load_case(path)
    message = str(info.value)
    assert message.startswith("无法读取案件材料：")
    assert path.name in message
    return info.value


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    text = "case_id: X\nrecord:\n  party: {kind: 法人\n  filed_date: 2025-01-01\ndraft: x\n"
    path.write_text(text, encoding="utf-8")
    error = _error(path)
    assert error.line == 4
    assert "第4行" in str(error) and "YAML 格式错误" in str(error)


@pytest.mark.parametrize(
    ("content", "words"), [("- a\n- b\n", "顶层应为键值映射"), ("# only a comment\n", "空文档")]
)
def test_yaml_not_a_mapping(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(content, encoding="utf-8")
    assert words in str(_error(path))


@pytest.mark.parametrize(
    ("draft", "words"),
    [(None, "缺少决定书草稿"), (123, "应为文本"), ("   \n", "草稿为空")],
)
def test_bad_draft(tmp_path: Path, draft: object, words: str) -> None:
    data: dict[str, object] = {"case_id": "X"}
    if draft is not None:
        data["draft"] = draft
    error = _error(_write_yaml(tmp_path / "c.yaml", data))
    assert words in str(error)
    assert error.field == "draft"


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda r: r.update(decision_date="2025-13-01"), "record.decision_date（拟决定日期）",
         "不是有效日期"),
        (lambda r: r.update(officers="张宏伟"), "record.officers（执法人员）", "应为列表"),
        (lambda r: r["notice"].update(period_days="五天"), "record.notice.period_days（陈述申辩期限）",
         "应为整数"),
        (lambda r: r["officers"][0].pop("name"), "record.officers[0].name（姓名/名称）", "缺少必填项"),
        (lambda r: r.update(corrected="也许"), "record.corrected（是否改正）", "应为 true 或 false"),
        (lambda r: r.update(party=["法人"]), "record.party（当事人）", "应为键值映射"),
    ],
)
def test_wrong_types_name_the_field(tmp_path: Path, mutate: object, field: str, words: str) -> None:
    data = _example("ex01-lajifenlei.yaml")
    mutate(data["record"])  # type: ignore[operator]
    error = _error(_write_yaml(tmp_path / "c.yaml", data))
    assert error.field == field
    assert words in str(error)
    assert f"字段 {field}" in str(error)


def test_date_with_quoted_string_is_accepted(tmp_path: Path) -> None:
    data = _example("ex01-lajifenlei.yaml")
    data["record"]["filed_date"] = "2025-06-11"  # type: ignore[index]
    assert load_case(_write_yaml(tmp_path / "c.yaml", data)).record.filed_date == dt.date(2025, 6, 11)


# ---------------------------------------------------------------- bare drafts and encodings


def _draft_text(name: str = "ex02-dianwaijingying.yaml") -> str:
    draft = _example(name)["draft"]
    assert isinstance(draft, str)
    return draft


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_bare_txt_draft_in_common_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "海淀-草稿.txt"
    path.write_bytes(_draft_text().replace("\n", "\r\n").encode(encoding))
    result = load_case_with_warnings(path)
    case = result.case
    assert case.case_id == "海淀-草稿"
    assert case.agency == "北京市海淀区清河湾街道办事处"
    assert case.jurisdiction == "北京市海淀区"
    assert case.draft.doc_no == "京海清河湾罚字〔2025〕第112号"
    assert case.draft.fine is not None and case.draft.fine.yuan == 1000
    assert "\r" not in case.draft.text
    assert case.record.model_dump() == type(case.record)().model_dump()  # everything unknown
    assert result.warnings and "需核实" in result.warnings[0]


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "scan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "二进制" in str(_error(path))


def test_undecodable_control_garbage_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0E, 0x0F]) * 50)
    assert "不是可读文本" in str(_error(path))


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    lines = _draft_text("ex01-lajifenlei.yaml").splitlines()
    for line in lines[:4]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "当事人：北京湖景鑫荣餐饮管理有限公司"
    table.cell(0, 1).text = "统一社会信用代码：91110105MA04C7RQ3K"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "法定代表人：王建国"
    for line in lines[4:]:
        document.add_paragraph(line)
    path = tmp_path / "draft.docx"
    document.save(str(path))
    case = load_case(path)
    draft = case.draft
    assert draft.text.count("法定代表人：王建国") == 2  # once from the merged cell, once from the body
    assert draft.doc_no == "京朝湖景罚字〔2025〕第041号"
    assert draft.party_id == "91110105MA04C7RQ3K"
    assert draft.fine is not None and draft.fine.yuan == 5000
    assert draft.decision_date == dt.date(2025, 7, 3)
    assert case.jurisdiction == "北京市朝阳区"


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    assert "无法读取 Word 文件" in str(_error(path))


def test_markdown_front_matter_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text("---\ntitle: 某页面\nagency: 不应读入\n---\n\n" + _draft_text(), encoding="utf-8")
    case = load_case(path)
    assert "不应读入" not in case.draft.text
    assert case.agency == "北京市海淀区清河湾街道办事处"


# ---------------------------------------------------------------- file-level errors


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(("行政处罚决定书" * (MAX_FILE_BYTES // 21 + 10)).encode("utf-8"))
    assert path.stat().st_size > MAX_FILE_BYTES
    assert "文件过大" in str(_error(path))


@pytest.mark.parametrize("name", ["empty.txt", "empty.yaml", "blank.md"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("" if name.startswith("empty") else " \n\n ", encoding="utf-8")
    assert "文件为空" in str(_error(path))


@pytest.mark.parametrize(("name", "hint"), [("case.pdf", "支持 .yaml"), ("old.doc", "另存为 .docx")])
def test_unsupported_suffix(tmp_path: Path, name: str, hint: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4")
    message = str(_error(path))
    assert "不支持的文件类型" in message and hint in message


def test_missing_file(tmp_path: Path) -> None:
    assert "文件不存在" in str(_error(tmp_path / "nowhere.yaml"))


# ---------------------------------------------------------------- directories


def test_directory_skips_readme_index_and_other_files(tmp_path: Path) -> None:
    for name in ("ex02-dianwaijingying.yaml", "ex01-lajifenlei.yaml", "INDEX.md"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "README.md").write_text("# 说明\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / ".hidden.yaml").write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "z-draft.txt").write_text(_draft_text("ex03-kongyan.yaml"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    names = [p.name for p in case_files(tmp_path)]
    assert names == ["ex01-lajifenlei.yaml", "ex02-dianwaijingying.yaml", "z-draft.txt"]
    assert [c.case_id for c in load_cases(tmp_path)] == ["EX01", "EX02", "z-draft"]


def test_duplicate_case_ids(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "ex01-lajifenlei.yaml", tmp_path / "a.yaml")
    shutil.copy(EXAMPLES / "ex01-lajifenlei.yaml", tmp_path / "b.yaml")
    with pytest.raises(IntakeError, match=r"案件编号 EX01 与 .*a\.yaml 重复"):
        load_cases(tmp_path)


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="不是目录"):
        load_cases(tmp_path / "missing")


def test_bad_file_in_directory_names_that_file(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "ex01-lajifenlei.yaml", tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("case_id: [unclosed\n", encoding="utf-8")
    with pytest.raises(IntakeError, match=r"b\.yaml 第\d+行"):
        load_cases(tmp_path)


def test_real_decisions_directory_loads() -> None:
    cases = load_cases(REAL)
    assert len(cases) == len([p for p in REAL.glob("*.md") if p.name != "README.md"])
    assert all(c.record.notice is None for c in cases)
