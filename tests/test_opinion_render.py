"""法制审核意见书 rendering: golden Markdown/HTML, DOCX read back, view-model rules, strict templates.

The sample Case and Review are built by hand here. Provision texts in the sample are invented placeholders
(laws named 示例…), so no corpus text is copied into the golden files. Regenerate the golden files after an
intended change with `FASHEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_opinion_render.py`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from jinja2 import UndefinedError

from corpus.models import PolicyDocument
from corpus.policy import load_policies
from prompts import jinja_env
from review.docx_writer import BODY_FONT, HEADING_FONT, TITLE_FONT, write_docx
from review.models import (
    Amount,
    Case,
    Citation,
    Conclusion,
    Criterion,
    CriterionResult,
    DatedStep,
    Draft,
    Extension,
    Finding,
    Hearing,
    Notice,
    Party,
    PartyKind,
    Record,
    Review,
    Severity,
    Statement,
    Verdict,
)
from review.opinion import (
    DRAFT_NOTICE,
    GENERAL_LOCAL_BASIS,
    PENALTY_LAW_BASIS,
    SIGNATURE_LINE,
    UNVERIFIED_MARK,
    build_view,
    materials_reviewed,
    render_html,
    render_markdown,
    review_basis,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
BASIS = [PENALTY_LAW_BASIS, "《示例区重大执法决定法制审核制度实施方案》（示政办发〔2019〕8号）"]
SECTION_HEADINGS = [
    "一、执法主体与职权",
    "二、事实与证据",
    "三、法律适用",
    "四、执法程序",
    "五、行政裁量",
    "六、其他事项",
]

# ---------------------------------------------------------------- the hand-built sample

NOTICE_RULE = Citation(
    unit_id="示例处罚法@2021-07-15#a12.p1",
    law="示例处罚法",
    article="第十二条第一款",
    version="2021-07-15",
    text="第十二条　示例条文：作出处罚决定前应当告知当事人拟处罚的内容。\n当事人可以在规定期限内陈述、申辩。",
    in_force=True,
    verified=True,
)
PENALTY_RULE = Citation(
    unit_id="示例市容条例@2020-05-01#a40",
    law="示例市容条例",
    article="第四十条",
    version="2020-05-01",
    text="第四十条　示例条文：违反本条例第十条规定的，处一千元以上一万元以下罚款。",
    in_force=True,
    verified=True,
)
MISSING_RULE = Citation(
    unit_id=None,
    law="示例垃圾管理办法",
    article="第九条",
    text="法规库中未找到《示例垃圾管理办法》",
    in_force=None,
    verified=False,
)


def sample_case() -> Case:
    return Case(
        case_id="GOLD-01",
        title="某餐饮公司未分类投放厨余垃圾案",
        jurisdiction="示例市示例区",
        agency="示例市示例区某某街道办事处",
        procedure="普通程序",
        record=Record(
            party=Party(kind=PartyKind.LEGAL_PERSON, name="示例某某餐饮有限公司", prior_violations=0),
            violation_date=dt.date(2025, 6, 10),
            evidence=("现场检查笔录", "现场照片8张", "询问笔录"),
            notice=Notice(served_date=dt.date(2025, 6, 19), rights=("陈述", "申辩"), period_days=5),
            statement=Statement(made=True, date=dt.date(2025, 6, 23), summary="已整改", adopted=False),
            hearing=Hearing(requested=False),
            legal_review=DatedStep(done=True, date=dt.date(2025, 7, 1)),
            collective_discussion=DatedStep(done=False),
            extension=Extension(approved=False),
            decision_date=dt.date(2025, 6, 24),
        ),
        draft=Draft(
            text="（决定书草案全文，示例）",
            agency="示例市示例区某某街道办事处",
            doc_no="示罚字〔2025〕第041号",
            party_name="示例某某餐饮有限公司",
            penalty_text="罚款人民币伍仟元整\n（¥5,000.00）。",
            penalty_kinds=("罚款",),
            fine=Amount(yuan=5000.0, text="罚款人民币伍仟元整（¥5,000.00）"),
        ),
    )


def sample_review() -> Review:
    return Review(
        case_id="GOLD-01",
        case_title="某餐饮公司未分类投放厨余垃圾案",
        conclusion=Conclusion.DISAGREE,
        conclusion_reasons=(
            "作出处罚决定时陈述、申辩期限尚未届满，违反法定程序",
            "处罚依据的条文未能核验，需补正",
        ),
        criteria=(
            CriterionResult(
                criterion=Criterion.AUTHORITY,
                verdict=Verdict.PASS,
                checked=(
                    "决定机关为街道办事处，属于示例市容条例授权的执法主体",
                    "两名执法人员均持有效执法证件",
                ),
            ),
            CriterionResult(
                criterion=Criterion.FACTS,
                verdict=Verdict.VERIFY,
                findings=(
                    Finding(
                        criterion=Criterion.FACTS,
                        severity=Severity.GENERAL,
                        code="facts.inquiry_authorisation",
                        title="询问笔录被询问人身份",
                        detail="证据目录列有询问笔录，但未见被询问人的授权委托书",
                        suggestion="补充授权委托书或说明被询问人身份",
                        verify=True,
                    ),
                    Finding(
                        criterion=Criterion.FACTS,
                        severity=Severity.HINT,
                        code="facts.photo_dates",
                        title="现场照片未标注拍摄时间",
                        detail="建议在照片说明中注明拍摄时间和地点。",
                    ),
                ),
                checked=("违法行为发生时间、地点已载明",),
            ),
            CriterionResult(
                criterion=Criterion.LAW,
                verdict=Verdict.ISSUE,
                findings=(
                    Finding(
                        criterion=Criterion.LAW,
                        severity=Severity.GENERAL,
                        code="law.unverified_citation",
                        title="违法条款未能核验",
                        detail="决定书引用的违法条款在法规库中未能找到，无法核对其内容与现行有效性。",
                        quote="违反了《示例垃圾管理办法》第九条的规定",
                        citations=(MISSING_RULE, PENALTY_RULE),
                        suggestion="核对条文名称与序号，附条文原文",
                    ),
                ),
                checked=("处罚依据与违法条款相对应",),
            ),
            CriterionResult(
                criterion=Criterion.PROCEDURE,
                verdict=Verdict.ISSUE,
                findings=(
                    Finding(
                        criterion=Criterion.PROCEDURE,
                        severity=Severity.SEVERE,
                        code="procedure.decision_before_window",
                        title="决定日期早于陈述申辩期限届满",
                        detail="告知书于2025年6月19日送达，五个工作日至2025年6月26日届满，决定日期为2025年6月24日",
                        quote="2025年6月24日",
                        citations=(NOTICE_RULE,),
                        suggestion="待期限届满并处理陈述申辩意见后再作出决定",
                    ),
                    Finding(
                        criterion=Criterion.PROCEDURE,
                        severity=Severity.GENERAL,
                        code="procedure.statement_reply",
                        title="未载明对陈述申辩意见的处理",
                        detail="当事人提出了陈述申辩，决定书未载明是否采纳及理由。",
                        quote="当事人应于<十五日>内缴纳罚款 & 逾期加处罚款",
                        citations=(NOTICE_RULE,),
                    ),
                    Finding(
                        criterion=Criterion.PROCEDURE,
                        severity=Severity.HINT,
                        code="procedure.collective_discussion",
                        title="集体讨论情况",
                        detail="案卷未显示是否经负责人集体讨论",
                        verify=True,
                    ),
                ),
                checked=("立案、调查由两名以上执法人员进行",),
            ),
            CriterionResult(
                criterion=Criterion.DISCRETION,
                verdict=Verdict.PASS,
                findings=(
                    Finding(
                        criterion=Criterion.DISCRETION,
                        severity=Severity.HINT,
                        code="discretion.reasons",
                        title="裁量理由可更具体",
                        detail="裁量理由可写明适用的裁量基准档次",
                    ),
                ),
                checked=("罚款五千元在一千元至一万元的法定幅度内",),
            ),
            CriterionResult(
                criterion=Criterion.OTHER,
                verdict=Verdict.PASS,
                checked=(),
            ),
        ),
        reviewed_on=dt.date(2025, 7, 2),
        corpus_version="sha256:0123456789ab",
        engine_version="0.1.0",
    )


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize(
    ("name", "render"), [("opinion_sample.md", render_markdown), ("opinion_sample.html", render_html)]
)
def test_rendering_matches_golden_file(name: str, render: object) -> None:
    assert callable(render)
    text = render(sample_case(), sample_review(), BASIS)
    golden = GOLDEN / name
    if os.environ.get("FASHEN_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        pytest.skip(f"已重新生成 {golden.name}，请核对差异后再提交")
    assert text == golden.read_text(encoding="utf-8")


def test_markdown_lays_out_every_part_in_order() -> None:
    md = render_markdown(sample_case(), sample_review(), BASIS)
    order = [
        "# 法制审核意见书",
        *(f"## {h}" for h in SECTION_HEADINGS),
        "## 七、审核结论",
        SIGNATURE_LINE,
        f"**{DRAFT_NOTICE}**",
        "## 附：引用条文全文",
        "语料版本：sha256:0123456789ab　引擎版本：0.1.0　生成日期：2025年7月2日",
    ]
    positions = [md.index(part) for part in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("fragment", "why"),
    [
        ("经审核，执法主体与职权方面未发现问题。", "通过 opens with 未发现问题"),
        ("- 两名执法人员均持有效执法证件。", "通过 lists the checked lines"),
        ("经审核，以下事项案卷未显示，需承办机构核实：", "需核实 opening"),
        ("1. **询问笔录被询问人身份**：证据目录列有询问笔录", "verify item without severity"),
        ("经审核，执法程序方面存在以下问题：", "有问题 opening"),
        ("1. **【严重】决定日期早于陈述申辩期限届满**", "severity in the numbered heading"),
        ("2. **【一般】未载明对陈述申辩意见的处理**", "findings numbered"),
        ("    - 原文：“2025年6月24日”", "quote line"),
        (
            "    - 依据：《示例处罚法》第十二条第一款规定：“示例条文：作出处罚决定前应当告知当事人"
            "拟处罚的内容。当事人可以在规定期限内陈述、申辩。”",
            "citation label + verbatim text inline",
        ),
        ("    - 依据：《示例垃圾管理办法》第九条（未能在法规库中核验）", "unverified citation marked"),
        ("    - 建议：待期限届满并处理陈述申辩意见后再作出决定。", "suggestion line"),
        ("此外，以下事项案卷未显示，需承办机构核实：", "verify items inside an 有问题 section"),
        ("另提示如下：", "hints in a 通过 section"),
        ("1. **【提示】裁量理由可更具体**", "提示 severity"),
        ("综上，建议：不同意。理由如下：", "conclusion with several reasons"),
        ("2. 处罚依据的条文未能核验，需补正。", "reasons numbered and closed"),
        ("**拟作出的处罚决定：**罚款人民币伍仟元整（¥5,000.00）。", "multi-line penalty text joined"),
        ("**当事人：**示例某某餐饮有限公司（法人）", "party with kind"),
        ("**审核依据：**《中华人民共和国行政处罚法》第五十八条；《示例区", "basis as passed in"),
        ("<small>语料版本：", "footer in small print"),
    ],
)
def test_markdown_content(fragment: str, why: str) -> None:
    md = render_markdown(sample_case(), sample_review(), BASIS)
    assert fragment in md, why


def test_appendix_lists_each_provision_once_with_verbatim_text() -> None:
    view = build_view(sample_case(), sample_review(), BASIS)
    # NOTICE_RULE is cited by two findings, so three distinct provisions.
    assert [c.label for c in view.appendix] == [
        "《示例垃圾管理办法》第九条",
        "《示例市容条例》第四十条",
        "《示例处罚法》第十二条第一款",
    ]
    missing, penalty, notice = view.appendix
    assert missing.heading == "《示例垃圾管理办法》第九条" + UNVERIFIED_MARK
    assert missing.lines == ("说明：法规库中未找到《示例垃圾管理办法》",)
    assert penalty.heading == "《示例市容条例》第四十条（2020年5月1日施行文本）"
    assert notice.lines == tuple(NOTICE_RULE.text.split("\n"))


def test_unverified_citations_dedupe_by_law_and_article() -> None:
    again = MISSING_RULE.model_copy(update={"text": "另一次核验失败的原因"})
    other_article = MISSING_RULE.model_copy(update={"article": "第十条"})
    review = sample_review()
    other = review.criteria[5].model_copy(
        update={
            "verdict": Verdict.ISSUE,
            "findings": (
                Finding(
                    criterion=Criterion.OTHER,
                    severity=Severity.GENERAL,
                    code="other.x",
                    title="示例",
                    detail="示例",
                    citations=(again, other_article),
                ),
            ),
        }
    )
    review = review.model_copy(update={"criteria": (*review.criteria[:5], other)})
    labels = [c.label for c in build_view(sample_case(), review, BASIS).appendix]
    assert labels.count("《示例垃圾管理办法》第九条") == 1
    assert "《示例垃圾管理办法》第十条" in labels


def test_html_escapes_user_text_and_markdown_does_not() -> None:
    html = render_html(sample_case(), sample_review(), BASIS)
    md = render_markdown(sample_case(), sample_review(), BASIS)
    assert "&lt;十五日&gt;内缴纳罚款 &amp; 逾期" in html
    assert "<十五日>" not in html
    assert "<十五日>内缴纳罚款 & 逾期" in md


def test_html_is_self_contained_with_a4_official_layout() -> None:
    html = render_html(sample_case(), sample_review(), BASIS)
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in html
    assert "font-family: FangSong, STFangsong, serif" in html
    assert "font-family: FZXiaoBiaoSong-B05S, SimSun, serif" in html
    assert "<link" not in html and "<script" not in html and "src=" not in html
    assert [f"<h2>{h}</h2>" in html for h in SECTION_HEADINGS] == [True] * 6


# ---------------------------------------------------------------- view-model rules


def _case(**record: object) -> Case:
    return Case(
        case_id="C", draft=Draft(text="x", doc_no="示罚字〔2025〕1号"), record=Record.model_validate(record)
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({}, ["行政处罚决定书（草案）（示罚字〔2025〕1号）"]),
        ({"evidence": ()}, ["行政处罚决定书（草案）（示罚字〔2025〕1号）"]),
        ({"evidence": ("a", "b")}, ["行政处罚决定书（草案）（示罚字〔2025〕1号）", "证据目录（2项）"]),
        ({"notice": {"served_date": dt.date(2025, 3, 10)}}, [..., "行政处罚事先告知书（2025年3月10日送达）"]),
        ({"notice": {}}, ["行政处罚决定书（草案）（示罚字〔2025〕1号）"]),
        ({"notice": {"period_days": 5}}, [..., "行政处罚事先告知书"]),
        ({"statement": {"made": False}}, ["行政处罚决定书（草案）（示罚字〔2025〕1号）"]),
        ({"statement": {"made": True}}, [..., "陈述、申辩记录"]),
        (
            {"hearing": {"requested": True, "held_date": dt.date(2025, 4, 1)}},
            [..., "听证笔录（2025年4月1日）"],
        ),
        ({"hearing": {"requested": True}}, [..., "听证申请"]),
        ({"hearing": {"requested": False}}, ["行政处罚决定书（草案）（示罚字〔2025〕1号）"]),
        (
            {"legal_review": {"done": True, "date": dt.date(2025, 3, 17)}},
            [..., "法制审核记录（2025年3月17日）"],
        ),
        ({"legal_review": {"done": None}}, ["行政处罚决定书（草案）（示罚字〔2025〕1号）"]),
        ({"collective_discussion": {"done": True}}, [..., "负责人集体讨论记录"]),
        (
            {"extension": {"approved": True, "until": dt.date(2025, 5, 1)}},
            [..., "延长办案期限审批材料（延长至2025年5月1日）"],
        ),
    ],
)
def test_materials_list_only_what_the_record_shows(record: dict[str, object], expected: list[object]) -> None:
    head = "行政处罚决定书（草案）（示罚字〔2025〕1号）"
    wanted = [head if e is ... else e for e in expected]
    assert list(materials_reviewed(_case(**record))) == wanted


@pytest.mark.parametrize(
    ("party", "draft_name", "expected"),
    [
        (Party(name="甲公司", kind=PartyKind.LEGAL_PERSON), "乙公司", "甲公司（法人）"),
        (Party(kind=PartyKind.NATURAL_PERSON), "张某", "张某（自然人）"),
        (None, "张某", "张某"),
        (None, None, "（案卷未载明）"),
    ],
)
def test_party_line(party: Party | None, draft_name: str | None, expected: str) -> None:
    case = sample_case()
    case = case.model_copy(
        update={
            "record": case.record.model_copy(update={"party": party}),
            "draft": case.draft.model_copy(update={"party_name": draft_name}),
        }
    )
    assert build_view(case, sample_review(), BASIS).party == expected


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (Draft(text="x", penalty_text="警告。"), "警告。"),
        (
            Draft(
                text="x",
                penalty_kinds=("警告", "罚款"),
                fine=Amount(yuan=500, text="罚款五百元"),
                confiscation=Amount(yuan=80, text="没收违法所得八十元"),
            ),
            "警告、罚款；罚款五百元；没收违法所得八十元",
        ),
        (Draft(text="x"), "（决定书草案未载明）"),
    ],
)
def test_proposed_decision(draft: Draft, expected: str) -> None:
    case = sample_case().model_copy(update={"draft": draft})
    assert build_view(case, sample_review(), BASIS).proposed_decision == expected


@pytest.mark.parametrize(
    ("reasons", "conclusion", "text", "listed"),
    [
        ((), Conclusion.AGREE, "综上，建议：同意。", ()),
        (("措辞需修改",), Conclusion.AGREE_AFTER_CHANGES, "综上，建议：修改后同意。理由：措辞需修改。", ()),
        (("甲。", "乙"), Conclusion.DISAGREE, "综上，建议：不同意。理由如下：", ("甲。", "乙。")),
    ],
)
def test_conclusion(
    reasons: tuple[str, ...], conclusion: Conclusion, text: str, listed: tuple[str, ...]
) -> None:
    review = sample_review().model_copy(update={"conclusion": conclusion, "conclusion_reasons": reasons})
    view = build_view(sample_case(), review, BASIS)
    assert (view.conclusion_text, view.reasons) == (text, listed)


def test_agency_falls_back_to_the_draft_heading() -> None:
    case = sample_case().model_copy(update={"agency": None})
    case = case.model_copy(update={"draft": case.draft.model_copy(update={"agency": "草案所载机关"})})
    assert build_view(case, sample_review(), BASIS).agency == "草案所载机关"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c, r, b: (c, r.model_copy(update={"case_id": "OTHER"}), b), "审核结果与案件不对应"),
        (lambda c, r, b: (c, r.model_copy(update={"criteria": r.criteria[::-1]}), b), "应依次为六项审核内容"),
        (lambda c, r, b: (c, r.model_copy(update={"criteria": r.criteria[:5]}), b), "应依次为六项审核内容"),
        (lambda c, r, b: (c, r, ["  "]), "审核依据 basis 为空"),
    ],
)
def test_inconsistent_input_is_refused_in_chinese(mutate: object, message: str) -> None:
    assert callable(mutate)
    case, review, basis = mutate(sample_case(), sample_review(), BASIS)
    with pytest.raises(ValueError, match=message):
        render_markdown(case, review, basis)


def test_review_basis_picks_the_local_rule_of_the_corpus(corpus_dir: Path) -> None:
    policies = load_policies(corpus_dir)
    chaoyang = review_basis("北京市朝阳区", policies)
    assert chaoyang[0] == PENALTY_LAW_BASIS
    assert len(chaoyang) == 2 and "朝政办发〔2019〕8号" in chaoyang[1] and "法制审核" in chaoyang[1]
    assert review_basis("广东省江门市", policies) == [PENALTY_LAW_BASIS, GENERAL_LOCAL_BASIS]
    assert review_basis(None, policies) == [PENALTY_LAW_BASIS, GENERAL_LOCAL_BASIS]


def _policy(title: str, issuer: str | None = None, jurisdiction: str | None = None) -> PolicyDocument:
    return PolicyDocument(
        doc_key="k",
        title=title,
        issuer=issuer,
        jurisdiction=jurisdiction,
        doc_no="示发〔2020〕1号",
        source_file="policy/x.md",
        sections=(),
    )


@pytest.mark.parametrize(
    ("policy", "applies"),
    [
        (_policy("朝阳区重大执法决定法制审核办法", jurisdiction="北京市朝阳区"), True),
        (_policy("朝阳区重大执法决定法制审核办法", jurisdiction="吉林省长春市朝阳区"), False),
        (_policy("朝阳区重大执法决定法制审核办法", issuer="北京市朝阳区人民政府办公室"), True),
        (_policy("朝阳区重大执法决定法制审核办法", issuer="长春市朝阳区人民政府"), False),
        (_policy("朝阳区重大执法决定法制审核办法"), True),
        (_policy("大兴区重大执法决定法制审核办法"), False),
        (_policy("朝阳区行政执法责任制意见", jurisdiction="北京市朝阳区"), False),
    ],
)
def test_review_basis_matches_region_and_subject(policy: PolicyDocument, applies: bool) -> None:
    basis = review_basis("北京市朝阳区", [policy])
    expected = f"《{policy.title}》（示发〔2020〕1号）" if applies else GENERAL_LOCAL_BASIS
    assert basis == [PENALTY_LAW_BASIS, expected]


# ---------------------------------------------------------------- strict templates


def test_strict_undefined_raises_on_a_missing_variable(tmp_path: Path) -> None:
    (tmp_path / "t.md.j2").write_text("案件：{{ case_name }}", encoding="utf-8")
    with pytest.raises(UndefinedError):
        jinja_env(tmp_path).get_template("t.md.j2").render()


def test_opinion_templates_are_strict_about_the_view() -> None:
    class Incomplete:
        title = "法制审核意见书"

    for name in ("opinion.md.j2", "opinion.html.j2"):
        with pytest.raises(UndefinedError):
            jinja_env().get_template(name).render(view=Incomplete())


@pytest.mark.parametrize(
    ("name", "expected"), [("t.html.j2", "&lt;b&gt;"), ("t.md.j2", "<b>"), ("t.txt", "<b>")]
)
def test_autoescape_only_for_html(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / name).write_text("{{ x }}", encoding="utf-8")
    assert jinja_env(tmp_path).get_template(name).render(x="<b>") == expected


# ---------------------------------------------------------------- DOCX read back


def _east_asian_font(run_element: object) -> str | None:
    rpr = getattr(run_element, "rPr", None)
    fonts = None if rpr is None else rpr.rFonts
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_docx_layout_and_content(tmp_path: Path) -> None:
    path = write_docx(sample_case(), sample_review(), BASIS, tmp_path / "out" / "意见书.docx")
    document = docx.Document(str(path))

    section = document.sections[0]
    # Word stores twips, so millimetres come back within a twip (0.018 mm) of what was written.
    lengths = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert [length.mm if length is not None else None for length in lengths] == pytest.approx(
        [210, 297, 37, 35, 28, 26], abs=0.02
    )

    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert title.text == "法制审核意见书"
    assert title.alignment is not None and title.alignment == 1  # centred
    assert title.runs[0].font.size == Pt(22)
    assert _east_asian_font(title.runs[0]._element) == TITLE_FONT

    texts = [p.text for p in paragraphs]
    headings = [t for t in texts if t in SECTION_HEADINGS]
    assert headings == SECTION_HEADINGS
    first_heading = paragraphs[texts.index(SECTION_HEADINGS[0])]
    assert _east_asian_font(first_heading.runs[0]._element) == HEADING_FONT

    opening = paragraphs[texts.index("经审核，执法主体与职权方面未发现问题。")]
    assert opening.runs[0].font.size == Pt(16)
    assert _east_asian_font(opening.runs[0]._element) == BODY_FONT
    assert opening.paragraph_format.line_spacing == Pt(28)

    signature = [t for t in texts if t.startswith("审核人：")]
    assert signature == [SIGNATURE_LINE]
    # left blank: once labels and blanks are removed nothing is filled in
    assert re.sub(r"(审核人|法制机构负责人|日期)：|[＿年月日　\s]", "", signature[0]) == ""
    notice = paragraphs[texts.index(DRAFT_NOTICE)]
    assert all(run.bold for run in notice.runs)

    normal = document.styles["Normal"]
    assert _east_asian_font(normal.element) == BODY_FONT


def test_docx_carries_the_same_content_as_markdown(tmp_path: Path) -> None:
    """Every line of the DOCX body text appears in the Markdown: both come from one OpinionView."""
    path = write_docx(sample_case(), sample_review(), BASIS, tmp_path / "意见书.docx")
    md = render_markdown(sample_case(), sample_review(), BASIS)
    plain_md = md.replace("**", "")
    for paragraph in docx.Document(str(path)).paragraphs:
        text = paragraph.text.strip().removeprefix("· ")
        if text:
            assert text in plain_md, text
