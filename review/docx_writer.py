"""法制审核意见书 as DOCX, laid out after 党政机关公文格式 (GB/T 9704-2012).

Content comes from the same `OpinionView` as the Markdown and HTML renderings, so the three cannot drift;
this module decides fonts, sizes and spacing only.

GB/T 9704 layout: A4 (210 mm × 297 mm); 天头 37 mm, 订口 28 mm, so right 26 mm and bottom 35 mm;
title in 方正小标宋简体 二号 (22 pt), body in 仿宋_GB2312 三号 (16 pt), first-level headings in 黑体 三号,
lines fixed at about 28–29 pt (22 lines of 28 characters per page).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from review.models import Case, Review
from review.opinion import FindingBlock, OpinionView, build_view

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
FOOTER_SIZE = Pt(9)  # 小五
LINE_SPACING = Pt(28)
INDENT_TWO_CHARS = Pt(32)  # 首行缩进两字 at 三号

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)


def _east_asian(run_or_style_font_owner: Run | ParagraphStyle, east_asian: str) -> None:
    """Word picks CJK glyphs from w:eastAsia; python-docx's font.name only sets the Latin slots."""
    rpr = run_or_style_font_owner.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _set_font(run: Run, east_asian: str, size: Pt, bold: bool = False) -> Run:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    _east_asian(run, east_asian)
    return run


def _page_setup(doc: DocumentObject) -> None:
    for section in doc.sections:
        section.page_width = PAGE_WIDTH
        section.page_height = PAGE_HEIGHT
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT


def _normal_style(doc: DocumentObject) -> None:
    style = doc.styles["Normal"]
    assert isinstance(style, ParagraphStyle)
    style.font.name = LATIN_FONT
    style.font.size = BODY_SIZE
    _east_asian(style, BODY_FONT)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_SPACING
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _paragraph(
    doc: DocumentObject,
    text: str = "",
    *,
    indent: bool = True,
    left_indent: Pt | None = None,
    bold: bool = False,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_SPACING if size >= BODY_SIZE else Pt(14)
    if indent:
        fmt.first_line_indent = INDENT_TWO_CHARS
    if left_indent is not None:
        fmt.left_indent = left_indent
    if align is not None:
        paragraph.alignment = align
    if text:
        _set_font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _heading(doc: DocumentObject, text: str) -> Paragraph:
    # A plain paragraph in 黑体, not Word's "Heading" style, whose theme fonts and colours break the format.
    return _paragraph(doc, text, font=HEADING_FONT)


def _finding_block(doc: DocumentObject, block: FindingBlock) -> None:
    if block.intro:
        _paragraph(doc, block.intro)
    for finding in block.findings:
        paragraph = _paragraph(doc, f"{finding.no}. ")
        _set_font(paragraph.add_run(finding.heading), BODY_FONT, BODY_SIZE, bold=True)
        if finding.detail:
            _set_font(paragraph.add_run(f"：{finding.detail}"), BODY_FONT, BODY_SIZE)
        for line in finding.sub_lines:
            _paragraph(doc, line, left_indent=INDENT_TWO_CHARS)


def _write(doc: DocumentObject, view: OpinionView) -> None:
    _paragraph(
        doc, view.title, indent=False, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _paragraph(doc, indent=False)
    for field in view.header:
        paragraph = _paragraph(doc, indent=False)
        _set_font(paragraph.add_run(f"{field.label}："), BODY_FONT, BODY_SIZE, bold=True)
        _set_font(paragraph.add_run(field.value), BODY_FONT, BODY_SIZE)
    _paragraph(doc, view.intro)

    for section in view.sections:
        _heading(doc, section.heading)
        _paragraph(doc, section.opening)
        for block in section.blocks:
            _finding_block(doc, block)
        if section.checked:
            _paragraph(doc, section.checked_intro)
            for line in section.checked:
                _paragraph(doc, f"· {line}", left_indent=INDENT_TWO_CHARS, indent=False)

    _heading(doc, view.conclusion_heading)
    _paragraph(doc, view.conclusion_text)
    for number, reason in enumerate(view.reasons, start=1):
        _paragraph(doc, f"{number}. {reason}")

    _paragraph(doc, indent=False)
    _paragraph(doc, view.signature, indent=False)
    _paragraph(doc, view.draft_notice, indent=False, bold=True)

    if view.appendix:
        _heading(doc, view.appendix_title)
        for number, citation in enumerate(view.appendix, start=1):
            _paragraph(doc, f"{number}. {citation.heading}", indent=False, bold=True)
            for line in citation.lines:
                _paragraph(doc, line)

    _paragraph(doc, indent=False)
    _paragraph(doc, view.footer, indent=False, size=FOOTER_SIZE)


def write_docx(case: Case, review: Review, basis: Sequence[str], path: Path) -> Path:
    """Write the 法制审核意见书 of `review` to `path` (parent directories created); returns `path`."""
    view = build_view(case, review, basis)
    doc = Document()
    _page_setup(doc)
    _normal_style(doc)
    _write(doc, view)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
