"""Loader of policy-like documents: 实施方案/意见 (policy/*.md) and the searchable discretion documents.

Such documents have no article structure that a review cites by number, so they are split by their own
numbering into `PolicySection`s:

* 附件N lines start an attachment and restart the numbering (附件3 of a 实施方案 is a 规定 of its own);
* 第X编/章/节 are fixed outer levels;
* 一、 （一） 1. （1） and 第X条 nest in whatever order the document uses them: a numbering style seen
  again closes everything opened after it, a new style opens a level below the current one.

Every numbered line starts a section that runs until the next numbered line of any level, so sections
never overlap and, together, hold every content line of the body exactly once; `number_path` keeps the
enclosing numbers. Sections longer than `MAX_SECTION_CHARS` are cut at line boundaries into consecutive
chunks (`#2`, `#3` … appended to the number path). Navigation junk of web pages and PDF page markers are
dropped; a table of contents (目录) stays in the section it belongs to instead of opening sections of
its own, so that its entries do not compete with the real headings in search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corpus.errors import CorpusLoadError
from corpus.models import PolicyDocument, PolicySection
from corpus.statutes import FrontMatter, header_date, header_str, read_front_matter

__all__ = [
    "JURISDICTION_HINTS",
    "MAX_SECTION_CHARS",
    "content_lines",
    "load_policies",
    "parse_policy_file",
    "policy_files",
    "split_sections",
]

MAX_SECTION_CHARS = 1500

# Region of a seed document whose header names none, inferred from its issuer or title. The corpus only
# holds these local documents; a short district name alone is ambiguous nationwide (there is a 朝阳区
# in 长春 too), so the table is explicit rather than a guess from any “…区”.
JURISDICTION_HINTS: tuple[tuple[str, str], ...] = (
    ("朝阳区", "北京市朝阳区"),
    ("大兴区", "北京市大兴区"),
    ("新郑市", "河南省新郑市"),
    ("长寿区", "重庆市长寿区"),
)

# Lines of saved web pages and PDF extractions that are not part of the document.
_JUNK_ANYWHERE = (
    re.compile(r"首页\s*>"),  # breadcrumb: 首页>>政务公开>>政策文件
    re.compile(r"^\s*\d+\.\s*\[[^\]]*\]\s*-*\s*$"),  # empty metadata field: 1. [主题分类] ----
    re.compile(r"打印页面|关闭页面|打印本页|关闭窗口"),  # page chrome next to the publication date
    re.compile(r"^\s*<!--.*-->\s*$"),  # page markers of the PDF extraction: <!-- page 3 -->
    re.compile(r"^\s*<https?://[^>\s]+>\s*$"),  # bare link back to the source page
)
# Only in the page head, before the document itself starts: metadata bullets and the close button.
_JUNK_HEAD = (
    re.compile(r"^\s*[•·]\s"),
    re.compile(r"^\s*[×✕]\s*$"),
)

_CN_NUM = "零〇一二两三四五六七八九十百千0-9０-９"
_ATTACHMENT_RE = re.compile(r"^附件\s*([0-9０-９]+|[一二三四五六七八九十]+)?\s*$")
_DIVISION_RE = re.compile(rf"^第[{_CN_NUM}]+([编章节])")
_ARTICLE_RE = re.compile(rf"^第[{_CN_NUM}]+条(?:之[一二三四五六七八九十]+)?")
_CN_DUN_RE = re.compile(r"^[一二三四五六七八九十百]+、")
_CN_PAREN_RE = re.compile(r"^[（(]([一二三四五六七八九十百]+)[）)]")
_ARABIC_RE = re.compile(r"^[0-9０-９]{1,3}[.、．](?![0-9０-９])")
_ARABIC_PAREN_RE = re.compile(r"^[（(]([0-9０-９]{1,3})[）)]")
# Outer levels with a fixed place; every other style nests by order of appearance.
_FIXED_RANKS = {"attachment": 0, "编": 1, "章": 2, "节": 3}

_TOC_START_RE = re.compile(r"^目\s*录$")
# A table-of-contents entry ends with its page number, usually after a dot leader: ……….12
_TOC_ENTRY_END_RE = re.compile(r"(?:\.{3,}|…+|·{3,})?\s*[0-9]{1,4}$")

# Blanks before a number: any Unicode space, zero-width marks, and private-use glyphs that web fonts of
# the seed pages left in front of 一、 (U+E004 in the 新郑 page).
_LEADING_BLANKS_RE = re.compile(r"^[\s\u200b-\u200f\ufeff\ue000-\uf8ff]+")


# --------------------------------------------------------------------------------------------- files


def policy_files(corpus_dir: Path) -> list[Path]:
    """policy/*.md except README.md, and discretion/*.md except the readable twin (.md beside a .csv) of
    a benchmark table, whose rows `corpus.discretion` parses from the CSV."""
    files = [p for p in sorted((corpus_dir / "policy").glob("*.md")) if p.name.lower() != "readme.md"]
    files += [
        p
        for p in sorted((corpus_dir / "discretion").glob("*.md"))
        if not p.with_suffix(".csv").exists() and p.name.lower() != "readme.md"
    ]
    return files


def load_policies(corpus_dir: Path) -> list[PolicyDocument]:
    """Every policy-like document of the corpus (see `policy_files`); the first error aborts the load."""
    return [parse_policy_file(p, corpus_dir) for p in policy_files(corpus_dir)]


def parse_policy_file(path: Path, corpus_dir: Path) -> PolicyDocument:
    """One policy or discretion document: header fields of either kind, body split into sections."""
    fm = read_front_matter(path)
    try:
        source_file = path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError as exc:
        raise CorpusLoadError(
            fm.file, None, f"文件不在语料目录 {corpus_dir} 之内，请把它放入 policy/ 或 discretion/"
        ) from exc
    title = header_str(fm, "title", required=True) or ""
    issuer = header_str(fm, "issuer") or header_str(fm, "issuing_body")
    sections = split_sections(content_lines(fm.body))
    if not sections:
        raise CorpusLoadError(fm.file, None, "正文为空（文件头之后没有任何文字），请补充正文或删除该文件")
    return PolicyDocument(
        doc_key=path.stem,
        title=title,
        issuer=issuer,
        doc_no=header_str(fm, "doc_no") or header_str(fm, "document_number"),
        promulgated=_policy_date(fm, "promulgated", "promulgation_date"),
        effective=_policy_date(fm, "effective", "effective_date"),
        jurisdiction=header_str(fm, "jurisdiction") or _infer_jurisdiction(issuer, title),
        source_file=source_file,
        sections=tuple(sections),
    )


def _policy_date(fm: FrontMatter, *keys: str) -> date | None:
    """First of `keys` present. A bare year (`promulgated: 2024`) is a known-imprecise date: None rather
    than an invented 1 January."""
    for key in keys:
        value = fm.header.get(key)
        if value is None:
            continue
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
            return None
        return header_date(fm, key)
    return None


def _infer_jurisdiction(issuer: str | None, title: str) -> str | None:
    for text in (issuer or "", title):
        for marker, region in JURISDICTION_HINTS:
            if marker in text:
                return region
    return None


# --------------------------------------------------------------------------------------------- body


def content_lines(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Body lines that belong to the document: non-blank, not navigation junk; trailing blanks stripped."""
    kept: list[tuple[int, str]] = []
    for n, raw in body:
        line = raw.rstrip()
        if not line.strip() or any(p.search(line) for p in _JUNK_ANYWHERE):
            continue
        if not kept and any(p.search(line) for p in _JUNK_HEAD):
            continue
        kept.append((n, line))
    return kept


@dataclass(frozen=True)
class _Number:
    style: str
    label: str


def _numbering(line: str) -> _Number | None:
    """The numbering a line starts with, if any: its style and its label as shown in number paths."""
    text = _LEADING_BLANKS_RE.sub("", line)
    if m := _ATTACHMENT_RE.match(text):
        return _Number("attachment", "附件" + unicodedata.normalize("NFKC", m.group(1) or ""))
    if m := _DIVISION_RE.match(text):
        return _Number(m.group(1), m.group(0))
    if m := _ARTICLE_RE.match(text):
        return _Number("article", m.group(0))
    if m := _CN_DUN_RE.match(text):
        return _Number("cn_dun", m.group(0))
    if m := _CN_PAREN_RE.match(text):
        return _Number("cn_paren", f"（{m.group(1)}）")
    if m := _ARABIC_PAREN_RE.match(text):
        return _Number("arabic_paren", f"（{m.group(1)}）")
    if m := _ARABIC_RE.match(text):
        return _Number("arabic", m.group(0))
    return None


def _enter(stack: list[_Number], number: _Number) -> list[_Number]:
    rank = _FIXED_RANKS.get(number.style)
    if rank is not None:
        kept = [e for e in stack if _FIXED_RANKS.get(e.style, len(_FIXED_RANKS)) < rank]
    else:
        same = next((i for i, e in enumerate(stack) if e.style == number.style), None)
        kept = stack[:same] if same is not None else stack
    return [*kept, number]


def _toc_starts(lines: list[tuple[int, str]], numbers: list[_Number | None]) -> set[int]:
    """Indexes of numbered lines inside a table of contents (目录): they must not open sections.

    The table runs from a 目录 line while every numbered entry (its line plus continuation lines up to
    the next numbered line) ends with a page number; the first entry that does not is the real text."""
    inside: set[int] = set()
    in_toc = False
    for i, (_, line) in enumerate(lines):
        text = _LEADING_BLANKS_RE.sub("", line).strip()
        if _TOC_START_RE.match(text):
            in_toc = True
            continue
        if not in_toc or numbers[i] is None:
            continue
        j = i + 1
        while j < len(lines) and numbers[j] is None:
            j += 1
        if _TOC_ENTRY_END_RE.search(lines[j - 1][1].strip()):
            inside.add(i)
        else:
            in_toc = False
    return inside


def split_sections(lines: list[tuple[int, str]], limit: int = MAX_SECTION_CHARS) -> list[PolicySection]:
    """Sections of the content lines (see module doc); each at most `limit` characters."""
    numbers = [_numbering(text) for _, text in lines]
    toc = _toc_starts(lines, numbers)
    raw: list[tuple[tuple[str, ...], list[tuple[int, str]]]] = []
    stack: list[_Number] = []
    for i, (n, text) in enumerate(lines):
        number = numbers[i]
        if number is not None and i not in toc:
            stack = _enter(stack, number)
            raw.append((tuple(e.label for e in stack), [(n, text)]))
        elif raw:
            raw[-1][1].append((n, text))
        else:  # text before the first numbered line: title, addressees, preamble
            raw.append(((), [(n, text)]))
    sections: list[PolicySection] = []
    for path, section_lines in raw:
        for k, chunk in enumerate(_chunks(section_lines, limit), start=1):
            sections.append(
                PolicySection(
                    number_path=path if k == 1 else (*path, f"#{k}"),
                    heading=_LEADING_BLANKS_RE.sub("", chunk[0][1]),
                    text="\n".join(text for _, text in chunk),
                    line=chunk[0][0],
                )
            )
    return sections


def _chunks(lines: list[tuple[int, str]], limit: int) -> list[list[tuple[int, str]]]:
    """Consecutive runs of lines, each joined text at most `limit` characters; a single longer line is
    cut into pieces of `limit` characters (keeping its line number)."""
    chunks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    size = 0
    for n, text in lines:
        pieces = [text[i : i + limit] for i in range(0, len(text), limit)] or [text]
        for piece in pieces:
            added = len(piece) + (1 if current else 0)
            if current and size + added > limit:
                chunks.append(current)
                current, size, added = [], 0, len(piece)
            current.append((n, piece))
            size += added
    if current:
        chunks.append(current)
    return chunks
