"""Domain models of the legal corpus: versions of laws, their articles, policy sections, discretion rows.

Every model is frozen and forbids unknown fields, so a unit read from the store is exactly what the
loader produced. Unit ids are stable strings (see `unit_id` helpers below) so that retrieval hits,
citations in findings and evaluation gold labels all point at the same thing.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base of every corpus model: immutable, strict about fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(StrEnum):
    """效力层级 of a normative document."""

    LAW = "法律"
    ADMIN_REGULATION = "行政法规"
    LOCAL_REGULATION = "地方性法规"
    RULE = "规章"
    JUDICIAL_INTERPRETATION = "司法解释"
    NORMATIVE_DOCUMENT = "规范性文件"


class DocKind(StrEnum):
    """Which part of the corpus a searchable unit comes from."""

    STATUTE = "statute"
    POLICY = "policy"
    DISCRETION = "discretion"


class Item(Frozen):
    """项: an enumerated item （一）（二）… inside a paragraph."""

    no: int = Field(description="Item number, 1-based: （一） → 1.")
    text: str = Field(description="Verbatim text of the item including its （一） marker.")


class Paragraph(Frozen):
    """款: a paragraph of an article."""

    no: int = Field(description="Paragraph number within the article, 1-based.")
    text: str = Field(description="Verbatim text of the paragraph, items included, lines joined by \\n.")
    items: tuple[Item, ...] = Field(default=(), description="Items （一）（二）… of this paragraph.")


class Article(Frozen):
    """条: one article of one version of a law."""

    no: int = Field(description="Article number as integer: 第一百零三条 → 103.")
    suffix: int = Field(default=0, description="之N suffix: 第二十条之一 → 1; 0 when absent.")
    label: str = Field(description="Article label as written, e.g. 第六十三条 or 第二十条之一.")
    text: str = Field(description="Verbatim text of the whole article, label included.")
    paragraphs: tuple[Paragraph, ...] = Field(description="Paragraphs (款) in order; at least one.")
    headings: tuple[str, ...] = Field(
        default=(), description="Enclosing 编/章/节 headings, outermost first, e.g. ('第五章 行政处罚的决定',)."
    )
    line: int = Field(description="1-based line number of the article label in the source file.")


class LawVersion(Frozen):
    """One version of one law (statute, regulation, rule or judicial interpretation)."""

    law_key: str = Field(description="Stable short key of the law across versions, e.g. 行政处罚法.")
    title: str = Field(description="Full official title, e.g. 中华人民共和国行政处罚法.")
    aliases: tuple[str, ...] = Field(description="Other names citations use: short title, common abbreviations.")
    level: Level = Field(description="效力层级.")
    doc_type: str = Field(description="doc_type as given in the file header.")
    jurisdiction: str = Field(description="全国 or the region, e.g. 北京市.")
    issuing_body: str | None = Field(default=None, description="制定机关.")
    document_number: str | None = Field(default=None, description="公布令/文号, when given.")
    promulgated: date | None = Field(default=None, description="公布日期.")
    effective: date = Field(description="施行日期 of this version; versions of one law are told apart by it.")
    expired: date | None = Field(
        default=None, description="Last day this version was in force; None while still in force."
    )
    status: str = Field(description="status text of the file header, verbatim.")
    version_note: str | None = Field(default=None, description="version_note of the header, verbatim.")
    source_file: str = Field(description="File name inside corpus/statutes/.")
    articles: tuple[Article, ...] = Field(description="All articles in order.")

    @property
    def version_id(self) -> str:
        """`law_key@effective`, e.g. 行政复议法@2024-01-01."""
        return f"{self.law_key}@{self.effective.isoformat()}"

    def in_force_on(self, day: date) -> bool:
        """True when `day` falls within [effective, expired]."""
        return self.effective <= day and (self.expired is None or day <= self.expired)


class PolicySection(Frozen):
    """A section of a policy document, split by its own numbering (一、 （一） 1. 第X条)."""

    number_path: tuple[str, ...] = Field(description="Numbering from the outermost level, e.g. ('三、', '（二）').")
    heading: str = Field(description="First line of the section (its heading or opening sentence).")
    text: str = Field(description="Verbatim text of the section.")
    line: int = Field(description="1-based line of the section start in the source file.")


class PolicyDocument(Frozen):
    """A policy document (实施方案, 意见 …) of the corpus."""

    doc_key: str = Field(description="Stable key derived from the file name.")
    title: str = Field(description="Title from the header.")
    issuer: str | None = Field(default=None, description="发文机关.")
    doc_no: str | None = Field(default=None, description="发文字号, e.g. 朝政办发〔2019〕8号.")
    promulgated: date | None = Field(default=None, description="成文/印发日期.")
    effective: date | None = Field(default=None, description="施行日期.")
    jurisdiction: str | None = Field(default=None, description="Region the document applies to, when known.")
    source_file: str = Field(description="Path relative to the corpus directory.")
    sections: tuple[PolicySection, ...] = Field(description="Sections in document order.")


class AmountRange(Frozen):
    """A fine range parsed from text: absolute yuan, or a multiple/percentage of a base amount."""

    unit: str = Field(description="'yuan' for absolute amounts, 'multiple' for 倍, 'percent' for 百分之.")
    low: float | None = Field(description="Lower bound (inclusive) or None when only an upper bound is given.")
    high: float | None = Field(description="Upper bound (inclusive) or None when only a lower bound is given.")
    base: str | None = Field(
        default=None, description="What a multiple/percentage applies to, e.g. 违法所得, 货值金额, 总投资额."
    )
    text: str = Field(description="The span of text the range was parsed from.")


class DiscretionRow(Frozen):
    """One row of a discretion benchmark table (裁量基准): one tier × one circumstance."""

    table_key: str = Field(description="Key of the table, e.g. 江门2020.")
    row_id: str = Field(description="Stable id inside the table: 序号, tier and row order, e.g. 3-21.t1.r1.")
    law_group: str = Field(description="法律法规 column: the law the matter falls under.")
    item_no: str = Field(description="序号 of the matter, e.g. 3-21.")
    matter: str = Field(description="违法行为 as written.")
    legal_basis: str = Field(description="法律依据 column verbatim.")
    basis_citations: tuple[str, ...] = Field(
        default=(), description="Citations parsed out of the legal basis, e.g. 《中华人民共和国大气污染防治法》第一百零八条."
    )
    tier: int | None = Field(description="裁量档次 (1 = lightest); None when the table leaves it empty.")
    circumstance: str = Field(description="裁量情节.")
    standard: str = Field(description="裁量标准 verbatim.")
    fine: AmountRange | None = Field(default=None, description="Fine range parsed from the standard.")
    remark: str = Field(default="", description="备注.")
    valid_from: date | None = Field(default=None, description="First day the table applies.")
    valid_until: date | None = Field(default=None, description="Last day the table applies, when known.")
    line: int = Field(description="1-based CSV record number (header = 1).")


class SearchUnit(Frozen):
    """A retrievable passage as kept in the store: the common shape of all three kinds."""

    unit_id: str = Field(description="Stable id; for statutes see `statute_unit_id`.")
    kind: DocKind = Field(description="statute, policy or discretion.")
    law_key: str | None = Field(default=None, description="For statutes: law key.")
    title: str = Field(description="Full law title, or the document/table title.")
    label: str = Field(description="Article label (第六十三条), section number (三、（二）) or row id.")
    article_no: int | None = Field(default=None, description="Article number for statutes.")
    jurisdiction: str | None = Field(default=None, description="全国 / region.")
    effective: date | None = Field(default=None, description="Effective date of the version/document.")
    expired: date | None = Field(default=None, description="Last day in force, if any.")
    text: str = Field(description="Verbatim text.")


def article_key(no: int, suffix: int = 0) -> str:
    """`63` or `20-1` for 第二十条之一."""
    return f"{no}-{suffix}" if suffix else str(no)


def statute_unit_id(
    law_key: str, effective: date, no: int, suffix: int = 0, paragraph: int | None = None, item: int | None = None
) -> str:
    """Stable unit id, e.g. 行政处罚法@2021-07-15#a63.p1.i2 (第六十三条第一款第（二）项)."""
    uid = f"{law_key}@{effective.isoformat()}#a{article_key(no, suffix)}"
    if paragraph is not None:
        uid += f".p{paragraph}"
        if item is not None:
            uid += f".i{item}"
    return uid
