"""Read what a reviewer receives: a YAML case file (record + draft) or a bare draft (.txt/.md/.docx).

Whatever goes wrong reading a file becomes an `IntakeError` whose Chinese message names the file, the line
or field, the problem and what to do — never a traceback. Unknown keys in a case file are not fatal: they
are dropped and reported as warnings, because a record written by another tool may carry more than we use.
The `expected` answer key of teaching cases is never read into the Case.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import charset_normalizer
import docx
import yaml
from docx.table import Table
from pydantic import BaseModel, Field, ValidationError

from review.draft_parser import parse_draft
from review.models import (
    Case,
    DatedStep,
    Extension,
    Frozen,
    Hearing,
    Notice,
    Officer,
    Party,
    PartyKind,
    Record,
    Statement,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
CASE_SUFFIXES = frozenset({".yaml", ".yml"})
DRAFT_SUFFIXES = frozenset({".txt", ".md", ".docx"})
# Documentation that sits beside cases in a directory, never a case.
NON_CASE_STEMS = frozenset({"README", "INDEX"})

_TOP_LEVEL_KEYS = frozenset(
    {"case_id", "title", "jurisdiction", "agency", "decision_type", "procedure", "record", "draft",
     "expected"}
)
_SUB_MODELS: dict[str, type[BaseModel]] = {
    "party": Party,
    "notice": Notice,
    "statement": Statement,
    "hearing": Hearing,
    "legal_review": DatedStep,
    "collective_discussion": DatedStep,
    "extension": Extension,
}
# 集体讨论 is "held" in case files, 法制审核 is "done"; both are DatedStep.done.
_STEP_ALIASES = {"held": "done"}

_PARTY_KIND_ALIASES: dict[str, PartyKind] = {
    "自然人": PartyKind.NATURAL_PERSON,
    "个人": PartyKind.NATURAL_PERSON,
    "公民": PartyKind.NATURAL_PERSON,
    "法人": PartyKind.LEGAL_PERSON,
    "企业法人": PartyKind.LEGAL_PERSON,
    "公司": PartyKind.LEGAL_PERSON,
    "其他组织": PartyKind.OTHER_ORG,
    "非法人组织": PartyKind.OTHER_ORG,
    "个体工商户": PartyKind.INDIVIDUAL_BUSINESS,
    "个体户": PartyKind.INDIVIDUAL_BUSINESS,
}

_FIELD_LABELS = {
    "case_id": "案件编号", "title": "案由", "jurisdiction": "地区", "agency": "行政主体",
    "decision_type": "决定类型", "procedure": "程序", "record": "案卷记录", "draft": "决定书草稿",
    "party": "当事人", "kind": "当事人类别",
    "name": "姓名/名称", "age": "年龄", "prior_violations": "既往违法次数", "violation_date": "违法行为日期",
    "discovered_date": "发现日期", "filed_date": "立案日期", "officers": "执法人员", "cert_no": "执法证号",
    "cert_valid_until": "执法证有效期", "evidence": "证据目录", "corrected": "是否改正", "harm": "危害后果",
    "notice": "事先告知", "served_date": "送达日期", "proposed_penalty": "拟处罚内容", "rights": "告知权利",
    "period_days": "陈述申辩期限", "statement": "陈述申辩", "made": "是否陈述申辩", "date": "日期",
    "summary": "陈述申辩内容", "adopted": "是否采纳", "hearing": "听证", "requested": "是否申请听证",
    "request_date": "听证申请日期", "held_date": "听证日期", "legal_review": "法制审核",
    "collective_discussion": "集体讨论", "done": "是否进行", "extension": "办案期限延长",
    "approved": "是否批准", "until": "延长至", "decision_date": "拟决定日期",
}

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n", re.DOTALL)
_JURISDICTION_RE = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区))?[\u4e00-\u9fff]{1,8}?(?:市|自治州|州|盟|县)"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:区|县|旗|市))?"
)


class IntakeError(Exception):
    """A case file or draft cannot be read. The message is in Chinese and says what to do."""

    def __init__(self, file: Path | str, problem: str, *, line: int | None = None, field: str | None = None,
                 hint: str | None = None) -> None:
        self.file = str(file)
        self.problem = problem
        self.line = line
        self.field = field
        where = self.file
        if line is not None:
            where += f" 第{line}行"
        if field is not None:
            where += f" 字段 {field}"
        message = f"无法读取案件材料：{where}：{problem}"
        if hint:
            message += f"。{hint}"
        super().__init__(message)


class IntakeResult(Frozen):
    """A case as read, with what was ignored or guessed while reading it."""

    case: Case = Field(description="The case.")
    warnings: tuple[str, ...] = Field(
        default=(), description="Unknown keys dropped, values mapped, in Chinese."
    )


# ---------------------------------------------------------------- bytes and text


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise IntakeError(path, "文件不存在", hint="请检查路径是否正确")
    if not path.is_file():
        raise IntakeError(path, "不是文件（可能是目录）", hint="请指定一个案件文件；批量读取请使用目录接口")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise IntakeError(
            path, f"文件过大（{size / 1024 / 1024:.1f} MB，上限 5 MB）",
            hint="案件文件只需包含决定书草稿和案卷要素，请删去附件、图片后重试",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IntakeError(path, f"读取失败（{exc.strerror or exc}）", hint="请检查文件权限后重试") from exc
    if not data.strip():
        raise IntakeError(path, "文件为空", hint="请提供包含决定书草稿的文件")
    return data


def _looks_binary(text: str) -> bool:
    """Too many control characters for a document: an image, archive or executable decoded by luck."""
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return controls > max(2, len(text) // 200)


def decode_text(data: bytes, file: Path | str) -> str:
    """Text of a file: UTF-8 (BOM allowed), UTF-16 with BOM, GB18030 (covers GBK/GB2312), then detection."""
    hint = "请另存为 UTF-8 编码的文本文件后重试"
    tried = "已尝试 UTF-8、GB18030"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IntakeError(file, f"无法识别文件编码（UTF-16 解码失败）：{exc.reason}", hint=hint) from exc
    elif b"\x00" in data:
        raise IntakeError(
            file, "文件含有二进制内容，不是文本文件", hint="请提供 .yaml、.txt、.md 或 .docx 文件"
        )
    else:
        text = ""
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            best = charset_normalizer.from_bytes(data).best()
            if best is None:
                raise IntakeError(file, f"无法识别文件编码（{tried}及自动检测）", hint=hint)
            text = str(best)
    if _looks_binary(text):
        raise IntakeError(file, f"文件内容不是可读文本（{tried}）", hint="请确认文件类型；" + hint)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _docx_text(path: Path) -> str:
    """Paragraphs and table cells of a .docx in document order (merged cells once)."""
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IntakeError(
            path, "无法读取 Word 文件（文件已损坏或不是 .docx 格式）",
            hint="旧版 .doc 文件请用 Word 另存为 .docx 后重试",
        ) from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise IntakeError(
            path, f"无法读取 Word 文件（{type(exc).__name__}）", hint="请用 Word 打开并另存为 .docx 后重试"
        ) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            # A merged cell is returned once per grid column it spans; keep the elements alive so that
            # identity comparison is meaningful (lxml proxies of freed elements may reuse an id()).
            seen: list[object] = []
            for row in block.rows:
                for cell in row.cells:
                    if any(cell._tc is element for element in seen):
                        continue
                    seen.append(cell._tc)
                    lines.extend(p.text for p in cell.paragraphs)
        else:
            lines.append(block.text)
    return "\n".join(lines)


# ---------------------------------------------------------------- YAML case files


class _CaseLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings: pydantic then reports a bad date by field name."""


_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(text: str, path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_CaseLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise IntakeError(
            path, f"YAML 格式错误（{exc.problem or exc.context or '无法解析'}）", line=line,
            hint="请检查该行的缩进、冒号和引号；多行草稿请使用 `draft: |` 并统一缩进",
        ) from exc
    except yaml.YAMLError as exc:
        raise IntakeError(path, f"YAML 格式错误（{exc}）", hint="请检查文件格式") from exc
    if not isinstance(data, dict):
        kind = "空文档" if data is None else type(data).__name__
        raise IntakeError(path, f"案件文件的顶层应为键值映射（case_id、record、draft …），实际为{kind}",
                          hint="请参照案件文件格式说明（cases/README.md）")
    return data


def _label(path: str) -> str:
    last = path.rsplit(".", 1)[-1]
    last = re.sub(r"\[\d+\]$", "", last)
    label = _FIELD_LABELS.get(last)
    return f"{path}（{label}）" if label else path


def _is_str_field(annotation: Any) -> bool:
    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and str in typing.get_args(annotation)


def _clean_mapping(data: Any, model: type[BaseModel], path: str, warnings: list[str],
                   aliases: Mapping[str, str] | None = None) -> Any:
    """Keep the keys `model` knows, warn about the others; numbers given for text fields become text."""
    if not isinstance(data, dict):
        return data  # pydantic reports the wrong type with the field name
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = (aliases or {}).get(str(key), str(key))
        if name not in model.model_fields:
            warnings.append(f"未识别的字段 {path}.{key} 已忽略")
            continue
        if name in out:
            warnings.append(f"字段 {path}.{key} 与 {path}.{name} 重复，以后出现者为准")
        if isinstance(value, int | float) and not isinstance(value, bool) and _is_str_field(
            model.model_fields[name].annotation
        ):
            value = str(value)
        out[name] = value
    return out


def _party_kind(value: Any, warnings: list[str]) -> Any:
    if value is None or isinstance(value, PartyKind):
        return value
    text = str(value).strip()
    if text in _PARTY_KIND_ALIASES:
        return _PARTY_KIND_ALIASES[text]
    warnings.append(
        f"record.party.kind 的取值“{text}”无法识别（应为 自然人、法人、其他组织 或 个体工商户），按未知处理"
    )
    return None


def _clean_record(data: Any, warnings: list[str]) -> Any:
    record = _clean_mapping(data, Record, "record", warnings)
    if not isinstance(record, dict):
        return record
    for key, model in _SUB_MODELS.items():
        if key in record:
            aliases = _STEP_ALIASES if model is DatedStep else None
            record[key] = _clean_mapping(record[key], model, f"record.{key}", warnings, aliases)
    party = record.get("party")
    if isinstance(party, dict) and "kind" in party:
        party["kind"] = _party_kind(party["kind"], warnings)
    notice = record.get("notice")
    if isinstance(notice, dict) and isinstance(notice.get("rights"), str):
        notice["rights"] = [r for r in re.split(r"[、，,/\s]+", notice["rights"]) if r]
    officers = record.get("officers")
    if isinstance(officers, list):
        record["officers"] = [
            _clean_mapping(o, Officer, f"record.officers[{i}]", warnings) for i, o in enumerate(officers)
        ]
    return record


_ERROR_TEXT = {
    "date_from_datetime_parsing": "不是有效日期，应写作 YYYY-MM-DD（如 2025-07-03）",
    "date_parsing": "不是有效日期，应写作 YYYY-MM-DD（如 2025-07-03）",
    "date_type": "不是有效日期，应写作 YYYY-MM-DD（如 2025-07-03）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不要带时间",
    "list_type": "应为列表（YAML 中每项以“- ”开头）",
    "tuple_type": "应为列表（YAML 中每项以“- ”开头）",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "model_attributes_type": "应为键值映射",
    "missing": "缺少必填项",
    "enum": "取值无效",
    "extra_forbidden": "不是可识别的字段",
}


def _validation_error(path: Path, exc: ValidationError) -> IntakeError:
    first = exc.errors()[0]
    loc = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in first["loc"]).replace(".[", "[")
    problem = _ERROR_TEXT.get(first["type"], "取值无效")
    value = first.get("input")
    if first["type"] != "missing" and not isinstance(value, dict | list):
        problem += f"（当前值：{value!r}）"
    more = len(exc.errors()) - 1
    if more:
        problem += f"；另有 {more} 处错误"
    hint = "请按案件文件格式说明（cases/README.md）修改该字段"
    return IntakeError(path, problem, field=_label(loc), hint=hint)


def _case_from_yaml(path: Path, text: str) -> IntakeResult:
    data = _load_yaml(text, path)
    warnings: list[str] = []
    for key in data:
        if key not in _TOP_LEVEL_KEYS:
            warnings.append(f"未识别的字段 {key} 已忽略")
    if "draft" not in data or data["draft"] is None:
        raise IntakeError(
            path, "缺少决定书草稿", field="draft", hint="请在 `draft: |` 下粘贴行政处罚决定书草稿全文"
        )
    draft_text = data["draft"]
    if not isinstance(draft_text, str):
        raise IntakeError(path, f"决定书草稿应为文本，实际为{type(draft_text).__name__}", field="draft",
                          hint="请使用 `draft: |` 并在下一行起缩进粘贴全文")
    if not draft_text.strip():
        raise IntakeError(path, "决定书草稿为空", field="draft", hint="请粘贴行政处罚决定书草稿全文")
    fields = {k: data[k] for k in ("case_id", "title", "jurisdiction", "agency", "decision_type", "procedure")
              if k in data and data[k] is not None}
    for key, value in list(fields.items()):
        if isinstance(value, int | float) and not isinstance(value, bool):
            fields[key] = str(value)
    if "case_id" not in fields:
        fields["case_id"] = path.stem
        warnings.append(f"缺少 case_id，已使用文件名 {path.stem}")
    record_data = _clean_record(data.get("record") or {}, warnings)
    try:
        case = Case.model_validate(
            {**fields, "record": record_data, "draft": parse_draft(draft_text), "source": str(path)}
        )
    except ValidationError as exc:
        raise _validation_error(path, exc) from exc
    return IntakeResult(case=case, warnings=tuple(warnings))


# ---------------------------------------------------------------- bare drafts


def _jurisdiction(agency: str | None) -> str | None:
    if not agency:
        return None
    m = _JURISDICTION_RE.match(agency)
    return m.group(0) if m and m.group(0) != agency else None


def _case_from_draft(path: Path, text: str) -> IntakeResult:
    if path.suffix.lower() == ".md":
        text = _FRONT_MATTER_RE.sub("", text, count=1)
    if not text.strip():
        raise IntakeError(path, "文件中没有正文", hint="请提供包含决定书草稿全文的文件")
    draft = parse_draft(text)
    agency = draft.agency or draft.signature_agency
    warnings = ["仅有决定书草稿，案卷记录（立案、告知、送达、执法人员等）均按未知处理，相关事项需核实"]
    case = Case(case_id=path.stem, agency=agency, jurisdiction=_jurisdiction(agency), draft=draft,
                source=str(path))
    return IntakeResult(case=case, warnings=tuple(warnings))


# ---------------------------------------------------------------- public API


def load_case_with_warnings(path: Path) -> IntakeResult:
    """Read one case file (.yaml/.yml) or bare draft (.txt/.md/.docx); IntakeError when it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CASE_SUFFIXES | DRAFT_SUFFIXES:
        hint = "旧版 .doc 文件请另存为 .docx" if suffix == ".doc" else "支持 .yaml、.yml、.txt、.md、.docx"
        raise IntakeError(path, f"不支持的文件类型“{suffix or '无扩展名'}”", hint=hint)
    data = _read_bytes(path)
    if suffix == ".docx":
        return _case_from_draft(path, _docx_text(path))
    text = decode_text(data, path)
    if suffix in CASE_SUFFIXES:
        return _case_from_yaml(path, text)
    return _case_from_draft(path, text)


def load_case(path: Path) -> Case:
    """Read one case file or bare draft; see `load_case_with_warnings`."""
    return load_case_with_warnings(path).case


def case_files(directory: Path) -> list[Path]:
    """The files of `directory` that are cases or drafts, sorted by name (README/INDEX and others skipped)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise IntakeError(directory, "目录不存在或不是目录", hint="请指定存放案件文件的目录")
    files = []
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        suffix = path.suffix.lower()
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if suffix in CASE_SUFFIXES or (suffix in DRAFT_SUFFIXES and path.stem.upper() not in NON_CASE_STEMS):
            files.append(path)
    return files


def load_cases_with_warnings(directory: Path) -> list[IntakeResult]:
    """Every case of a directory, sorted by file name.

    Raises IntakeError on the first unreadable file or on a case_id used twice.
    """
    results = [load_case_with_warnings(path) for path in case_files(directory)]
    seen: dict[str, str] = {}
    for result in results:
        case = result.case
        if case.case_id in seen:
            raise IntakeError(
                case.source or directory, f"案件编号 {case.case_id} 与 {seen[case.case_id]} 重复",
                field="case_id", hint="同一批次中每个案件的 case_id 必须唯一",
            )
        seen[case.case_id] = case.source or ""
    return results


def load_cases(directory: Path) -> list[Case]:
    """Every case of a directory, sorted by file name; see `load_cases_with_warnings`."""
    return [result.case for result in load_cases_with_warnings(directory)]


__all__ = [
    "IntakeError",
    "IntakeResult",
    "case_files",
    "decode_text",
    "load_case",
    "load_case_with_warnings",
    "load_cases",
    "load_cases_with_warnings",
]
