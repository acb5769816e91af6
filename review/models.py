"""Domain of a review: the case as received, the parsed draft, findings, verdicts and the conclusion.

One set of frozen pydantic models (`extra="forbid"`): whatever a check, the opinion template or the JSON
output sees is exactly this shape. Unknown facts are `None`, never a default that would read as "fine".
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base of every review model: immutable, strict about fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Criterion(StrEnum):
    """The six review criteria (朝阳区实施方案 附件3 第五条), in the order of the opinion."""

    AUTHORITY = "authority"
    FACTS = "facts"
    LAW = "law"
    PROCEDURE = "procedure"
    DISCRETION = "discretion"
    OTHER = "other"

    @property
    def title(self) -> str:  # type: ignore[override]
        """Chinese name used in the opinion and the JSON `name`."""
        return CRITERION_TITLES[self]

    @property
    def question(self) -> str:
        """The question the reviewer answers for this criterion."""
        return CRITERION_QUESTIONS[self]


CRITERION_TITLES: dict[Criterion, str] = {
    Criterion.AUTHORITY: "执法主体与职权",
    Criterion.FACTS: "事实与证据",
    Criterion.LAW: "法律适用",
    Criterion.PROCEDURE: "执法程序",
    Criterion.DISCRETION: "行政裁量",
    Criterion.OTHER: "其他事项",
}

CRITERION_QUESTIONS: dict[Criterion, str] = {
    Criterion.AUTHORITY: "是否属于本机关的职权范围",
    Criterion.FACTS: "事实是否清楚，证据是否确凿",
    Criterion.LAW: "适用法律依据是否正确",
    Criterion.PROCEDURE: "是否符合法定程序",
    Criterion.DISCRETION: "行政裁量权行使是否适当",
    Criterion.OTHER: "其他依法应当审核的内容",
}


class Severity(StrEnum):
    """How serious a finding is: 严重 blocks the decision, 一般 must be corrected, 提示 is advice."""

    SEVERE = "严重"
    GENERAL = "一般"
    HINT = "提示"


class Verdict(StrEnum):
    """Verdict on one criterion."""

    PASS = "通过"
    ISSUE = "有问题"
    VERIFY = "需核实"


class Conclusion(StrEnum):
    """The outcome proposed in the 法制审核意见书."""

    AGREE = "同意"
    AGREE_AFTER_CHANGES = "修改后同意"
    DISAGREE = "不同意"


class PartyKind(StrEnum):
    """当事人类别."""

    NATURAL_PERSON = "自然人"
    LEGAL_PERSON = "法人"
    OTHER_ORG = "其他组织"
    INDIVIDUAL_BUSINESS = "个体工商户"


# ---------------------------------------------------------------- case record (案卷) as received


class Party(Frozen):
    """当事人 as recorded in the case file."""

    kind: PartyKind | None = Field(default=None, description="当事人类别; None when not recorded.")
    name: str | None = Field(default=None, description="Name of the party.")
    age: int | None = Field(default=None, description="Age at the time of the act (自然人 only).")
    prior_violations: int | None = Field(default=None, description="Earlier penalties for the same kind of act.")


class Officer(Frozen):
    """执法人员 with certificate."""

    name: str = Field(description="Officer's name.")
    cert_no: str | None = Field(default=None, description="执法证号.")
    cert_valid_until: dt.date | None = Field(default=None, description="Last day the certificate is valid.")


class Notice(Frozen):
    """行政处罚事先告知书 (行政处罚法 第四十四条)."""

    served_date: dt.date | None = Field(default=None, description="Date the notice was served.")
    proposed_penalty: str | None = Field(default=None, description="Proposed penalty as written in the notice.")
    rights: tuple[str, ...] | None = Field(default=None, description="Rights told: 陈述, 申辩, 听证.")
    period_days: int | None = Field(default=None, description="Working days given to respond.")


class Statement(Frozen):
    """陈述、申辩."""

    made: bool | None = Field(default=None, description="Whether the party made a statement.")
    date: dt.date | None = Field(default=None, description="Date of the statement.")
    summary: str | None = Field(default=None, description="What the party argued.")
    adopted: bool | None = Field(default=None, description="Whether the agency adopted it.")


class Hearing(Frozen):
    """听证."""

    requested: bool | None = Field(default=None, description="Whether a hearing was requested.")
    request_date: dt.date | None = Field(default=None, description="Date of the request.")
    held_date: dt.date | None = Field(default=None, description="Date the hearing was held.")


class DatedStep(Frozen):
    """A procedural step that is done or not, with a date (法制审核, 集体讨论)."""

    done: bool | None = Field(default=None, description="Whether the step took place.")
    date: dt.date | None = Field(default=None, description="When it took place.")


class Extension(Frozen):
    """办案期限延长 (行政处罚法 第六十条)."""

    approved: bool | None = Field(default=None, description="Whether an extension was approved.")
    until: dt.date | None = Field(default=None, description="New deadline.")


class Record(Frozen):
    """案卷记录: everything optional; absent means unknown."""

    party: Party | None = Field(default=None, description="当事人.")
    violation_date: dt.date | None = Field(default=None, description="Date of the act (or its end).")
    discovered_date: dt.date | None = Field(default=None, description="发现日期.")
    filed_date: dt.date | None = Field(default=None, description="立案日期.")
    officers: tuple[Officer, ...] | None = Field(default=None, description="执法人员.")
    evidence: tuple[str, ...] | None = Field(default=None, description="证据目录 as listed.")
    corrected: bool | None = Field(default=None, description="Whether the party corrected the act.")
    harm: str | None = Field(default=None, description="危害后果 as found.")
    notice: Notice | None = Field(default=None, description="事先告知.")
    statement: Statement | None = Field(default=None, description="陈述申辩.")
    hearing: Hearing | None = Field(default=None, description="听证.")
    legal_review: DatedStep | None = Field(default=None, description="法制审核.")
    collective_discussion: DatedStep | None = Field(default=None, description="负责人集体讨论.")
    extension: Extension | None = Field(default=None, description="办案期限延长.")
    decision_date: dt.date | None = Field(default=None, description="Planned decision date.")


# ---------------------------------------------------------------- the parsed draft


class Amount(Frozen):
    """A money amount found in the draft, with the text it came from."""

    yuan: float = Field(description="Amount in yuan.")
    text: str = Field(description="Verbatim text, e.g. 罚款人民币伍仟元整（¥5,000.00）.")


class CitedProvision(Frozen):
    """A provision cited by the draft, with its role."""

    text: str = Field(description="Citation as written, e.g. 《北京市生活垃圾管理条例》第六十八条第一款.")
    role: str = Field(description="'violated' (违反…的规定), 'penalty' (依据…决定), 'procedure' or 'other'.")
    law_name: str | None = Field(default=None, description="Law name as written (without 《》).")
    article_no: int | None = Field(default=None, description="Article number.")
    article_suffix: int = Field(default=0, description="之N suffix.")
    paragraph: int | None = Field(default=None, description="款.")
    item: int | None = Field(default=None, description="项.")


class Draft(Frozen):
    """What a reviewer reads out of a draft 行政处罚决定书. None = not found in the draft."""

    text: str = Field(description="Full draft text.")
    agency: str | None = Field(default=None, description="Issuing agency named in the heading.")
    doc_no: str | None = Field(default=None, description="文号, e.g. 京朝湖景罚字〔2025〕第041号.")
    party_name: str | None = Field(default=None, description="当事人 name.")
    party_id: str | None = Field(default=None, description="统一社会信用代码 or 身份证号 as written.")
    party_id_kind: str | None = Field(default=None, description="'uscc' or 'id_card'.")
    facts: str | None = Field(default=None, description="The 经查 section: facts found.")
    evidence: tuple[str, ...] = Field(default=(), description="Evidence items listed in the draft.")
    citations: tuple[CitedProvision, ...] = Field(default=(), description="Every provision cited.")
    penalty_text: str | None = Field(default=None, description="The operative penalty paragraph(s).")
    penalty_kinds: tuple[str, ...] = Field(default=(), description="警告, 罚款, 没收违法所得, 责令停产停业 …")
    fine: Amount | None = Field(default=None, description="The fine imposed, if any.")
    confiscation: Amount | None = Field(default=None, description="没收违法所得 amount, if any.")
    payment_text: str | None = Field(default=None, description="Payment manner and period paragraph.")
    remedy_text: str | None = Field(default=None, description="复议/诉讼 paragraph.")
    review_days: int | None = Field(default=None, description="复议 period stated, in days.")
    review_body: str | None = Field(default=None, description="复议机关 named.")
    litigation_months: int | None = Field(default=None, description="诉讼 period stated, in months.")
    decision_date: dt.date | None = Field(default=None, description="Date at the end of the draft.")
    seal: str | None = Field(default=None, description="The seal line, e.g. （印章） or the named seal.")
    signature_agency: str | None = Field(default=None, description="Agency named above the date at the end.")


class Case(Frozen):
    """A case as received for review: metadata, record and draft."""

    case_id: str = Field(description="Unique id in a batch.")
    title: str | None = Field(default=None, description="案由 / short case name.")
    jurisdiction: str | None = Field(default=None, description="地区, e.g. 北京市朝阳区.")
    agency: str | None = Field(default=None, description="行政主体 that will issue the decision.")
    decision_type: str = Field(default="行政处罚", description="Only 行政处罚 for now.")
    procedure: str | None = Field(default=None, description="普通程序 | 简易程序.")
    record: Record = Field(default_factory=Record, description="案卷记录.")
    draft: Draft = Field(description="Parsed draft decision.")
    source: str | None = Field(default=None, description="File the case was read from.")


# ---------------------------------------------------------------- findings and the review


class Citation(Frozen):
    """A provision a finding relies on, resolved against the store."""

    unit_id: str | None = Field(description="Store unit id; None when the provision is not in the corpus.")
    law: str = Field(description="Full law title.")
    article: str = Field(description="Article label with 款/项, e.g. 第六十三条第一款第（一）项.")
    version: str | None = Field(default=None, description="Effective date of the version quoted (ISO).")
    text: str = Field(description="Verbatim text of the provision, or the failure reason when unverified.")
    in_force: bool | None = Field(description="In force on the relevant date; None when unverified.")
    verified: bool = Field(description="True when the text was retrieved from the store.")


class Finding(Frozen):
    """One finding of one check."""

    criterion: Criterion = Field(description="Criterion the finding belongs to.")
    severity: Severity = Field(description="严重 | 一般 | 提示.")
    code: str = Field(description="Stable code, e.g. procedure.decision_before_window.")
    title: str = Field(description="One-line title in Chinese.")
    detail: str = Field(description="Explanation in Chinese.")
    quote: str | None = Field(default=None, description="The draft or record text the finding concerns.")
    citations: tuple[Citation, ...] = Field(default=(), description="Provisions relied on, verbatim.")
    suggestion: str | None = Field(default=None, description="Suggested fix.")
    verify: bool = Field(
        default=False, description="True when the finding says a fact must be verified (需核实), not a defect."
    )


class CriterionResult(Frozen):
    """Verdict and findings for one criterion."""

    criterion: Criterion = Field(description="Which criterion.")
    verdict: Verdict = Field(description="通过 | 有问题 | 需核实.")
    findings: tuple[Finding, ...] = Field(default=(), description="Findings in order of severity.")
    checked: tuple[str, ...] = Field(default=(), description="What was checked and held, as short Chinese lines.")


class Review(Frozen):
    """The result of reviewing one case."""

    case_id: str = Field(description="Case id.")
    case_title: str | None = Field(default=None, description="Case name.")
    conclusion: Conclusion = Field(description="同意 | 修改后同意 | 不同意.")
    conclusion_reasons: tuple[str, ...] = Field(default=(), description="Why, one line per reason.")
    criteria: tuple[CriterionResult, ...] = Field(description="Six results, in Criterion order.")
    reviewed_on: dt.date = Field(description="Date of the review run.")
    corpus_version: str = Field(description="Content hash of the corpus store used.")
    engine_version: str = Field(description="fashen version.")
