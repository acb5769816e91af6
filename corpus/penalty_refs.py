"""What a penalty provision penalises: the provisions named in its "违反…规定" / "有…行为" clauses.

Chinese statutes put the duty in one article and the sanction in another that names it ("违反本条例第三十五条
第一款第（一）项、第（二）项规定的，由……处……罚款"), or in the same article ("违反第三款规定的", "前款",
"本条第一款第三项"), which Beijing regulations use when duty and penalty sit in one article. The review
reads these links to check that a cited penalty article punishes the violated provision; retrieval reads
them to find the penalty article from a description of the conduct. Pure text analysis of verbatim
statute text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.citations import find_citations
from corpus.models import Article, LawVersion, Paragraph
from corpus.numerals import cn_to_int


@dataclass(frozen=True)
class ProvisionRef:
    """A provision named in statute text. `law` None = the same law as the text it was read from."""

    article: int
    suffix: int = 0
    paragraph: int | None = None
    item: int | None = None
    law: str | None = None

    def compatible(self, article: int, suffix: int, paragraph: int | None, item: int | None) -> bool:
        """True when the two can be the same provision: equal article, 款/项 equal where both give one."""
        if (self.article, self.suffix) != (article, suffix):
            return False
        if self.paragraph is not None and paragraph is not None and self.paragraph != paragraph:
            return False
        return self.item is None or item is None or self.item == item

    @property
    def label(self) -> str:
        from corpus.citations import format_citation

        return format_citation(None, self.article, self.suffix, self.paragraph, self.item)


# A number as citations write it: Arabic (full- or half-width) or Chinese numerals.
NUMBER = r"(?:[0-9０-９]+|[零〇一二两三四五六七八九十百]+)"
# A clause naming what is penalised: 违反…规定 / 有…行为 (up to 160 characters, within one sentence).
# The closing 规定 is never the 规定 of 本规定 (a law titled …规定 calls itself so: "违反本规定第九条规定的").
_VIOLATION_CLAUSE_RE = re.compile(
    r"违反(?P<body>[^。；]{0,160}?)(?:的)?(?<!本)规定"
    r"|有(?P<acts>(?:本条|前款|第|本法第|本条例第|本规定第|本办法第)[^。；]{0,80}?)(?:行为|情形)"
)
_RELATIVE_RE = re.compile(
    rf"(?P<scope>本条(?:第(?P<p1>{NUMBER})款)?|前款|第(?P<p2>{NUMBER})款)"
    rf"(?P<items>(?:[、，和及与或至到]*第?[（(]?{NUMBER}[）)]?项)*)"
)
_ITEM_NO_RE = re.compile(rf"(?P<sep>至|到)?\s*第?[（(]?(?P<n>{NUMBER})[）)]?项")
_PENALTY_WORDS_RE = re.compile(
    r"罚款|警告|没收|吊销|暂扣|停产|停业|责令关闭|予以关闭|拘留|通报批评|降低资质|限制从业|规定处理|规定处罚|予以处罚"
    r"|进行处罚|给予处罚|依法处罚"
)


def _int(text: str) -> int | None:
    try:
        return cn_to_int(text)
    except ValueError:
        return None


def _items(text: str) -> list[int]:
    out: list[int] = []
    for m in _ITEM_NO_RE.finditer(text):
        n = _int(m.group("n"))
        if n is None:
            continue
        if m.group("sep") and out and n > out[-1]:
            out.extend(range(out[-1] + 1, n + 1))
        elif n not in out:
            out.append(n)
    return out


def refs_in_clause(text: str, article: int, suffix: int, paragraph: int | None) -> list[ProvisionRef]:
    """Provisions named in one 违反…规定 / 有…行为 clause of article `article`, paragraph `paragraph`."""
    refs: list[ProvisionRef] = []
    masked = list(text)
    try:
        found = find_citations(text)
    except ValueError:
        found = []
    for ref in found:
        law = None if ref.self_reference or ref.law_name is None else ref.law_name
        refs.append(ProvisionRef(ref.article_no, ref.article_suffix, ref.paragraph, ref.item, law))
        masked[ref.start : ref.end] = "□" * (ref.end - ref.start)
    rest = "".join(masked)
    for m in _RELATIVE_RE.finditer(rest):
        scope = m.group("scope")
        if scope == "前款":
            if paragraph is None or paragraph < 2:
                continue
            para: int | None = paragraph - 1
        else:
            number = m.group("p1") or m.group("p2")
            para = _int(number) if number else None
            if number and para is None:
                continue
        items = _items(m.group("items") or "")
        if scope.startswith("本条") and para is None and items:
            para = paragraph  # 本条第三项 in a single-paragraph article
        targets: list[int | None] = [*items] or [None]
        for item in targets:
            refs.append(ProvisionRef(article, suffix, para, item))
    return refs


def penalised_in_text(text: str, article: int, suffix: int, paragraph: int | None) -> list[ProvisionRef]:
    """Every provision whose violation `text` (a paragraph or item of a penalty article) penalises."""
    out: list[ProvisionRef] = []
    for m in _VIOLATION_CLAUSE_RE.finditer(text):
        body = m.group("body") if m.group("body") is not None else m.group("acts")
        for ref in refs_in_clause(body, article, suffix, paragraph):
            if ref not in out:
                out.append(ref)
    return out


def is_penalty_text(text: str) -> bool:
    """True when the text imposes (or refers to) a penalty: 罚款, 警告, 没收, 吊销 … or 按照…规定处理."""
    return bool(_PENALTY_WORDS_RE.search(text))


def _lead_in(paragraph: Paragraph) -> str:
    """A paragraph's text before its first item."""
    if not paragraph.items:
        return paragraph.text
    cut = paragraph.text.find(paragraph.items[0].text)
    return paragraph.text[:cut] if cut > 0 else paragraph.text


def cited_unit_paragraphs(article: Article, paragraph: int | None, item: int | None) -> list[Paragraph]:
    """The paragraphs a citation covers (resolver semantics: 第X条第（Y）项 = first itemised paragraph)."""
    if paragraph is not None:
        return [article.paragraphs[paragraph - 1]] if 0 < paragraph <= len(article.paragraphs) else []
    if item is not None:
        return [p for p in article.paragraphs if p.items][:1]
    return list(article.paragraphs)


def _duty_refs(article: Article, refs: Iterable[ProvisionRef]) -> list[ProvisionRef]:
    """Drop references to the article's own penalty paragraphs: "有前款第二项…行为" points at an act described
    in a 罚则 (消防法 第六十条第二款 → 第一款 items), not at the duty violated."""
    out = []
    for r in refs:
        if r.law is None and (r.article, r.suffix) == (article.no, article.suffix):
            paras = [article.paragraphs[r.paragraph - 1]] if r.paragraph and r.paragraph <= len(
                article.paragraphs) else ([] if r.paragraph else list(article.paragraphs))
            if any(is_penalty_text(p.text) for p in paras):
                continue
        out.append(r)
    return out


def penalised_by(
    article: Article, paragraph: int | None = None, item: int | None = None
) -> list[ProvisionRef]:
    """Provisions the cited unit of a penalty article penalises; empty when its text names none
    (e.g. 违反本法规定，有下列行为之一的 — then the acts are described, not referenced)."""
    refs: list[ProvisionRef] = []
    for para in cited_unit_paragraphs(article, paragraph, item):
        if item is not None and 0 < item <= len(para.items):
            found = penalised_in_text(para.items[item - 1].text, article.no, article.suffix, para.no)
            if not found:  # 按照下列规定处罚：… the lead-in names the provision
                found = penalised_in_text(_lead_in(para), article.no, article.suffix, para.no)
        else:
            found = penalised_in_text(para.text, article.no, article.suffix, para.no)
        refs.extend(r for r in _duty_refs(article, found) if r not in refs)
    return refs


# Subunits referenced by the penalty clauses of a law version: (law_key, effective, count) → index.
_SUBUNIT_CACHE: dict[tuple[str, str, int], dict[tuple[int, int], set[tuple[int | None, int | None]]]] = {}


def penalty_reference_index(version: LawVersion) -> dict[tuple[int, int], set[tuple[int | None, int | None]]]:
    """(article, suffix) → the (款, 项) of it that the law's own penalty clauses name."""
    key = (version.law_key, version.effective.isoformat(), len(version.articles))
    cached = _SUBUNIT_CACHE.get(key)
    if cached is not None:
        return cached
    index: dict[tuple[int, int], set[tuple[int | None, int | None]]] = {}
    for art in version.articles:
        if "违反" not in art.text and "有本条" not in art.text and "有前款" not in art.text:
            continue
        for para in art.paragraphs:
            if not is_penalty_text(para.text):
                continue
            for ref in _duty_refs(art, penalised_in_text(para.text, art.no, art.suffix, para.no)):
                if ref.law is None:
                    index.setdefault((ref.article, ref.suffix), set()).add((ref.paragraph, ref.item))
    if len(_SUBUNIT_CACHE) > 256:
        _SUBUNIT_CACHE.clear()
    _SUBUNIT_CACHE[key] = index
    return index
