"""parse_draft over the 12 teaching drafts (values read off the files), edge cases and real decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from review.draft_parser import PENALTY_KINDS, parse_draft
from review.intake import load_case
from review.models import Draft

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLES = SHARED / "cases" / "examples"
REAL = SHARED / "real-decisions"

GARBAGE = "北京市生活垃圾管理条例"
RONG = "北京市市容环境卫生条例"
DAQI = "中华人民共和国大气污染防治法"
CHUFA = "中华人民共和国行政处罚法"
NOISE = "中华人民共和国噪声污染防治法"
PLAN = "中华人民共和国城乡规划法"
BJPLAN = "北京市城乡规划条例"
FUYI = "中华人民共和国行政复议法"


def _draft(name: str) -> Draft:
    data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    return parse_draft(data["draft"])


def cited(draft: Draft, role: str) -> set[tuple[str | None, int | None, int | None, int | None]]:
    return {(c.law_name, c.article_no, c.paragraph, c.item) for c in draft.citations if c.role == role}


D = dt.date
Check = Callable[[Draft], Any]

# (file, field or callable, expected) — every value read off the draft text by hand.
CASES: list[tuple[str, str | Check, Any]] = [
    ("ex01-lajifenlei.yaml", "agency", "北京市朝阳区湖景街道办事处"),
    ("ex01-lajifenlei.yaml", "doc_no", "京朝湖景罚字〔2025〕第041号"),
    ("ex01-lajifenlei.yaml", "party_name", "北京湖景鑫荣餐饮管理有限公司"),
    ("ex01-lajifenlei.yaml", "party_id", "91110105MA04C7RQ3K"),
    ("ex01-lajifenlei.yaml", "party_id_kind", "uscc"),
    ("ex01-lajifenlei.yaml", lambda d: d.fine.yuan, 5000),
    ("ex01-lajifenlei.yaml", lambda d: d.fine.text, "罚款人民币伍仟元整（¥5,000.00）"),
    ("ex01-lajifenlei.yaml", "confiscation", None),
    ("ex01-lajifenlei.yaml", lambda d: cited(d, "violated"), {(GARBAGE, 35, 1, 3)}),
    ("ex01-lajifenlei.yaml", lambda d: cited(d, "penalty"), {(GARBAGE, 68, 1, None)}),
    ("ex01-lajifenlei.yaml", lambda d: cited(d, "procedure"), {(CHUFA, 33, 1, None), (CHUFA, 72, 1, 1)}),
    (
        "ex01-lajifenlei.yaml",
        lambda d: [c.text for c in d.citations if c.role == "violated"],
        ["《北京市生活垃圾管理条例》第三十五条第一款第（三）项"],
    ),
    ("ex01-lajifenlei.yaml", "penalty_kinds", ("罚款",)),
    ("ex01-lajifenlei.yaml", "penalty_text", "罚款人民币伍仟元整（¥5,000.00）。"),
    ("ex01-lajifenlei.yaml", "review_days", 60),
    ("ex01-lajifenlei.yaml", "review_body", "北京市朝阳区人民政府"),
    ("ex01-lajifenlei.yaml", "litigation_months", 6),
    ("ex01-lajifenlei.yaml", "decision_date", D(2025, 7, 3)),
    ("ex01-lajifenlei.yaml", "seal", "（印章）"),
    ("ex01-lajifenlei.yaml", "signature_agency", "北京市朝阳区湖景街道办事处"),
    ("ex01-lajifenlei.yaml", lambda d: len(d.evidence), 5),
    ("ex01-lajifenlei.yaml", lambda d: d.evidence[0].startswith("2025年6月10日现场检查笔录"), True),
    ("ex01-lajifenlei.yaml", lambda d: d.facts.startswith("经查：当事人在北京市朝阳区湖景东路"), True),
    ("ex01-lajifenlei.yaml", lambda d: d.facts.endswith("经复查已改正。"), True),
    (
        "ex01-lajifenlei.yaml",
        lambda d: d.payment_text.startswith("当事人应当自收到本决定书之日起十五日内"),
        True,
    ),
    ("ex01-lajifenlei.yaml", lambda d: d.remedy_text.startswith("当事人如不服本决定"), True),
    ("ex02-dianwaijingying.yaml", "doc_no", "京海清河湾罚字〔2025〕第112号"),
    ("ex02-dianwaijingying.yaml", "party_name", "海淀区鲜果坊水果店"),
    ("ex02-dianwaijingying.yaml", "party_id", "92110108MA7DK2PX5J"),
    ("ex02-dianwaijingying.yaml", lambda d: d.fine.yuan, 1000),
    ("ex02-dianwaijingying.yaml", lambda d: cited(d, "violated"), {(RONG, 35, None, None)}),
    ("ex02-dianwaijingying.yaml", lambda d: cited(d, "penalty"), {(RONG, 35, None, None)}),
    ("ex02-dianwaijingying.yaml", "litigation_months", 3),
    ("ex02-dianwaijingying.yaml", "review_days", 60),
    ("ex02-dianwaijingying.yaml", lambda d: len(d.evidence), 4),
    ("ex02-dianwaijingying.yaml", lambda d: d.facts.startswith("2025年9月9日10时20分"), True),
    ("ex03-kongyan.yaml", "doc_no", "京东卫控烟罚〔2024〕第0096号"),
    ("ex03-kongyan.yaml", "agency", "北京市东城区卫生健康委员会"),
    ("ex03-kongyan.yaml", "penalty_kinds", ("警告", "罚款")),
    ("ex03-kongyan.yaml", lambda d: d.fine.yuan, 12000),
    ("ex03-kongyan.yaml", lambda d: cited(d, "violated"), {("北京市控制吸烟条例", 13, 1, 5)}),
    # The 本条例第十三条 inside the quoted 罚则 is the statute's text, not a citation of the draft.
    ("ex03-kongyan.yaml", lambda d: cited(d, "penalty"), {("北京市控制吸烟条例", 24, None, 2)}),
    ("ex03-kongyan.yaml", lambda d: "2024年11月12日" in d.facts and "涉嫌" in d.facts, True),
    (
        "ex03-kongyan.yaml",
        "evidence",
        ("现场笔录", "执法记录仪视频", "现场照片", "询问笔录", "营业执照复印件"),
    ),
    ("ex03-kongyan.yaml", "decision_date", D(2024, 12, 16)),
    ("ex04-jiangmen-yangchen.yaml", "doc_no", "江环（蓬）罚字〔2021〕第58号"),
    ("ex04-jiangmen-yangchen.yaml", "agency", "江门市生态环境局"),
    ("ex04-jiangmen-yangchen.yaml", lambda d: d.fine.yuan, 10000),
    ("ex04-jiangmen-yangchen.yaml", lambda d: cited(d, "violated"), {(DAQI, 72, 1, None)}),
    ("ex04-jiangmen-yangchen.yaml", lambda d: cited(d, "penalty"), {(DAQI, 117, None, 2)}),
    ("ex04-jiangmen-yangchen.yaml", lambda d: {c.article_no for c in d.citations if c.role == "other"}, {6}),
    ("ex04-jiangmen-yangchen.yaml", "review_body", "江门市人民政府"),
    ("ex04-jiangmen-yangchen.yaml", lambda d: len(d.evidence), 5),
    ("ex04-jiangmen-yangchen.yaml", lambda d: d.facts.startswith("2021年8月17日"), True),
    ("ex05-weifajianshe.yaml", "agency", "北京市通州区潞河湾街道综合行政执法队"),
    ("ex05-weifajianshe.yaml", "signature_agency", "北京市通州区潞河湾街道综合行政执法队"),
    ("ex05-weifajianshe.yaml", "doc_no", "通潞河执罚字〔2024〕第018号"),
    # 第三十八条 has no law of its own: it inherits 北京市城乡规划条例 from the list it belongs to.
    (
        "ex05-weifajianshe.yaml",
        lambda d: cited(d, "violated"),
        {(PLAN, 40, 1, None), (BJPLAN, 29, 3, None), (BJPLAN, 38, None, None)},
    ),
    (
        "ex05-weifajianshe.yaml",
        lambda d: cited(d, "penalty"),
        {(PLAN, 64, None, None), (BJPLAN, 95, 1, None)},
    ),
    ("ex05-weifajianshe.yaml", lambda d: d.fine.yuan, 13230),
    ("ex05-weifajianshe.yaml", lambda d: "63.4平方米" in d.facts and "36.4平方米" in d.penalty_text, True),
    ("ex05-weifajianshe.yaml", "penalty_kinds", ("罚款",)),
    ("ex06-lutianshaokao.yaml", "party_name", "赵某某"),
    ("ex06-lutianshaokao.yaml", "party_id", "110106********4217"),
    ("ex06-lutianshaokao.yaml", "party_id_kind", "id_card"),
    # Two fines (大气法 2000 + 市容条例 1000) imposed together.
    ("ex06-lutianshaokao.yaml", lambda d: d.fine.yuan, 3000),
    ("ex06-lutianshaokao.yaml", lambda d: d.confiscation.yuan, 680),
    ("ex06-lutianshaokao.yaml", "penalty_kinds", ("罚款", "没收违法所得", "没收非法财物")),
    # 该法 / 该条例 resolve to the law named just before.
    ("ex06-lutianshaokao.yaml", lambda d: cited(d, "penalty"), {(DAQI, 118, 3, None), (RONG, 35, 5, None)}),
    ("ex06-lutianshaokao.yaml", lambda d: cited(d, "violated"), {(DAQI, 81, 3, None), (RONG, 35, 1, None)}),
    ("ex06-lutianshaokao.yaml", lambda d: len(d.evidence), 6),
    ("ex07-yejianshigong.yaml", lambda d: d.fine.yuan, 30000),
    ("ex07-yejianshigong.yaml", "penalty_text", "本局决定对当事人处以罚款人民币叁万元整。"),
    ("ex07-yejianshigong.yaml", lambda d: cited(d, "violated"), {(NOISE, 43, 1, None), (NOISE, 43, 2, None)}),
    ("ex07-yejianshigong.yaml", lambda d: cited(d, "penalty"), {(NOISE, 77, None, 2)}),
    ("ex07-yejianshigong.yaml", lambda d: d.evidence[0], "12345热线工单"),
    ("ex07-yejianshigong.yaml", lambda d: len(d.evidence), 5),
    ("ex07-yejianshigong.yaml", "decision_date", D(2025, 6, 16)),
    (
        "ex08-paibian.yaml",
        lambda d: cited(d, "penalty"),
        {("北京市户外广告设施、牌匾标识和标语宣传品设置管理条例", 49, 3, None), (RONG, 39, 1, None)},
    ),
    ("ex08-paibian.yaml", lambda d: d.fine.yuan, 1000),
    ("ex08-paibian.yaml", lambda d: len(d.evidence), 6),
    ("ex08-paibian.yaml", "decision_date", D(2025, 4, 8)),
    ("ex09-wuzhaojingying.yaml", "doc_no", "京兴市监处罚〔2025〕0371号"),
    ("ex09-wuzhaojingying.yaml", "party_id", "110115********2446"),
    ("ex09-wuzhaojingying.yaml", lambda d: d.fine.yuan, 3000),
    ("ex09-wuzhaojingying.yaml", lambda d: d.confiscation.yuan, 5670),
    ("ex09-wuzhaojingying.yaml", "penalty_kinds", ("罚款", "没收违法所得")),
    ("ex09-wuzhaojingying.yaml", lambda d: (FUYI, 9, None, None) in cited(d, "procedure"), True),
    ("ex09-wuzhaojingying.yaml", lambda d: "本局账户" in d.payment_text, True),
    ("ex09-wuzhaojingying.yaml", lambda d: d.facts.startswith("2025年3月20日") and "5670元" in d.facts, True),
    ("ex10-xiaofang-jianyi.yaml", "doc_no", "京昌消当罚决字〔2025〕第0137号"),
    ("ex10-xiaofang-jianyi.yaml", "party_name", "北京佳禾惠民超市有限公司"),
    ("ex10-xiaofang-jianyi.yaml", lambda d: cited(d, "penalty"), {("中华人民共和国消防法", 60, 1, 4)}),
    ("ex10-xiaofang-jianyi.yaml", lambda d: d.fine.yuan, 5000),
    ("ex10-xiaofang-jianyi.yaml", "review_days", 60),
    ("ex10-xiaofang-jianyi.yaml", "review_body", None),
    ("ex10-xiaofang-jianyi.yaml", "litigation_months", None),
    ("ex10-xiaofang-jianyi.yaml", "evidence", ("现场照片", "执法记录仪视频", "消防监督检查记录")),
    ("ex10-xiaofang-jianyi.yaml", lambda d: d.payment_text.startswith("执行方式和期限"), True),
    ("ex10-xiaofang-jianyi.yaml", "decision_date", D(2025, 10, 14)),
    # 每个泊位壹仟伍佰元 is a unit rate; the fine is the total.
    ("ex11-tingche-disuo.yaml", lambda d: d.fine.yuan, 3000),
    ("ex11-tingche-disuo.yaml", lambda d: cited(d, "penalty"), {("北京市机动车停车条例", 36, 4, None)}),
    ("ex11-tingche-disuo.yaml", "penalty_kinds", ("罚款",)),
    ("ex12-jiangmen-vocs.yaml", "doc_no", "江环（新会）罚字〔2021〕第137号"),
    ("ex12-jiangmen-vocs.yaml", lambda d: d.fine.yuan, 120000),
    ("ex12-jiangmen-vocs.yaml", lambda d: cited(d, "violated"), {(DAQI, 45, None, None)}),
    ("ex12-jiangmen-vocs.yaml", lambda d: cited(d, "penalty"), {(DAQI, 108, None, 1)}),
    ("ex12-jiangmen-vocs.yaml", "decision_date", D(2021, 12, 6)),
]


@pytest.mark.parametrize(("name", "field", "expected"), CASES)
def test_example_drafts(name: str, field: str | Check, expected: Any) -> None:
    draft = _draft(name)
    value = getattr(draft, field) if isinstance(field, str) else field(draft)
    assert value == expected


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("ex*.yaml")))
def test_every_example_has_the_core_elements(name: str) -> None:
    draft = _draft(name)
    for field in (
        "agency",
        "doc_no",
        "party_name",
        "party_id",
        "facts",
        "penalty_text",
        "fine",
        "payment_text",
        "remedy_text",
        "review_days",
        "decision_date",
        "seal",
        "signature_agency",
    ):
        assert getattr(draft, field) is not None, field
    assert draft.evidence
    assert {c.role for c in draft.citations} >= {"violated", "penalty"}
    assert set(draft.penalty_kinds) <= set(PENALTY_KINDS)


def test_half_width_punctuation_and_quoted_rule() -> None:
    text = (
        "某县城市管理局行政处罚决定书\n某城管罚字[2024]12号\n当事人:某某有限公司\n"
        "统一社会信用代码:91440101MA5D7WXX3J\n"
        "经查,你单位于2024年1月2日未采取密闭措施运输砂土。以上事实有《询问笔录》、监控图片等证据证实。"
        "上述行为违反了《中华人民共和国大气污染防治法》第七十条第一款的规定。\n"
        '根据《中华人民共和国大气污染防治法》第一百一十六条"违反本法规定,…处二千元以上二万元以下的罚款"的规定,'
        "本机关决定对你单位作出如下行政处罚:罚款人民币壹万圆整(¥10000)。\n"
        "你单位应当自收到本决定书之日起15日内缴纳罚款。\n"
        "如不服本决定,可在收到本决定书之日起60日内向某县人民政府申请行政复议,或者在6个月内向人民法院提起行政诉讼。\n"
        "某县城市管理局\n2024年3月20日\n"
    )
    draft = parse_draft(text)
    assert draft.agency == "某县城市管理局"
    assert draft.doc_no == "某城管罚字[2024]12号"
    assert draft.party_name == "某某有限公司"
    assert draft.facts == "经查,你单位于2024年1月2日未采取密闭措施运输砂土。"
    assert draft.evidence == ("《询问笔录》", "监控图片")
    assert cited(draft, "violated") == {(DAQI, 70, 1, None)}
    assert cited(draft, "penalty") == {(DAQI, 116, None, None)}  # 本法 inside the quote is not a citation
    assert draft.fine is not None and draft.fine.yuan == 10000
    assert (draft.review_days, draft.review_body, draft.litigation_months) == (60, "某县人民政府", 6)
    assert draft.decision_date == D(2024, 3, 20)
    assert draft.signature_agency == "某县城市管理局"
    assert draft.seal is None


def test_words_win_over_disagreeing_figures() -> None:
    draft = parse_draft("本机关决定对当事人作出如下行政处罚：\n罚款人民币伍仟元整（¥6,000.00）。\n")
    assert draft.fine is not None
    assert draft.fine.yuan == 5000
    assert draft.fine.text == "罚款人民币伍仟元整（¥6,000.00）"


def test_figures_first_words_in_brackets() -> None:
    draft = parse_draft(
        "决定对当事人给予如下行政处罚:\n1、没收违法所得:30元(叁拾元整);\n2、罚款人民币:10000元(壹万元整)。\n"
    )
    assert draft.fine is not None and draft.fine.yuan == 10000
    assert draft.confiscation is not None and draft.confiscation.yuan == 30
    assert draft.penalty_kinds == ("罚款", "没收违法所得")


def test_self_reference_outside_quotes_takes_last_law_of_that_kind() -> None:
    text = (
        "本机关认为，当事人违反了《北京市市容环境卫生条例》第三十五条第三款的规定，"
        "依据本条例第三十五条第五款的规定，本机关决定对当事人处以罚款人民币伍佰元。"
    )
    draft = parse_draft(text)
    assert cited(draft, "violated") == {(RONG, 35, 3, None)}
    assert cited(draft, "penalty") == {(RONG, 35, 5, None)}
    assert [c.text for c in draft.citations] == [
        "《北京市市容环境卫生条例》第三十五条第三款",
        "本条例第三十五条第五款",
    ]


@pytest.mark.parametrize(
    ("operative", "kinds"),
    [
        ("一、责令改正；二、警告。", ("警告",)),
        ("责令改正，并处罚款人民币贰仟元。", ("罚款",)),
        ("没收违法所得和非法财物，吊销营业执照。", ("没收违法所得", "没收非法财物", "吊销许可证件")),
        ("暂扣许可证三个月，通报批评。", ("通报批评", "暂扣许可证件")),
        ("责令停产停业，降低资质等级。", ("降低资质等级", "责令停产停业")),
        ("行政拘留五日。", ("行政拘留",)),
        ("责令关闭，限制从业五年。", ("责令关闭", "限制从业")),
    ],
)
def test_penalty_kinds(operative: str, kinds: tuple[str, ...]) -> None:
    draft = parse_draft(f"本机关决定对当事人作出如下行政处罚：\n{operative}\n")
    assert draft.penalty_kinds == kinds


def test_chinese_numeral_date_and_named_seal() -> None:
    draft = parse_draft("……\n北京市某区某街道办事处\n（北京市某区某街道办事处章）\n二〇二五年七月三日\n")
    assert draft.decision_date == D(2025, 7, 3)
    assert draft.seal == "（北京市某区某街道办事处章）"
    assert draft.signature_agency == "北京市某区某街道办事处"
    assert draft.agency == "北京市某区某街道办事处"  # no heading: the signature names the agency


def test_other_documents_numbers_are_not_the_doc_no() -> None:
    draft = parse_draft("本机关于2025年6月19日送达《行政处罚事先告知书》（京朝湖景罚告字〔2025〕第041号）。")
    assert draft.doc_no is None


def test_empty_text_gives_an_empty_draft() -> None:
    draft = parse_draft("")
    assert draft.model_dump(exclude={"text"}) == Draft(text="").model_dump(exclude={"text"})


FUZZ_ALPHABET = (
    "当事人：经查依据违反了《法》第一二三十条款项（）“”罚款元整，。；\n 0123456789决定如下"
    '年月日不服复议个月印章局(),:;"'
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(FUZZ_ALPHABET))))
def test_parse_never_raises(text: str) -> None:
    draft = parse_draft(text)
    assert draft.text == text.replace("\r\n", "\n").replace("\r", "\n")


REAL_FILES = sorted(p for p in REAL.glob("*.md") if p.name != "README.md")


def test_real_decisions_are_present() -> None:
    assert len(REAL_FILES) >= 20


@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name[:2] for p in REAL_FILES])
def test_real_decisions_parse_without_error(path: Path) -> None:
    case = load_case(path)
    draft = case.draft
    assert draft.text.strip()
    assert "---" not in draft.text.splitlines()[0]  # the page header is not part of the draft
    for c in draft.citations:
        assert c.role in {"violated", "penalty", "procedure", "other"}
        assert c.text and c.text in draft.text


# What a careful reader finds in a few real decisions (see the files).
REAL_EXPECTED: list[tuple[str, str | Check, Any]] = [
    ("01_", "agency", "广州市花都区炭步镇人民政府"),
    ("01_", "party_id", "91440101MA5D7WXX3J"),
    ("01_", lambda d: d.fine.yuan, 10000),
    ("01_", lambda d: cited(d, "violated"), {(DAQI, 70, 1, None)}),
    ("02_", "doc_no", "南城执罚决字〔2025〕15002号"),
    ("02_", "party_id_kind", "id_card"),
    ("03_", "doc_no", "渝万州市监处字〔2023〕497号"),
    ("06_", "party_id", "915001027748755486"),
    ("12_", "decision_date", D(2018, 1, 9)),
    ("12_", "review_days", 60),
    ("12_", "litigation_months", 6),
    ("15_", lambda d: (d.fine.yuan, d.confiscation.yuan), (10000, 30)),
    ("15_", "signature_agency", "沧源佤族自治县市场监督管理局"),
    ("15_", "decision_date", D(2024, 4, 18)),
    ("18_", lambda d: d.fine.yuan, 200),
    ("21_", lambda d: d.fine.yuan, 9400),
]


@pytest.mark.parametrize(("prefix", "field", "expected"), REAL_EXPECTED)
def test_real_decision_values(prefix: str, field: str | Check, expected: Any) -> None:
    path = next(p for p in REAL_FILES if p.name.startswith(prefix))
    draft = load_case(path).draft
    value = getattr(draft, field) if isinstance(field, str) else field(draft)
    assert value == expected


def test_party_labelled_as_offender() -> None:
    # 公安 and 当场处罚 forms call the party 违法行为人.
    d = parse_draft(
        "某某公安分局\n行政处罚决定书\n违法行为人：张三，男，1990年1月1日出生\n经查，2025年3月1日，张三在某处……\n"
    )
    assert d.party_name == "张三"
