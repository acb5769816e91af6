"""The plain regex reviewer (no store) on hand-written drafts."""

from __future__ import annotations

import datetime as dt

import pytest

from evals.baseline import baseline_findings, baseline_review, fine_amount
from review.models import Case, Conclusion, Criterion, Draft, Party, Record, Verdict

# A clean decision written for these tests (fictional agency, party and amounts).
CLEAN = """某市某区城市管理综合行政执法局
行政处罚决定书

某城执罚字〔2025〕第7号

当事人：某某商贸有限公司
统一社会信用代码：91110000MA00000000
法定代表人：王某

经查，2025年5月6日，本局执法人员检查发现，当事人在其门店外人行道上堆放货物约4平方米，超出门窗进行店外经营。

上述事实有现场检查笔录、现场照片、询问笔录等证据证实。

本局认为，当事人的行为违反了《某市市容环境卫生条例》第十条第一款的规定。依据《某市市容环境卫生条例》第四十条第二款“违反第十条第一款规定的，责令改正，可以处五百元以上五千元以下罚款”的规定，本局决定对当事人作出如下行政处罚：
罚款人民币贰仟元整。

当事人应当自收到本决定书之日起十五日内，到指定银行缴纳罚款，或者通过非税收入电子缴款系统缴纳。

当事人如不服本决定，可以在收到本决定书之日起六十日内向某市某区人民政府申请行政复议，也可以在六个月内依法向人民法院提起行政诉讼。

某市某区城市管理综合行政执法局
（印章）
2025年6月3日
"""


def _case(text: str, record: Record | None = None) -> Case:
    return Case(case_id="T", draft=Draft(text=text), record=record or Record())


def _codes(text: str) -> set[str]:
    return {f.code.removeprefix("baseline.") for f in baseline_findings(text)}


def test_clean_draft_passes() -> None:
    review = baseline_review(_case(CLEAN))
    assert _codes(CLEAN) == set()
    assert review.conclusion == Conclusion.AGREE
    assert [r.verdict for r in review.criteria] == [Verdict.PASS] * 6


@pytest.mark.parametrize(
    ("name", "old", "new", "code", "criterion", "conclusion"),
    [
        (
            "涉嫌 in facts",
            "当事人在其门店外",
            "当事人涉嫌在其门店外",
            "facts.suspected",
            Criterion.FACTS,
            Conclusion.DISAGREE,
        ),
        (
            "三个月 for 诉讼",
            "六个月内",
            "三个月内",
            "procedure.litigation_period",
            Criterion.PROCEDURE,
            Conclusion.AGREE_AFTER_CHANGES,
        ),
        (
            "复议 period",
            "六十日内",
            "十五日内",
            "procedure.review_period",
            Criterion.PROCEDURE,
            Conclusion.AGREE_AFTER_CHANGES,
        ),
        (
            "no remedy statement",
            "当事人如不服本决定，可以在收到本决定书之日起六十日内向某市某区人民政府申请行政复议，也可以在六个月内依法向人民法院提起行政诉讼。",
            "",
            "procedure.remedy_missing",
            Criterion.PROCEDURE,
            Conclusion.AGREE_AFTER_CHANGES,
        ),
        (
            "unmasked ID number",
            "法定代表人：王某",
            "法定代表人：王某，公民身份号码：110105198001012316",
            "other.id_number",
            Criterion.OTHER,
            Conclusion.AGREE_AFTER_CHANGES,
        ),
        (
            "cash payment",
            "到指定银行缴纳罚款",
            "以现金方式向执法人员缴纳罚款",
            "other.payment",
            Criterion.OTHER,
            Conclusion.AGREE_AFTER_CHANGES,
        ),
        (
            "own account",
            "到指定银行缴纳罚款",
            "将罚款缴至本局账户",
            "other.payment",
            Criterion.OTHER,
            Conclusion.AGREE_AFTER_CHANGES,
        ),
        (
            "fine above the quoted ceiling",
            "罚款人民币贰仟元整",
            "罚款人民币陆仟元整",
            "discretion.above_quoted_ceiling",
            Criterion.DISCRETION,
            Conclusion.DISAGREE,
        ),
        (
            "no decision date",
            "（印章）\n2025年6月3日",
            "（印章）",
            "other.no_decision_date",
            Criterion.OTHER,
            Conclusion.AGREE_AFTER_CHANGES,
        ),
        (
            "no penalty provision",
            "依据《某市市容环境卫生条例》第四十条第二款",
            "依据有关规定",
            "law.no_citation",
            Criterion.LAW,
            Conclusion.DISAGREE,
        ),
        (
            "internal body as issuer",
            "某市某区城市管理综合行政执法局\n（印章）",
            "某区某街道综合行政执法队\n（印章）",
            "authority.internal_body",
            Criterion.AUTHORITY,
            Conclusion.DISAGREE,
        ),
    ],
)
def test_each_check(
    name: str, old: str, new: str, code: str, criterion: Criterion, conclusion: Conclusion
) -> None:
    assert old in CLEAN, name
    text = CLEAN.replace(old, new)
    assert _codes(text) == {code}, name
    review = baseline_review(_case(text))
    verdicts = {r.criterion: r.verdict for r in review.criteria}
    assert verdicts[criterion] == Verdict.ISSUE
    assert all(v == Verdict.PASS for c, v in verdicts.items() if c != criterion)
    assert review.conclusion == conclusion


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a masked ID number is what a published decision should show
        (CLEAN.replace("法定代表人：王某", "法定代表人：王某，公民身份号码：110105********2316"), set()),
        # 涉嫌 naming the case at filing is normal usage
        (CLEAN.replace("经查，", "因当事人涉嫌店外经营一案，本局于2025年5月6日立案调查。经查，"), set()),
        # a fine at the ceiling is within the range
        (CLEAN.replace("罚款人民币贰仟元整", "罚款人民币伍仟元整"), set()),
        # 当场 decision over the limit for an organisation (行政处罚法 第五十一条)
        (
            CLEAN.replace("行政处罚决定书", "当场行政处罚决定书", 1).replace("贰仟元", "肆仟元"),
            {"procedure.on_the_spot_limit"},
        ),
        (CLEAN.replace("行政处罚决定书", "当场行政处罚决定书", 1), set()),
    ],
)
def test_no_false_alarm_and_limits(text: str, codes: set[str]) -> None:
    assert _codes(text) == codes


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        (CLEAN, 2000.0),
        (CLEAN.replace("罚款人民币贰仟元整", "处以3000元罚款"), 3000.0),
        (CLEAN.replace("罚款人民币贰仟元整", "警告"), None),
        ("没有决定部分的文字", None),
    ],
)
def test_fine_amount(text: str, amount: float | None) -> None:
    assert fine_amount(text) == amount


def test_reads_only_the_draft_text() -> None:
    record = Record(
        party=Party(name="某某商贸有限公司", prior_violations=3), decision_date=dt.date(2030, 1, 1)
    )
    with_record = baseline_review(_case(CLEAN.replace("六个月", "三个月"), record))
    without = baseline_review(_case(CLEAN.replace("六个月", "三个月")))
    assert with_record.criteria == without.criteria and with_record.conclusion == without.conclusion
    assert with_record.corpus_version == "none"
    findings = [f for r in with_record.criteria for f in r.findings]
    assert findings and all(f.citations == () for f in findings)  # no store, nothing to quote
