"""Strict loader of statute files: YAML front matter + Markdown body → `LawVersion` with its articles.

A statute file of the corpus looks like::

    ---
    title: 中华人民共和国行政处罚法
    doc_type: 法律
    effective_date: '2021-07-15'
    article_count: 86
    last_article: 第八十六条
    ...
    ---
    # 中华人民共和国行政处罚法
    （enactment history, ignored）
    ## 第五章 行政处罚的决定
    ### 第四节 听证程序
    第六十三条 行政机关拟作出下列行政处罚决定，……：
    （一）较大数额罚款；
    当事人不承担行政机关组织听证的费用。

The loader is strict on purpose: a review cites articles verbatim, so a file whose articles cannot all be
found, numbered and counted must fail loudly (with file and line) rather than load half of a law.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import cn2an
import yaml

from corpus.errors import CorpusLoadError
from corpus.models import Article, Item, LawVersion, Level, Paragraph
from corpus.numerals import cn_to_int

__all__ = [
    "SHORT_NAMES",
    "FrontMatter",
    "header_date",
    "header_str",
    "law_aliases",
    "law_key_of",
    "link_versions",
    "load_statutes",
    "parse_statute_file",
    "read_front_matter",
    "revised_text_effective",
]

# doc_type of the header → 效力层级 (《立法法》（2023年修正）第二章至第四章; 司法解释: 第一百一十九条).
DOC_TYPE_LEVELS: dict[str, Level] = {
    "法律": Level.LAW,
    "行政法规": Level.ADMIN_REGULATION,
    "地方性法规": Level.LOCAL_REGULATION,
    "部门规章": Level.RULE,
    "地方政府规章": Level.RULE,
    "规章": Level.RULE,
    "司法解释": Level.JUDICIAL_INTERPRETATION,
}

# Short names that citations in case files and decisions conventionally use, by law_key. Kept explicit
# and small: a short name must point at exactly one law (诉讼法 is left out: 行政/民事/刑事诉讼法 all
# shorten to it; so is 安生法, which is not conventional). `link_versions` rejects an alias shared by
# two laws.
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "行政处罚法": ("处罚法",),
    "行政复议法": ("复议法",),
    "行政许可法": ("许可法",),
    "行政强制法": ("强制法",),
    "行政诉讼法": ("行诉法",),
    "食品安全法": ("食安法",),
    "大气污染防治法": ("大气法",),
    "水污染防治法": ("水污染法",),
    "固体废物污染环境防治法": ("固废法",),
    "噪声污染防治法": ("噪声法",),
    "环境保护法": ("环保法",),
    "道路交通安全法": ("道交法",),
    "治安管理处罚法": ("治安处罚法",),
    "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释": ("行诉解释",),
    "最高人民法院关于行政诉讼证据若干问题的规定": ("行政诉讼证据规定",),
}

_NATIONAL_PREFIX = "中华人民共和国"
# A version parenthetical at the end of a title: （2017年修正）, （2018年版）.
_VERSION_PAREN_RE = re.compile(r"（[0-9０-９]{4}[^（）]*）$")
_PRC_IN_BOOK_TITLE_RE = re.compile(r"《中华人民共和国([^《》]+)》")

# Statute articles are numbered in Chinese numerals only: 第1条 at the start of a line is a reference in
# running text, never a label.
_CN_NUM = "零〇一二两三四五六七八九十百千"
_ARTICLE_RE = re.compile(
    rf"^第(?P<num>[{_CN_NUM}]+)条(?:之(?P<suffix>[一二三四五六七八九十]+))?[ \u3000]*(?P<rest>.*)$"
)
_ITEM_RE = re.compile(r"^[（(](?P<num>[一二三四五六七八九十百]+|[0-9０-９]+)[）)]")
_HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})[ \t\u3000]*(?P<text>.*?)\s*$")
_DIVISION_RE = re.compile(rf"^第[{_CN_NUM}]+(?P<kind>[编章节])")
_DIVISION_LEVELS = {"编": 0, "章": 1, "节": 2}
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# status of a superseded text: “已被修订：……自2026年1月1日起施行……”.
_REVISED_RE = re.compile(r"已(?:被)?(?:修订|修正|修改)")
_IN_FORCE_FROM_RE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行")


# --------------------------------------------------------------------------------------------- front matter


class _HeaderLoader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as text, so that a bad date (2020-02-30) is reported by
    `header_date` with its field and line instead of failing inside the YAML parser."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_HeaderLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


@dataclass(frozen=True)
class FrontMatter:
    """A corpus file split into its YAML header and its body, with 1-based line numbers kept."""

    file: str
    header: dict[str, object]
    field_lines: dict[str, int]
    body: list[tuple[int, str]]

    def line_of(self, key: str) -> int:
        """Line of `key:` in the header; line 1 (the opening ---) when the key is absent."""
        return self.field_lines.get(key, 1)


def read_front_matter(path: Path) -> FrontMatter:
    """Read `path` and split it into header (a YAML mapping between --- lines) and body lines."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusLoadError(file, None, f"文件不是 UTF-8 编码（{exc.reason}），请另存为 UTF-8") from exc
    except OSError as exc:
        raise CorpusLoadError(file, None, f"无法读取文件（{exc.strerror}），请检查路径和权限") from exc
    lines = [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]
    if not lines or lines[0].strip() != "---":
        raise CorpusLoadError(
            file, 1, "缺少 YAML 文件头：第一行应为 ---，其后是 title、effective_date 等字段"
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise CorpusLoadError(file, 1, "YAML 文件头没有结束行 ---，请在字段之后补上一行 ---")
    try:
        header = yaml.load("\n".join(lines[1:end]), Loader=_HeaderLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise CorpusLoadError(
            file, line, f"YAML 文件头格式错误（{problem}），请检查该行的缩进、冒号和引号"
        ) from exc
    if not isinstance(header, dict):
        raise CorpusLoadError(
            file, 2, "YAML 文件头应为“字段: 值”的映射，请按 title: …、effective_date: … 的格式填写"
        )
    field_lines: dict[str, int] = {}
    for i in range(1, end):
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:", lines[i])
        if m and m.group(1) not in field_lines:
            field_lines[m.group(1)] = i + 1
    body = [(i + 1, lines[i]) for i in range(end + 1, len(lines))]
    return FrontMatter(
        file=file, header={str(k): v for k, v in header.items()}, field_lines=field_lines, body=body
    )


def header_str(fm: FrontMatter, key: str, *, required: bool = False) -> str | None:
    """A text field of the header; None when absent or null (CorpusLoadError when required)."""
    value = fm.header.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CorpusLoadError(fm.file, fm.line_of(key), f"文件头缺少必填字段 {key}，请补充")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CorpusLoadError(
            fm.file, fm.line_of(key), f"文件头字段 {key} 应为文本，实际为 {type(value).__name__}"
        )
    return str(value).strip()


def header_date(fm: FrontMatter, key: str, *, required: bool = False) -> date | None:
    """A date field of the header, written as YYYY-MM-DD (quoted or not); None when absent or null."""
    value = fm.header.get(key)
    if value is None or value == "":
        if required:
            raise CorpusLoadError(
                fm.file, fm.line_of(key), f"文件头缺少必填日期字段 {key}，请按 'YYYY-MM-DD' 填写"
            )
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CorpusLoadError(
        fm.file,
        fm.line_of(key),
        f"文件头字段 {key} 的日期“{value}”无法识别，请按 'YYYY-MM-DD' 填写（如 '2021-07-15'）",
    )


def _required_str(fm: FrontMatter, key: str) -> str:
    value = header_str(fm, key, required=True)
    if value is None:  # unreachable: required=True raises instead
        raise CorpusLoadError(fm.file, fm.line_of(key), f"文件头缺少必填字段 {key}，请补充")
    return value


def _required_date(fm: FrontMatter, key: str) -> date:
    value = header_date(fm, key, required=True)
    if value is None:  # unreachable: required=True raises instead
        raise CorpusLoadError(
            fm.file, fm.line_of(key), f"文件头缺少必填日期字段 {key}，请按 'YYYY-MM-DD' 填写"
        )
    return value


# --------------------------------------------------------------------------------------------- names


def law_key_of(title: str) -> str:
    """中华人民共和国行政复议法（2017年修正） → 行政复议法; other titles lose only a version parenthetical."""
    return _VERSION_PAREN_RE.sub("", title.strip()).removeprefix(_NATIONAL_PREFIX)


def law_aliases(title: str) -> tuple[str, ...]:
    """Names a citation may use for the law: full title, title without version, key, short names."""
    title = title.strip()
    without_version = _VERSION_PAREN_RE.sub("", title)
    key = law_key_of(title)
    names = [title, without_version, key]
    # 《中华人民共和国行政诉讼法》 inside a judicial interpretation's title is often cited as 《行政诉讼法》.
    names.append(_PRC_IN_BOOK_TITLE_RE.sub(r"《\1》", without_version))
    names.extend(SHORT_NAMES.get(key, ()))
    return tuple(dict.fromkeys(n for n in names if n))


def revised_text_effective(status: str) -> date | None:
    """For a status like “已被修订：……自2026年1月1日起施行……”, the date the new text took effect."""
    if not _REVISED_RE.search(status):
        return None
    m = _IN_FORCE_FROM_RE.search(status)
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------- body


@dataclass
class _ArticleDraft:
    no: int
    suffix: int
    label: str
    line: int
    headings: tuple[str, ...]
    lines: list[tuple[int, str]]


def _heading_level(hashes: str, text: str) -> int:
    m = _DIVISION_RE.match(text)
    if m:
        return _DIVISION_LEVELS[m.group("kind")]
    return len(hashes) - 1  # ## → 1 (like 章), ### → 2 (like 节): headings such as “## 一、受案范围”


def _parse_number(file: str, line: int, numeral: str, what: str) -> int:
    try:
        return cn_to_int(numeral)
    except ValueError as exc:
        raise CorpusLoadError(
            file, line, f"{what}序号“{numeral}”无法识别（{exc}），请改为规范的中文数字"
        ) from exc


def _build_article(file: str, draft: _ArticleDraft) -> Article:
    body = [(n, text) for n, text in draft.lines if text.strip()]
    if not body:
        raise CorpusLoadError(file, draft.line, f"{draft.label}没有条文内容，请补全该条正文")
    paragraphs: list[tuple[list[str], list[Item]]] = []
    for n, text in body:
        m = _ITEM_RE.match(text)
        if m and paragraphs:
            no = _parse_number(file, n, m.group("num"), "项")
            paragraphs[-1][0].append(text)
            paragraphs[-1][1].append(Item(no=no, text=text))
        elif m:  # an article that opens with an item: the item starts the first paragraph
            no = _parse_number(file, n, m.group("num"), "项")
            paragraphs.append(([text], [Item(no=no, text=text)]))
        else:
            paragraphs.append(([text], []))
    return Article(
        no=draft.no,
        suffix=draft.suffix,
        label=draft.label,
        text=draft.label + " " + "\n".join(text for _, text in body),
        paragraphs=tuple(
            Paragraph(no=i, text="\n".join(lines), items=tuple(items))
            for i, (lines, items) in enumerate(paragraphs, start=1)
        ),
        headings=draft.headings,
        line=draft.line,
    )


def _parse_articles(file: str, body: list[tuple[int, str]]) -> list[Article]:
    headings: dict[int, str] = {}
    drafts: list[_ArticleDraft] = []
    current: _ArticleDraft | None = None
    seen: dict[str, int] = {}
    for n, raw in body:
        line = raw.rstrip()
        h = _HEADING_RE.match(line)
        if h:
            current = None  # a heading always ends the article before it
            if len(h.group("hashes")) == 1:
                continue  # the document title
            level = _heading_level(h.group("hashes"), h.group("text"))
            headings = {lv: t for lv, t in headings.items() if lv < level}
            headings[level] = h.group("text")
            continue
        a = _ARTICLE_RE.match(line)
        if a:
            no = _parse_number(file, n, a.group("num"), "条文")
            suffix = _parse_number(file, n, a.group("suffix"), "条文") if a.group("suffix") else 0
            label = f"第{a.group('num')}条" + (f"之{a.group('suffix')}" if a.group("suffix") else "")
            if label in seen:
                raise CorpusLoadError(
                    file, n, f"条文序号重复：{label}已在第{seen[label]}行出现，请删除或改正重复的条文"
                )
            _check_order(file, n, label, no, suffix, drafts[-1] if drafts else None)
            seen[label] = n
            current = _ArticleDraft(
                no=no,
                suffix=suffix,
                label=label,
                line=n,
                headings=tuple(headings[lv] for lv in sorted(headings)),
                lines=[(n, a.group("rest"))],
            )
            drafts.append(current)
        elif current is not None:
            current.lines.append((n, line))
        elif drafts and line.strip():
            raise CorpusLoadError(
                file, n, "这行文字不属于任何条文（位于标题之后、下一条之前），请把它并入条文或删除"
            )
        # lines before the first article (title, enactment history) belong to no article
    return [_build_article(file, d) for d in drafts]


def _cn(n: int) -> str:
    return str(cn2an.an2cn(n))


def _check_order(file: str, line: int, label: str, no: int, suffix: int, prev: _ArticleDraft | None) -> None:
    """Articles run 第一条, 第二条, … with 之一/之二 right after their base article: a gap means a line
    that should have started an article was not recognised, so it is an error rather than a silent loss."""
    if prev is None:
        ok = no == 1 and suffix == 0
        expected = "第一条"
    elif suffix == 0:
        ok = no == prev.no + 1
        expected = f"第{_cn(prev.no + 1)}条"
    else:
        ok = no == prev.no and suffix == prev.suffix + 1
        expected = f"第{_cn(prev.no)}条之{_cn(prev.suffix + 1)}"
    if not ok:
        after = f"{prev.label}（第{prev.line}行）之后" if prev else "正文第一条"
        raise CorpusLoadError(
            file,
            line,
            f"条文顺序错误：{after}应为{expected}，实际为{label}；请检查是否有条文缺失、重复或条号写错",
        )


# --------------------------------------------------------------------------------------------- files


def parse_statute_file(path: Path) -> LawVersion:
    """Parse one statute file into a `LawVersion` (`expired` only from the file's own header)."""
    fm = read_front_matter(path)
    file = fm.file
    title = _required_str(fm, "title")
    doc_type = _required_str(fm, "doc_type")
    status = _required_str(fm, "status")
    jurisdiction = _required_str(fm, "jurisdiction")
    level = DOC_TYPE_LEVELS.get(doc_type)
    if level is None:
        known = "、".join(DOC_TYPE_LEVELS)
        raise CorpusLoadError(
            file, fm.line_of("doc_type"), f"未知的 doc_type“{doc_type}”，应为以下之一：{known}"
        )
    effective = _required_date(fm, "effective_date")
    promulgated = header_date(fm, "promulgation_date")
    expired = _header_expiry(fm, status, effective)

    count = fm.header.get("article_count")
    if isinstance(count, bool) or not isinstance(count, int):
        raise CorpusLoadError(
            file, fm.line_of("article_count"), "文件头缺少或写错 article_count（应为条文总数，整数）"
        )
    last_label = _required_str(fm, "last_article")

    articles = _parse_articles(file, fm.body)
    if not articles:
        raise CorpusLoadError(file, None, "正文中没有找到任何条文（应以“第一条 ”开头的行），请检查正文格式")
    if len(articles) != count:
        raise CorpusLoadError(
            file,
            fm.line_of("article_count"),
            f"正文识别出{len(articles)}条，文件头 article_count 为{count}；"
            "请核对正文是否有条文行格式不规范，或文件头计数有误",
        )
    if articles[-1].label != last_label:
        raise CorpusLoadError(
            file,
            fm.line_of("last_article"),
            f"正文末条为{articles[-1].label}（第{articles[-1].line}行），"
            f"文件头 last_article 为{last_label}；请核对",
        )
    return LawVersion(
        law_key=law_key_of(title),
        title=title,
        aliases=law_aliases(title),
        level=level,
        doc_type=doc_type,
        jurisdiction=jurisdiction,
        issuing_body=header_str(fm, "issuing_body"),
        document_number=header_str(fm, "document_number"),
        promulgated=promulgated,
        effective=effective,
        expired=expired,
        status=status,
        version_note=header_str(fm, "version_note"),
        source_file=path.name,
        articles=tuple(articles),
    )


def _header_expiry(fm: FrontMatter, status: str, effective: date) -> date | None:
    """Last day in force as the file itself states it: header expiry_date, or the day before the revised
    text named in status took effect. Both present must agree."""
    explicit = header_date(fm, "expiry_date")
    revised = revised_text_effective(status)
    from_status = revised - timedelta(days=1) if revised else None
    if explicit and from_status and explicit != from_status:
        raise CorpusLoadError(
            fm.file,
            fm.line_of("expiry_date"),
            f"expiry_date {explicit} 与 status 所述新文本施行日（{revised}）的前一日"
            f" {from_status} 不一致，请核对",
        )
    expired = explicit or from_status
    if expired is not None and expired < effective:
        line = fm.line_of("expiry_date" if explicit else "status")
        raise CorpusLoadError(fm.file, line, f"失效日 {expired} 早于施行日 {effective}，请核对日期")
    return expired


def link_versions(versions: Iterable[LawVersion]) -> list[LawVersion]:
    """Versions sorted by (law_key, effective) with `expired` set from the versions that supersede them.

    A version is in force until the day before its successor's effective date (《立法法》（2023年修正）
    第六十一条: a law states the date it takes effect); a version whose status names a revised text not in the
    corpus expires the day before that text took effect. Successor and status must agree. Without either,
    the `expired` parsed from the file's header is kept. Also rejects two files for the same version and an
    alias shared by two different laws.
    """
    by_key: dict[str, list[LawVersion]] = defaultdict(list)
    for v in versions:
        by_key[v.law_key].append(v)
    alias_owner: dict[str, LawVersion] = {}
    linked: list[LawVersion] = []
    for key in sorted(by_key):
        group = sorted(by_key[key], key=lambda v: v.effective)
        for v in group:
            for alias in v.aliases:
                other = alias_owner.setdefault(alias, v)
                if other.law_key != v.law_key:
                    raise CorpusLoadError(
                        v.source_file,
                        None,
                        f"别名“{alias}”同时指向《{other.title}》（{other.source_file}）和《{v.title}》，"
                        "请修改 corpus/statutes.py 中的简称表 SHORT_NAMES",
                    )
        for prev, nxt in pairwise(group):
            if prev.effective == nxt.effective:
                raise CorpusLoadError(
                    nxt.source_file,
                    None,
                    f"与 {prev.source_file} 是《{key}》同一施行日（{nxt.effective}）的两个版本，"
                    "请删除其一或更正 effective_date",
                )
        for i, v in enumerate(group):
            by_successor = group[i + 1].effective - timedelta(days=1) if i + 1 < len(group) else None
            revised = revised_text_effective(v.status)
            by_status = revised - timedelta(days=1) if revised else None
            if by_successor and by_status and by_successor != by_status:
                raise CorpusLoadError(
                    v.source_file,
                    None,
                    f"status 称新文本自{revised}起施行，但语料库中下一版本（{group[i + 1].source_file}）"
                    f"自{group[i + 1].effective}起施行；请核对两文件的 status 与 effective_date",
                )
            expired = by_successor or by_status or v.expired
            linked.append(v if expired == v.expired else v.model_copy(update={"expired": expired}))
    return linked


def load_statutes(directory: Path) -> list[LawVersion]:
    """Every statute file (*.md) of `directory`, parsed and linked; the first error aborts the whole load."""
    files = sorted(directory.glob("*.md"))
    if not files:
        raise CorpusLoadError(str(directory), None, "目录中没有法规文件（*.md），请检查语料目录设置")
    return link_versions(parse_statute_file(p) for p in files)
