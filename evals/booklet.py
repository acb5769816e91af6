"""The trainer's booklet: teaching cases as a DOCX, each with its answer key on the following page.

For every case: title, the draft verbatim, a summary of the record, 思考题 (one block per review criterion),
then — after a page break — the answer key: conclusion, ok/issue per criterion, the notes with their legal
basis and the verbatim text of every cited provision as resolved from the law store on the case's decision
date. A provision the store cannot verify is printed with “（未能在法规库中核验）”, never from memory.

Layout after 党政机关公文格式 (GB/T 9704-2012) in spirit: A4, 仿宋 body, 黑体 headings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cn2an
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from corpus.citations import format_citation
from corpus.models import DocKind
from corpus.resolver import Failure, resolve_text
from corpus.store import LawStore
from evals.defects import CRITERIA, as_date
from review.draft_parser import parse_draft
from review.models import Criterion

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)
HEADING_SIZE = Pt(16)
BODY_SIZE = Pt(14)
DRAFT_SIZE = Pt(12)
UNVERIFIED = "（未能在法规库中核验）"
ANSWER_HEADING = "参考答案"

# Sub-questions per criterion: what a careful reviewer looks at (朝阳区实施方案 附件3 第五条 six items).
QUESTIONS: dict[Criterion, tuple[str, ...]] = {
    Criterion.AUTHORITY: (
        "主体是否适格？作出决定的机关对该违法行为是否具有行政处罚权？",
        "文书抬头、落款和印章是否为行政主体本身？",
        "执法人员是否不少于两人，执法证件在检查时是否有效？处罚种类是否在本机关职权之内？",
    ),
    Criterion.FACTS: (
        "事实是否清楚？违法事实的表述是否确定？",
        "当事人名称、日期、数额等在决定书、案卷和证据之间是否一致？",
        "每一项认定（包括违法所得等数额）是否都有证据支持？",
    ),
    Criterion.LAW: (
        "违法条款与罚则是否对应？所引条文是否存在、是否现行有效？",
        "引用的法律名称是否为全称，条、款、项是否精确？",
    ),
    Criterion.PROCEDURE: (
        "立案、告知、陈述申辩（听证）、法制审核和决定的先后顺序与期限是否合法（工作日如何计算）？",
        "适用简易程序还是普通程序是否正确？当事人的听证等权利是否得到保障？",
        "复议、诉讼的途径和期限告知是否正确？",
    ),
    Criterion.DISCRETION: (
        "罚款数额是否在法定幅度内、是否符合适用的裁量基准档次？",
        "从轻、减轻情节是否得到考虑？是否因陈述申辩而加重？是否说明了裁量理由？",
    ),
    Criterion.OTHER: (
        "是否对同一违法行为给予两次以上罚款？履行方式是否符合罚缴分离？",
        "拟公开的决定书是否保护个人信息？当事人是否达到责任年龄？是否有应当移送司法机关的情形？",
    ),
}


# ---------------------------------------------------------------------------- content


def _cn_index(n: int) -> str:
    return str(cn2an.an2cn(n, "low"))


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return "（未记载）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, list | tuple):
        return "、".join(_fmt(v) for v in value) or "（无）"
    return str(value)


def record_summary(case: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) lines summarising the case record (案卷记录), in the order of the case format."""
    record = case.get("record") if isinstance(case.get("record"), dict) else {}
    assert isinstance(record, dict)
    lines: list[tuple[str, str]] = []
    party = record.get("party") if isinstance(record.get("party"), dict) else None
    if party:
        extra = f"，{party['age']}周岁" if party.get("age") is not None else ""
        prior = party.get("prior_violations")
        extra += f"，既往同类违法{prior}次" if prior is not None else ""
        lines.append(("当事人", f"{_fmt(party.get('name'))}（{_fmt(party.get('kind'))}{extra}）"))
    dates = (("violation_date", "违法行为日期"), ("discovered_date", "发现日期"), ("filed_date", "立案日期"))
    for key, label in dates:
        if key in record:
            lines.append((label, _fmt(as_date(record.get(key)) or record.get(key))))
    officers = record.get("officers")
    if isinstance(officers, list):
        shown = [
            f"{o.get('name')}（证号{o.get('cert_no') or '未记载'}，"
            f"有效期至{_fmt(as_date(o.get('cert_valid_until')))}）"
            for o in officers if isinstance(o, dict)
        ]
        lines.append(("执法人员", "；".join(shown) or "（无）"))
    evidence = record.get("evidence")
    if isinstance(evidence, list):
        lines.append(("证据目录", "；".join(f"{i}. {e}" for i, e in enumerate(evidence, 1)) or "（无）"))
    if "corrected" in record:
        lines.append(("是否改正", _fmt(record.get("corrected"))))
    if "harm" in record:
        lines.append(("危害后果", _fmt(record.get("harm"))))
    notice = record.get("notice") if isinstance(record.get("notice"), dict) else None
    if notice:
        lines.append(("事先告知", f"{_fmt(as_date(notice.get('served_date')))}送达；拟处罚："
                              f"{_fmt(notice.get('proposed_penalty'))}；告知权利："
                              f"{_fmt(notice.get('rights'))}；期限："
                              f"{_fmt(notice.get('period_days'))}个工作日"))
    statement = record.get("statement") if isinstance(record.get("statement"), dict) else None
    if statement:
        if statement.get("made"):
            adopted = statement.get("adopted")
            outcome = "" if adopted is None else ("（已采纳）" if adopted else "（未采纳）")
            said = f"{_fmt(as_date(statement.get('date')))}提出：{_fmt(statement.get('summary'))}"
            lines.append(("陈述申辩", said + outcome))
        else:
            lines.append(("陈述申辩", "未提出" if statement.get("made") is False else "（未记载）"))
    hearing = record.get("hearing") if isinstance(record.get("hearing"), dict) else None
    if hearing:
        if hearing.get("requested"):
            lines.append(("听证", f"{_fmt(as_date(hearing.get('request_date')))}申请；举行日期："
                                f"{_fmt(as_date(hearing.get('held_date')))}"))
        else:
            lines.append(("听证", "未申请" if hearing.get("requested") is False else "（未记载）"))
    steps = (("legal_review", "法制审核", "done"), ("collective_discussion", "集体讨论", "held"))
    for key, label, flag in steps:
        step = record.get(key) if isinstance(record.get(key), dict) else None
        if step:
            done = step.get(flag, step.get("done"))
            lines.append((label, f"{'已进行' if done else '未进行' if done is False else '（未记载）'}"
                                 + (f"（{_fmt(as_date(step.get('date')))}）" if step.get("date") else "")))
    extension = record.get("extension") if isinstance(record.get("extension"), dict) else None
    if extension:
        lines.append(("办案期限延长", f"已批准，延长至{_fmt(as_date(extension.get('until')))}"
                      if extension.get("approved") else "未延长"))
    if "decision_date" in record:
        lines.append(("拟决定日期", _fmt(as_date(record.get("decision_date")))))
    return lines


def thinking_questions() -> list[tuple[str, tuple[str, ...]]]:
    """(heading, questions) per criterion, in the order of the opinion."""
    return [(f"{c.title}（{c.question}）", QUESTIONS[c]) for c in Criterion]


@dataclass(frozen=True)
class QuotedProvision:
    """One provision of a note's basis: its citation and verbatim text, or why it could not be verified."""

    citation: str
    text: str | None
    remark: str


_TABLE_ITEM_RE = re.compile(r"《(?P<title>[^》]+)》第(?P<item>\d+-\d+)项")


def decision_day(case: dict[str, Any]) -> dt.date:
    record = case.get("record") if isinstance(case.get("record"), dict) else {}
    assert isinstance(record, dict)
    day = as_date(record.get("decision_date"))
    if day is None and isinstance(case.get("draft"), str):
        day = parse_draft(case["draft"]).decision_date
    return day or dt.date.today()


def quote_basis(basis: str, on: dt.date, store: LawStore) -> list[QuotedProvision]:
    """Every provision a basis text cites, with its verbatim text from the store on `on` (or unverified)."""
    out: list[QuotedProvision] = []
    for r in resolve_text(basis, on, store):
        ref = r.ref
        written = r.citation or format_citation(
            ref.law_name, ref.article_no, ref.article_suffix, ref.paragraph, ref.item
        )
        if r.text is not None and r.failure is None:
            out.append(QuotedProvision(written, r.text, f"（{r.version_effective}施行版）"))
        elif r.text is not None and r.failure == Failure.VERSION_NOT_IN_FORCE:
            out.append(QuotedProvision(written, r.text, f"（{r.version_effective}施行版；{r.message}）"))
        else:
            out.append(QuotedProvision(written, None, UNVERIFIED))
    tables = None
    for m in _TABLE_ITEM_RE.finditer(basis):
        if tables is None:
            tables = store.units(DocKind.DISCRETION)
        unit = next((u for u in tables if u.title == m.group("title") and u.label == m.group("item")), None)
        if unit is None:
            out.append(QuotedProvision(m.group(0), None, UNVERIFIED))
        else:
            out.append(QuotedProvision(m.group(0), unit.text, "（裁量基准）"))
    return out


# ---------------------------------------------------------------------------- layout


def _east_asian(run: Run, font: str) -> None:
    # python-docx sets only the Latin font slots; Word picks CJK glyphs from w:eastAsia.
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _run(p: Paragraph, text: str, font: str = BODY_FONT, size: Pt = BODY_SIZE, bold: bool = False) -> Run:
    run = p.add_run(text)
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    _east_asian(run, font)
    return run


def _para(doc: DocumentObject, text: str = "", *, font: str = BODY_FONT, size: Pt = BODY_SIZE,
          bold: bool = False, center: bool = False, indent: bool = False) -> Paragraph:
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)
    p.paragraph_format.space_after = Pt(2)
    if text:
        _run(p, text, font, size, bold)
    return p


def _heading(doc: DocumentObject, text: str, size: Pt = HEADING_SIZE, center: bool = False) -> Paragraph:
    return _para(doc, text, font=HEADING_FONT, size=size, center=center)


def _labelled(doc: DocumentObject, label: str, value: str) -> Paragraph:
    p = _para(doc)
    _run(p, f"{label}：", HEADING_FONT)
    _run(p, value)
    return p


def _page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _setup(doc: DocumentObject) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


_VERDICT_WORDS = {"issue": "有问题", "ok": "无问题"}


def _case_pages(doc: DocumentObject, case: dict[str, Any], index: int, store: LawStore) -> None:
    number = _cn_index(index)
    _heading(doc, f"案例{number}　{case.get('title') or case.get('case_id')}", TITLE_SIZE, center=True)
    _para(doc, f"案件编号：{case.get('case_id')}　地区：{_fmt(case.get('jurisdiction'))}　行政主体："
               f"{_fmt(case.get('agency'))}　程序：{_fmt(case.get('procedure'))}", size=DRAFT_SIZE,
          center=True)
    _heading(doc, "一、行政处罚决定书（草稿）")
    for line in str(case.get("draft") or "").rstrip("\n").split("\n"):
        _para(doc, line, size=DRAFT_SIZE)
    _heading(doc, "二、案卷记录摘要")
    for label, value in record_summary(case):
        _labelled(doc, label, value)
    _heading(doc, "三、思考题")
    for i, (head, questions) in enumerate(thinking_questions(), 1):
        _para(doc, f"{_cn_index(i)}、{head}", font=HEADING_FONT)
        for j, q in enumerate(questions, 1):
            _para(doc, f"{j}. {q}", indent=True)
    _para(doc, "结论：本案应出具同意、修改后同意还是不同意的审核意见？为什么？", font=HEADING_FONT)
    _page_break(doc)
    _answer_page(doc, case, number, store)


def _answer_page(doc: DocumentObject, case: dict[str, Any], number: str, store: LawStore) -> None:
    _heading(doc, f"{ANSWER_HEADING}（案例{number}）", TITLE_SIZE, center=True)
    expected = case.get("expected")
    if not isinstance(expected, dict):
        _para(doc, "本案例没有参考答案（expected）。")
        return
    _labelled(doc, "审核结论", str(expected.get("conclusion") or "（未给出）"))
    criteria = expected.get("criteria") if isinstance(expected.get("criteria"), dict) else {}
    assert isinstance(criteria, dict)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("审核内容", "结论"), strict=True):
        _run(cell.paragraphs[0], text, HEADING_FONT)
    for c in CRITERIA:
        row = table.add_row().cells
        _run(row[0].paragraphs[0], Criterion(c).title)
        _run(row[1].paragraphs[0], _VERDICT_WORDS.get(str(criteria.get(c, "ok")), str(criteria.get(c))))
    notes = [n for n in expected.get("notes") or [] if isinstance(n, dict)]
    if not notes:
        _para(doc, "六项审核内容均未发现问题，可出具同意的审核意见。", indent=True)
        return
    _heading(doc, "审核要点")
    day = decision_day(case)
    for i, note in enumerate(notes, 1):
        criterion = Criterion(str(note.get("criterion")))
        severity = f"【{note['severity']}】" if note.get("severity") else ""
        _para(doc, f"（{_cn_index(i)}）{criterion.title}{severity}", font=HEADING_FONT)
        _para(doc, str(note.get("issue") or ""), indent=True)
        basis = str(note.get("basis") or "")
        if basis:
            _labelled(doc, "依据", basis)
            for q in quote_basis(basis, day, store):
                p = _para(doc, size=DRAFT_SIZE, indent=True)
                _run(p, q.citation + q.remark, HEADING_FONT, DRAFT_SIZE)
                if q.text:
                    _run(p, "：" + q.text.replace("\n", " "), BODY_FONT, DRAFT_SIZE)


def build_booklet(cases: Sequence[dict[str, Any]], store: LawStore, out: Path, *,
                  title: str = "行政处罚决定法制审核教学案例") -> Path:
    """Write the booklet for `cases` (raw case mappings with `expected`) to `out`; returns `out`."""
    if not cases:
        raise ValueError("没有可编入手册的案例：请确认目录中有 .yaml 案件文件。")
    doc = Document()
    _setup(doc)
    _heading(doc, title, TITLE_SIZE, center=True)
    _para(doc, f"共{_cn_index(len(cases))}个案例，生成于{_fmt(dt.date.today())}。", center=True)
    _para(doc, "使用说明：每个案例先阅读决定书草稿和案卷记录摘要，按六项审核内容逐一回答思考题，"
               "并给出审核结论；参考答案在下一页，所引法条原文取自法规库（按案件决定日期有效的版本），"
               "未能核验的已注明。", indent=True)
    for i, case in enumerate(cases, 1):
        _page_break(doc)
        _case_pages(doc, case, i, store)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def pack_dir(case_dir: Path, out: Path, store: LawStore) -> Path:
    """The booklet of every YAML case file in `case_dir` (sorted by file name)."""
    from evals.casegen import read_case

    if not Path(case_dir).is_dir():
        raise FileNotFoundError(f"目录不存在：{case_dir}；请指定存放案件 YAML 文件的目录。")
    paths = sorted(p for p in Path(case_dir).glob("*.y*ml") if p.stem.upper() not in ("README", "INDEX"))
    return build_booklet([read_case(p) for p in paths], store, out)
