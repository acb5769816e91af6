"""Loader of discretion benchmark tables (行政处罚裁量基准表) kept as CSV beside a Markdown header.

A table is a pair in `<corpus>/discretion/`: `<stem>.csv` with the fixed columns of `EXPECTED_COLUMNS` and
`<stem>.md` whose YAML front matter gives jurisdiction, effective date and validity. Each CSV record is one
裁量情节 under one 裁量档次 of one matter (序号 such as 3-21) and becomes one `DiscretionRow`.

Loading is all-or-nothing: any malformed record raises `CorpusLoadError` naming the file and the CSV line
where the record starts, and no rows are returned.

Rules decided here (each documented where it is implemented):
- table_key = most specific administrative unit of the header's jurisdiction, without its 省/市/县… suffix,
  followed by the year of effective_date: 广东省江门市 + 2020-03-01 → 江门2020 (`derive_table_key`).
- valid_until is read from the header's version_note: 有效期N年 → the day before the N-th anniversary of
  effective_date; 有效期至YYYY年M月D日 → that day (`validity_end`).
- basis_citations are the citations in the heading lines of 法律依据 (the lines that name the law before
  quoting it), not references inside the quoted article text (`basis_citations`).
- fine is the first amount range of 裁量标准 that is not addressed to responsible persons (`unit_fine`).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import cn2an
import yaml

from corpus.citations import find_citations, format_citation
from corpus.errors import CorpusLoadError
from corpus.models import AmountRange, DiscretionRow
from corpus.numerals import find_amount_ranges

DISCRETION_DIR = "discretion"
JIANGMEN_2020_STEM = "江门市生态环境违法行为行政处罚自由裁量权裁量标准参照表_2020"
JIANGMEN_2020_KEY = "江门2020"
EXPECTED_COLUMNS: tuple[str, ...] = (
    "法律法规",
    "序号",
    "违法行为",
    "法律依据",
    "裁量档次",
    "裁量情节",
    "裁量标准",
    "备注",
)

_ITEM_NO = re.compile(r"[1-9]\d*-[1-9]\d*")
_TIER = re.compile(r"[1-9]\d*")


@dataclass(frozen=True)
class TableHeader:
    """What the companion .md header tells about a table."""

    source_file: str
    title: str
    jurisdiction: str
    table_key: str
    valid_from: date | None
    valid_until: date | None
    declared_rows: int | None
    declared_items: int | None


# --------------------------------------------------------------------------------------------- header


def _front_matter(path: Path, label: str) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem = f"无法以 UTF-8 读取文件头（{exc}），请确认文件存在且为 UTF-8 编码"
        raise CorpusLoadError(label, None, problem) from exc
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise CorpusLoadError(label, 1, "缺少 YAML 文件头：第一行应为 ---")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusLoadError(label, 1, "YAML 文件头没有以 --- 结束") from None
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise CorpusLoadError(label, line, f"YAML 文件头格式错误（{exc}）") from exc
    if not isinstance(data, dict):
        raise CorpusLoadError(label, 2, "YAML 文件头应为“字段: 值”的映射")
    return {str(k): v for k, v in data.items()}


def _header_date(value: object, label: str, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise CorpusLoadError(label, None, f"文件头字段 {field} 的值“{value}”不是 YYYY-MM-DD 日期") from None


def _header_int(value: object, label: str, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise CorpusLoadError(label, None, f"文件头字段 {field} 的值“{value}”不是整数")


_VALID_YEARS = re.compile(r"有效期(?:为)?([0-9０-９零〇一二两三四五六七八九十]+)年")
_VALID_TO = re.compile(r"有效期(?:至|到)(\d{4})年(\d{1,2})月(\d{1,2})日")


def validity_end(effective: date | None, version_note: str | None) -> date | None:
    """Last day a table applies, read from its version_note; None when the note states no validity.

    有效期N年 (N in Chinese or Arabic numerals, read with cn2an) counts from the day the table takes effect,
    that day included, so it ends the day before the N-th anniversary: 2020-03-01 + 有效期三年 → 2023-02-28.
    This is the drafting convention of 规范性文件 that state “自X起施行，有效期N年” (they spell the same
    period out as “有效期至2023年2月28日”), which is also accepted verbatim.
    """
    if not version_note:
        return None
    explicit = _VALID_TO.search(version_note)
    if explicit:
        return date(int(explicit.group(1)), int(explicit.group(2)), int(explicit.group(3)))
    years = _VALID_YEARS.search(version_note)
    if years is None or effective is None:
        return None
    n = int(cn2an.cn2an(years.group(1), "smart"))
    try:
        anniversary = effective.replace(year=effective.year + n)
    except ValueError:  # effective on 29 February, anniversary year not leap: the period runs through 28 Feb
        anniversary = date(effective.year + n, 3, 1)
    return anniversary - timedelta(days=1)


_ADMIN_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|地区|省|市|州|盟|县|旗|区)")
_ADMIN_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "旗",
    "区",
)


def derive_table_key(jurisdiction: str, effective: date | None, file_stem: str) -> str | None:
    """table_key = most specific administrative unit of `jurisdiction` without its suffix, plus the year.

    广东省江门市 → units 广东省 / 江门市 → 江门; year from effective_date, else from a `_YYYY` at the end
    of the file name: 江门2020. Returns None when no year can be found.
    """
    units = _ADMIN_UNIT.findall(jurisdiction.strip())
    place = units[-1] if units else jurisdiction.strip()
    for suffix in _ADMIN_SUFFIXES:
        if place.endswith(suffix) and len(place) > len(suffix):
            place = place[: -len(suffix)]
            break
    if effective is not None:
        year: int | None = effective.year
    else:
        match = re.search(r"_(\d{4})$", file_stem)
        year = int(match.group(1)) if match else None
    return f"{place}{year}" if year is not None else None


def read_table_header(md_path: Path, label: str | None = None) -> TableHeader:
    """Parse the YAML header of a table's companion .md file."""
    label = label or md_path.name
    data = _front_matter(md_path, label)
    jurisdiction = data.get("jurisdiction")
    if not isinstance(jurisdiction, str) or not jurisdiction.strip():
        raise CorpusLoadError(label, None, "文件头缺少 jurisdiction（适用地域，如 广东省江门市），请补充")
    effective = _header_date(data.get("effective_date"), label, "effective_date")
    note = data.get("version_note")
    key = derive_table_key(jurisdiction, effective, md_path.stem)
    if key is None:
        raise CorpusLoadError(
            label, None, "无法确定裁量表的年份：请在文件头填写 effective_date，或在文件名末尾加 _YYYY"
        )
    return TableHeader(
        source_file=label,
        title=str(data.get("title") or md_path.stem),
        jurisdiction=jurisdiction.strip(),
        table_key=key,
        valid_from=effective,
        valid_until=validity_end(effective, note if isinstance(note, str) else None),
        declared_rows=_header_int(data.get("rows"), label, "rows"),
        declared_items=_header_int(data.get("violation_items"), label, "violation_items"),
    )


# --------------------------------------------------------------------------------------- citations

_ENUM_PREFIX = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)[、.．]\s*")
# Edition notes between law name and article, e.g. 《…》（2018年修订）第…条: they date the text, not cite it.
_EDITION_NOTE = re.compile(r"（\d{4}年[^（）]{0,10}）")
_HEADING_END = re.compile(r"[：:\u3000]")
# A heading whose opening 《 was lost in the source: 中华人民共和国放射性污染防治法》第五十五条…
_MISSING_OPEN = re.compile(r"^[^《》\s：:，。；、]{2,60}》")
_TITLE_IN_GROUP = re.compile(r"《([^《》]+)》")


def group_laws(law_group: str) -> list[str]:
    """Law titles named in the 法律法规 column.

    一、《中华人民共和国环境影响评价法》 → ['中华人民共和国环境影响评价法'].
    """
    return _TITLE_IN_GROUP.findall(law_group)


def _heading_segments(legal_basis: str) -> Iterator[str]:
    """The citing part of each heading line of 法律依据 (before the ： that introduces the quoted text).

    The column names the provision and then quotes it; lines of the quote never start with 《, while
    headings do (after an optional 1、 enumerator). References inside the quote (本法第二十四条, 前款…)
    are context, not the basis, so only headings are searched.
    """
    for raw in legal_basis.splitlines():
        line = _ENUM_PREFIX.sub("", raw, count=1)
        if not line.startswith("《"):
            if not _MISSING_OPEN.match(line):
                continue
            line = "《" + line
        end = _HEADING_END.search(line)
        yield _EDITION_NOTE.sub("", line[: end.start()] if end else line)


def _repair_law_name(name: str, laws: list[str]) -> str:
    """Undo a stray character typed after a group law's title (source: 《…固体废物污染环境防治法五》)."""
    if name in laws:
        return name
    for law in laws:
        if name.startswith(law) and len(name) - len(law) <= 2:
            return law
    return name


def basis_citations(legal_basis: str, law_group: str) -> tuple[str, ...]:
    """Normalised citations of the provisions a row rests on, in order, without duplicates.

    A citation without a law name (or citing 本法/本条例) belongs to the first law of the 法律法规 column.
    """
    laws = group_laws(law_group)
    default_law = laws[0] if laws else None
    out: list[str] = []
    for segment in _heading_segments(legal_basis):
        for ref in find_citations(segment):
            law = ref.law_name if ref.law_name and not ref.self_reference else default_law
            if law is None:
                continue
            cited = format_citation(
                _repair_law_name(law, laws), ref.article_no, ref.article_suffix, ref.paragraph, ref.item
            )
            if cited not in out:
                out.append(cited)
    return tuple(out)


# ------------------------------------------------------------------------------------------- fines

# 双罚制: statutes fine the unit and, separately, its responsible persons (e.g.
# 《中华人民共和国环境影响评价法》第三十二条第一款). The table writes the persons' fine after
# “对…主管人员/责任人员/法定代表人/主要负责人”.
_RESPONSIBLE_PERSONS = ("主管人员", "责任人员", "法定代表人", "主要负责人")


def unit_fine(standard: str) -> AmountRange | None:
    """The fine on the party itself: the first range whose lead-in does not address responsible persons.

    The lead-in of a range is the text between the previous range (or the start) and the range.
    """
    cursor = 0
    for amount in find_amount_ranges(standard):
        start = standard.find(amount.text, cursor) if amount.text else -1
        lead_in = standard[cursor:start] if start >= 0 else ""
        if start >= 0:
            cursor = start + len(amount.text)
        if not any(marker in lead_in + (amount.base or "") for marker in _RESPONSIBLE_PERSONS):
            return amount
    return None


# --------------------------------------------------------------------------------------------- CSV


def _records(path: Path, label: str) -> Iterator[tuple[int, list[str]]]:
    """(start line, cells) of each CSV record; the header record included."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CorpusLoadError(label, None, f"无法打开文件（{exc}）") from exc
    with handle:
        # strict: an unbalanced quote is an error, not a cell that silently swallows the rest of the file
        reader = csv.reader(handle, strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CorpusLoadError(label, start, f"CSV 格式错误（{exc}），请检查引号是否成对") from exc
            except UnicodeDecodeError as exc:
                raise CorpusLoadError(label, start, "文件不是 UTF-8 编码，请另存为 UTF-8") from exc
            yield start, cells
            start = reader.line_num + 1


def load_discretion_csv(csv_path: Path, header: TableHeader, label: str | None = None) -> list[DiscretionRow]:
    """Rows of one table CSV; raises `CorpusLoadError` (file, line) on the first malformed record."""
    label = label or csv_path.name
    records = _records(csv_path, label)
    first = next(records, None)
    if first is None:
        raise CorpusLoadError(label, 1, "文件为空，缺少表头")
    if tuple(c.strip() for c in first[1]) != EXPECTED_COLUMNS:
        raise CorpusLoadError(
            label,
            1,
            f"表头应为“{','.join(EXPECTED_COLUMNS)}”，实际为“{','.join(first[1])}”，请按此列顺序修正表头",
        )
    parsed: list[tuple[int, int, list[str], str, int | None]] = []
    for record_no, (line, cells) in enumerate(records, start=2):
        if not cells:  # a blank line carries no record
            continue
        if len(cells) != len(EXPECTED_COLUMNS):
            raise CorpusLoadError(
                label, line, f"应有 {len(EXPECTED_COLUMNS)} 列，实际 {len(cells)} 列，请检查逗号与引号"
            )
        item_no = cells[1].strip()
        if not _ITEM_NO.fullmatch(item_no):
            raise CorpusLoadError(label, line, f"字段“序号”的值“{cells[1]}”不是“类别-序号”格式（如 3-21）")
        tier_text = cells[4].strip()
        if tier_text and not _TIER.fullmatch(tier_text):
            raise CorpusLoadError(label, line, f"字段“裁量档次”的值“{cells[4]}”应为正整数或留空")
        parsed.append((record_no, line, cells, item_no, int(tier_text) if tier_text else None))

    items = {p[3] for p in parsed}
    if header.declared_rows is not None and header.declared_rows != len(parsed):
        raise CorpusLoadError(
            header.source_file,
            None,
            f"文件头声明 rows: {header.declared_rows}，但 {label} 有 {len(parsed)} 行，请核对",
        )
    if header.declared_items is not None and header.declared_items != len(items):
        raise CorpusLoadError(
            header.source_file,
            None,
            f"文件头声明 violation_items: {header.declared_items}，但 {label} 有 {len(items)} 个序号，请核对",
        )

    # Merged cells of the original sheet were expanded, so a matter's basis can be split over rows and some
    # rows carry only a fragment of the article (逾期不拆除的…). Those rows rest on the matter's citations.
    citations = [basis_citations(cells[3], cells[0]) for _, _, cells, _, _ in parsed]
    item_citations: dict[str, tuple[str, ...]] = {}
    for (_, _, _, item_no, _), cited in zip(parsed, citations, strict=True):
        if cited and item_no not in item_citations:
            item_citations[item_no] = cited

    counters: dict[tuple[str, int | None], int] = defaultdict(int)
    rows: list[DiscretionRow] = []
    for (record_no, _, cells, item_no, tier), cited in zip(parsed, citations, strict=True):
        counters[item_no, tier] += 1
        rows.append(
            DiscretionRow(
                table_key=header.table_key,
                row_id=f"{item_no}.t{tier or 0}.r{counters[item_no, tier]}",
                law_group=cells[0],
                item_no=item_no,
                matter=cells[2],
                legal_basis=cells[3],
                basis_citations=cited or item_citations.get(item_no, ()),
                tier=tier,
                circumstance=cells[5],
                standard=cells[6],
                fine=unit_fine(cells[6]),
                remark=cells[7],
                valid_from=header.valid_from,
                valid_until=header.valid_until,
                line=record_no,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------- loaders


def _load_pair(csv_path: Path) -> list[DiscretionRow]:
    csv_label = f"{DISCRETION_DIR}/{csv_path.name}"
    md_path = csv_path.with_suffix(".md")
    md_label = f"{DISCRETION_DIR}/{md_path.name}"
    if not md_path.is_file():
        raise CorpusLoadError(
            csv_label, None, f"缺少同名文件头 {md_label}（需含 jurisdiction、effective_date），请补充后重试"
        )
    header = read_table_header(md_path, md_label)
    return load_discretion_csv(csv_path, header, csv_label)


def load_discretion_tables(corpus_dir: Path) -> list[DiscretionRow]:
    """Rows of every `discretion/*.csv` table (each needs its same-named .md header), in file-name order."""
    rows: list[DiscretionRow] = []
    owner: dict[str, str] = {}
    for csv_path in sorted((corpus_dir / DISCRETION_DIR).glob("*.csv")):
        table = _load_pair(csv_path)
        key = table[0].table_key if table else None
        if key is not None:
            if key in owner:
                raise CorpusLoadError(
                    f"{DISCRETION_DIR}/{csv_path.name}",
                    None,
                    f"裁量表键 {key} 与 {owner[key]} 重复（同一地域同一年份），"
                    "请在文件头区分 jurisdiction 或 effective_date",
                )
            owner[key] = csv_path.name
        rows.extend(table)
    return rows


def load_jiangmen_table(corpus_dir: Path) -> list[DiscretionRow]:
    """The 江门市 2020 table (table_key 江门2020)."""
    csv_path = corpus_dir / DISCRETION_DIR / f"{JIANGMEN_2020_STEM}.csv"
    if not csv_path.is_file():
        raise CorpusLoadError(f"{DISCRETION_DIR}/{csv_path.name}", None, "文件不存在，请检查语料目录")
    rows = _load_pair(csv_path)
    if rows and rows[0].table_key != JIANGMEN_2020_KEY:
        raise CorpusLoadError(
            f"{DISCRETION_DIR}/{JIANGMEN_2020_STEM}.md",
            None,
            f"文件头得出的裁量表键为 {rows[0].table_key}，应为 {JIANGMEN_2020_KEY}，"
            "请核对 jurisdiction 与 effective_date",
        )
    return rows


# ---------------------------------------------------------------------------------------- helpers


def _law_core(name: str) -> str:
    """Comparable form of a law name: no 《》, no trailing edition note, no 中华人民共和国 prefix."""
    core = name.strip().strip("《》")
    core = re.sub(r"（[^（）]*）$", "", core)
    return core.removeprefix("中华人民共和国")


@lru_cache(maxsize=4096)
def _parsed_citation(cited: str) -> tuple[tuple[str, int, int, int | None], ...]:
    return tuple(
        (_law_core(ref.law_name), ref.article_no, ref.article_suffix, ref.paragraph)
        for ref in find_citations(cited)
        if ref.law_name
    )


def rows_for_citation(
    rows: Iterable[DiscretionRow],
    law_title_or_key: str,
    article_no: int,
    paragraph: int | None = None,
    suffix: int = 0,
) -> list[DiscretionRow]:
    """Rows whose basis cites that article of that law (title, short key or 《title》 all match).

    With `paragraph`, a basis citing another paragraph is left out, but one that names no paragraph
    (the whole article, or an item of an unnumbered paragraph such as 第一百一十七条第（二）项) is kept,
    since it may be the paragraph asked for.
    """
    law = _law_core(law_title_or_key)
    found: list[DiscretionRow] = []
    for row in rows:
        for cited in row.basis_citations:
            if any(
                name == law
                and no == article_no
                and suf == suffix
                and (paragraph is None or para in (None, paragraph))
                for name, no, suf, para in _parsed_citation(cited)
            ):
                found.append(row)
                break
    return found


def tiers_for_item(rows: Iterable[DiscretionRow], item_no: str) -> dict[int, list[DiscretionRow]]:
    """Rows of one matter grouped by tier, tiers ascending; rows without a tier are under key 0."""
    grouped: dict[int, list[DiscretionRow]] = defaultdict(list)
    for row in rows:
        if row.item_no == item_no:
            grouped[row.tier or 0].append(row)
    return {tier: grouped[tier] for tier in sorted(grouped)}
