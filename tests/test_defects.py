"""Defect catalogue: every mutator on every clean example it applies to keeps record and draft consistent,
loads as a case, writes a well-formed answer key and actually plants the defect it names."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from random import Random
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from corpus.citations import find_citations
from corpus.numerals import parse_amount
from corpus.resolver import Failure, cite_article
from corpus.store import LawStore
from evals.casegen import write_case
from evals.defects import (
    CRITERIA,
    FILED_CONTEXT,
    PUBLICATION_SENTENCE,
    MutationError,
    catalogue,
    cn_date,
    consistency_problems,
    fake_id_number,
    get_defect,
    move_dates,
    rewrite_amounts,
    yuan_upper,
)
from review.dates import add_working_days
from review.intake import load_case
from review.models import Case, Criterion, Severity
from review.params import param

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "examples"
CLEAN_FILES = ("ex01-lajifenlei.yaml", "ex04-jiangmen-yangchen.yaml", "ex08-paibian.yaml")
# Defects that need a legal parameter the project has not recorded yet (较大数额罚款 thresholds are local).
PARAM_GATED = {"procedure.no_hearing_notice"}


@pytest.fixture(scope="session")
def clean() -> dict[str, dict[str, Any]]:
    return {name: yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8")) for name in CLEAN_FILES}


@pytest.fixture(scope="session")
def seeded(law_store: LawStore, clean: dict[str, dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every (defect, clean example) pair that applies, mutated with a fixed seed."""
    out = {}
    for d in catalogue():
        for name, case in clean.items():
            if d.applies(case, law_store):
                out[(d.code, name)] = d.apply(case, Random(7), law_store)
    return out


PAIRS = [(d.code, name) for d in catalogue() for name in CLEAN_FILES]


# ---------------------------------------------------------------------------- catalogue


def test_catalogue_has_five_defects_per_criterion_with_unique_codes() -> None:
    defects = catalogue()
    codes = [d.code for d in defects]
    assert len(codes) == len(set(codes))
    per = Counter(d.criterion for d in defects)
    assert all(per[c] >= 5 for c in Criterion), per
    for d in defects:
        assert d.code.startswith(d.criterion.value + ".")
        assert re.search(r"[\u4e00-\u9fff]", d.title) and d.description
        assert find_citations(d.basis), f"{d.code}: basis cites no provision: {d.basis}"


def test_every_defect_applies_to_some_clean_example(
    law_store: LawStore, clean: dict[str, dict[str, Any]]
) -> None:
    never = {d.code for d in catalogue() if not any(d.applies(c, law_store) for c in clean.values())}
    assert never <= PARAM_GATED


def test_unknown_code_and_inapplicable_defect_raise_chinese_errors(
    law_store: LawStore, clean: dict[str, dict[str, Any]]
) -> None:
    with pytest.raises(MutationError, match="没有缺陷代码"):
        get_defect("law.no_such_defect")
    # The 2021 case falls before the 2024 revision of 行政复议法: there is no superseded article to cite.
    with pytest.raises(MutationError, match="不适用"):
        get_defect("law.superseded_version").apply(clean["ex04-jiangmen-yangchen.yaml"], Random(1), law_store)


# ---------------------------------------------------------------------------- every mutator × clean case


def _load(case: dict[str, Any], tmp_path: Path) -> Case:
    return load_case(write_case(case, tmp_path / "case.yaml"))


@pytest.mark.parametrize(("code", "name"), PAIRS)
def test_mutated_case_loads_consistent_with_answer_key(
    code: str,
    name: str,
    seeded: dict[tuple[str, str], dict[str, Any]],
    clean: dict[str, dict[str, Any]],
    tmp_path: Path,
) -> None:
    if (code, name) not in seeded:
        pytest.skip(f"{code} 不适用于 {name}")
    original = clean[name]
    mutated = seeded[(code, name)]
    assert mutated != original and original == yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    case = _load(mutated, tmp_path)
    # Record and draft agree where the mutators must keep them in step.
    assert consistency_problems(mutated) == []
    if case.record.decision_date is not None:
        assert case.draft.decision_date == case.record.decision_date
    if case.draft.fine is not None:
        for part in case.draft.fine.text.split("；"):
            figures = re.findall(r"[（(]([^（）()]*)[）)]", part)
            if figures:
                assert parse_amount(re.sub(r"[（(][^（）()]*[）)]", "", part)) == parse_amount(figures[0])
    # The answer key.
    d = get_defect(code)
    expected = mutated["expected"]
    assert set(expected["criteria"]) == set(CRITERIA)
    assert set(expected["criteria"].values()) <= {"ok", "issue"}
    assert expected["criteria"][d.criterion.value] == "issue"
    others = {c: v for c, v in expected["criteria"].items() if c != d.criterion.value}
    assert set(others.values()) == {"ok"}
    note = expected["notes"][-1]
    assert (note["criterion"], note["code"], note["severity"]) == (d.criterion.value, code, d.severity.value)
    assert len(note["issue"]) > 20 and find_citations(note["basis"])
    want = {Severity.SEVERE: "不同意", Severity.GENERAL: "修改后同意", Severity.HINT: "同意"}[d.severity]
    assert expected["conclusion"] == want
    assert expected["defects"] == [code]


# Per defect: what must hold in the mutated case (original Case, mutated Case, store) — True when planted.
Check = Callable[[Case, Case, LawStore], bool]


def _window_end(case: Case) -> dt.date:
    notice = case.record.notice
    assert notice is not None and notice.served_date is not None and notice.period_days is not None
    period = notice.period_days
    if notice.rights and "听证" in notice.rights:
        period = max(period, int(param("hearing_request_working_days", notice.served_date).value))
    return add_working_days(notice.served_date, period)


def _penalty_refs(case: Case) -> set[tuple[str | None, int | None, int | None, int | None]]:
    cited = case.draft.citations
    return {(c.law_name, c.article_no, c.paragraph, c.item) for c in cited if c.role == "penalty"}


def _resolves(store: LawStore, case: Case, ref: tuple[str | None, int | None, int | None, int | None]) -> Any:
    law, art, para, item = ref
    day = case.record.violation_date or dt.date.today()
    return cite_article(store, law or "", art or 0, day, paragraph=para, item=item)


def _fine(case: Case) -> float:
    assert case.draft.fine is not None
    return case.draft.fine.yuan


def _check_nonexistent(o: Case, n: Case, s: LawStore) -> bool:
    return any(_resolves(s, n, ref).failure == Failure.ARTICLE_NOT_FOUND for ref in _penalty_refs(n))


def _check_mismatch(o: Case, n: Case, s: LawStore) -> bool:
    changed = _penalty_refs(n) - _penalty_refs(o)
    # An existing provision — only the wrong one.
    return bool(changed) and all(_resolves(s, n, ref).ok for ref in changed)


def _check_expired(o: Case, n: Case, s: LawStore) -> bool:
    found = n.record.discovered_date
    return found is not None and any(
        x.cert_valid_until is not None and x.cert_valid_until < found for x in n.record.officers or ()
    )


def _check_inconsistent_date(o: Case, n: Case, s: LawStore) -> bool:
    day = cn_date(o.record.discovered_date or dt.date.min)
    return n.record.discovered_date == o.record.discovered_date and (
        (n.draft.facts or "").count(day) < (o.draft.facts or "").count(day)
    )


def _check_hearing(o: Case, n: Case, s: LawStore) -> bool:
    h = n.record.hearing
    decided = n.record.decision_date
    return bool(
        h and h.requested and h.held_date is None and h.request_date and decided and h.request_date < decided
    )


def _check_over_90(o: Case, n: Case, s: LawStore) -> bool:
    decided, filed = n.record.decision_date, n.record.filed_date
    assert decided is not None and filed is not None
    days = int(param("case_deadline_days", decided).value)
    return (decided - filed).days > days and decided > _window_end(n)


def _check_simple(o: Case, n: Case, s: LawStore) -> bool:
    limit = param("simple_procedure_max_fine_org", n.record.decision_date or dt.date.today()).value
    return (
        n.procedure == "简易程序"
        and n.record.filed_date is None
        and _fine(n) > limit
        and "当场" in n.draft.text
    )


def _check_heavier(o: Case, n: Case, s: LawStore) -> bool:
    said = n.record.statement
    notice = n.record.notice
    proposed = parse_amount(notice.proposed_penalty or "") if notice else None
    return bool(said and said.made) and proposed == _fine(o) < _fine(n)


_REASONS = re.compile(r"^\s*裁量(?:理由|说明)[：:]", re.M)


CHECKS: dict[str, Check] = {
    "authority.single_officer": lambda o, n, s: len(n.record.officers or ()) == 1,
    "authority.expired_certificate": _check_expired,
    "authority.internal_unit_name": lambda o, n, s: bool(
        n.draft.agency and "执法" in n.draft.agency and n.draft.agency != n.agency
    ),
    "authority.wrong_department": lambda o, n, s: n.agency != o.agency and n.draft.agency == n.agency,
    "authority.penalty_kind_beyond_power": lambda o, n, s: "行政拘留" in n.draft.penalty_kinds,
    "facts.unsupported_amount": lambda o, n, s: bool(n.draft.confiscation and n.draft.confiscation.yuan > 0),
    "facts.inconsistent_party_name": lambda o, n, s: (
        n.draft.party_name != o.draft.party_name
        and sorted(n.draft.party_name or "") == sorted(o.draft.party_name or "")
    ),
    "facts.suspected_wording": lambda o, n, s: "涉嫌" in (n.draft.facts or ""),
    "facts.date_order": lambda o, n, s: bool(
        n.record.filed_date and n.record.discovered_date and n.record.filed_date < n.record.discovered_date
    ),
    "facts.inconsistent_date": _check_inconsistent_date,
    "law.nonexistent_article": _check_nonexistent,
    "law.superseded_version": lambda o, n, s: any(
        c.law_name and "行政复议法" in c.law_name and c.article_no == 9 for c in n.draft.citations
    ),
    "law.penalty_clause_mismatch": _check_mismatch,
    "law.missing_paragraph": lambda o, n, s: (
        sum(c.paragraph is None for c in n.draft.citations)
        > sum(c.paragraph is None for c in o.draft.citations)
    ),
    "law.abbreviated_law_name": lambda o, n, s: bool(
        {c.law_name for c in n.draft.citations} - {c.law_name for c in o.draft.citations}
    ),
    "procedure.hearing_not_held": _check_hearing,
    "procedure.decision_before_window": lambda o, n, s: (
        n.record.decision_date is not None and n.record.decision_date < _window_end(n)
    ),
    "procedure.over_90_days": _check_over_90,
    "procedure.wrong_remedy_period": lambda o, n, s: (
        n.draft.litigation_months == 3 or n.draft.review_days == 30
    ),
    "procedure.simple_procedure_over_limit": _check_simple,
    "discretion.above_statutory_max": lambda o, n, s: _fine(n) > _fine(o),
    "discretion.below_statutory_min": lambda o, n, s: 0 < _fine(n) < _fine(o),
    "discretion.outside_benchmark_tier": lambda o, n, s: _fine(n) != _fine(o),
    "discretion.mitigation_ignored": lambda o, n, s: _fine(n) > _fine(o),
    "discretion.heavier_after_statement": _check_heavier,
    "discretion.no_reasons": lambda o, n, s: (
        bool(_REASONS.search(o.draft.text)) and not _REASONS.search(n.draft.text)
    ),
    "other.double_fine": lambda o, n, s: (
        _fine(n) > _fine(o) and "；" in (n.draft.fine.text if n.draft.fine else "")
    ),
    "other.cash_to_officer": lambda o, n, s: all(
        w in (n.draft.payment_text or "") for w in ("执法人员", "现金")
    ),
    "other.full_id_number": lambda o, n, s: re.search(r"[0-9]{17}[0-9X]", n.draft.text) is not None,
    "other.minor_party": lambda o, n, s: bool(
        n.record.party and n.record.party.age == 13 and n.record.party.kind == "自然人"
    ),
    "other.no_referral": lambda o, n, s: "轻伤" in (n.draft.facts or ""),
}


def test_every_defect_has_a_check() -> None:
    assert set(CHECKS) == {d.code for d in catalogue()} - PARAM_GATED


@pytest.mark.parametrize(("code", "name"), PAIRS)
def test_mutator_plants_the_defect_it_names(
    code: str, name: str, seeded: dict[tuple[str, str], dict[str, Any]], law_store: LawStore, tmp_path: Path
) -> None:
    if (code, name) not in seeded:
        pytest.skip(f"{code} 不适用于 {name}")
    orig = load_case(EXAMPLES / name)
    new = _load(seeded[(code, name)], tmp_path)
    assert CHECKS[code](orig, new, law_store), f"{code} 未在 {name} 中植入"


def test_same_seed_same_case_other_seed_may_differ(
    law_store: LawStore, clean: dict[str, dict[str, Any]]
) -> None:
    d = get_defect("discretion.above_statutory_max")
    case = clean["ex01-lajifenlei.yaml"]
    assert d.apply(case, Random(3), law_store) == d.apply(case, Random(3), law_store)
    fines = {load_fine(d.apply(case, Random(s), law_store)) for s in range(8)}
    assert len(fines) > 1


def load_fine(case: dict[str, Any]) -> float:
    from review.draft_parser import parse_draft

    fine = parse_draft(case["draft"]).fine
    assert fine is not None
    return fine.yuan


def test_two_defects_in_sequence_accumulate_the_key(
    law_store: LawStore, clean: dict[str, dict[str, Any]]
) -> None:
    case = get_defect("law.missing_paragraph").apply(clean["ex01-lajifenlei.yaml"], Random(1), law_store)
    assert case["expected"]["conclusion"] == "修改后同意"
    case = get_defect("procedure.over_90_days").apply(case, Random(1), law_store)
    exp = case["expected"]
    assert exp["conclusion"] == "不同意"
    assert exp["criteria"]["law"] == exp["criteria"]["procedure"] == "issue"
    assert [n["code"] for n in exp["notes"]] == ["law.missing_paragraph", "procedure.over_90_days"]


# ---------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (5000, "伍仟元整"),
        (10000, "壹万元整"),
        (1000, "壹仟元整"),
        (12000, "壹万贰仟元整"),
        (30500, "叁万零伍佰元整"),
        (100000, "壹拾万元整"),
        (3680, "叁仟陆佰捌拾元整"),
    ],
)
def test_upper_case_amounts(amount: int, words: str) -> None:
    assert yuan_upper(amount) == words
    assert yuan_upper(amount, zheng=False) == words.removesuffix("整")


@given(st.integers(min_value=1, max_value=99_999_999))
def test_upper_case_amounts_read_back(amount: int) -> None:
    assert parse_amount("人民币" + yuan_upper(amount)) == amount


@pytest.mark.parametrize(
    ("text", "old", "new", "want"),
    [
        ("罚款人民币伍仟元整（¥5,000.00）", 5000, 36000, "罚款人民币叁万陆仟元整（¥36,000.00）"),
        ("罚款人民币壹仟元整。", 1000, 200, "罚款人民币贰佰元整。"),
        ("罚款人民币五千元", 5000, 1200, "罚款人民币一千二百元"),
        ("罚款3000元", 3000, 4500, "罚款4500元"),
        ("罚款3万元", 30000, 45000, "罚款4.5万元"),
        ("罚款人民币伍仟元整", 1000, 2000, "罚款人民币伍仟元整"),
    ],
)
def test_rewrite_amounts_keeps_the_style(text: str, old: float, new: float, want: str) -> None:
    assert rewrite_amounts(text, old, new)[0] == want


def test_move_dates_only_touches_dates_in_their_context() -> None:
    text = "当事人于2025年6月11日补设容器。本机关于2025年6月11日立案调查。2025年6月11日复查笔录。"
    moved, n = move_dates(text, [(dt.date(2025, 6, 11), dt.date(2025, 6, 5), FILED_CONTEXT)])
    assert n == 1
    assert moved == "当事人于2025年6月11日补设容器。本机关于2025年6月5日立案调查。2025年6月11日复查笔录。"


def test_fake_id_number_has_a_valid_checksum() -> None:
    number = fake_id_number(Random(5), "110105", dt.date(1980, 5, 17))
    assert re.fullmatch(r"11010519800517[0-9]{3}[0-9X]", number)
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert "10X98765432"[sum(int(c) * w for c, w in zip(number, weights, strict=False)) % 11] == number[-1]


def test_consistency_check_catches_a_half_moved_date(clean: dict[str, dict[str, Any]]) -> None:
    case = copy.deepcopy(clean["ex01-lajifenlei.yaml"])
    assert consistency_problems(case) == []
    case["record"]["decision_date"] = dt.date(2025, 7, 4)
    case["record"]["filed_date"] = dt.date(2025, 6, 12)
    problems = consistency_problems(case)
    assert any("决定日期" in p for p in problems) and any("立案日期" in p for p in problems)


# ---------------------------------------------------------------------------- keys a legal reviewer would sign


@pytest.mark.parametrize(
    "code",
    [
        "facts.inconsistent_party_name",
        "facts.suspected_wording",
        "facts.date_order",
        "facts.inconsistent_date",
    ],
)
def test_facts_defects_are_severe(code: str) -> None:
    # 事实不清 / 主要证据不足 → 不同意 (行政处罚法第四十条; teaching examples EX03, EX05).
    assert get_defect(code).severity == Severity.SEVERE


def test_no_reasons_needs_a_fine_above_the_minimum_and_leaves_no_reasoning(
    law_store: LawStore, clean: dict[str, dict[str, Any]], seeded: dict[tuple[str, str], dict[str, Any]]
) -> None:
    d = get_defect("discretion.no_reasons")
    # EX04 fines the statutory minimum (一万元 of 一万元以上十万元以下): no reasons are owed.
    assert not d.applies(clean["ex04-jiangmen-yangchen.yaml"], law_store)
    for name in ("ex01-lajifenlei.yaml", "ex08-paibian.yaml"):
        text = seeded[("discretion.no_reasons", name)]["draft"]
        outside_quotes = re.sub(r"“[^”\n]*”", "", text)
        assert not re.search(r"裁量|从轻|从重|减轻|酌情|基准|考虑", outside_quotes), name


def test_full_id_number_key_only_for_a_published_decision(
    clean: dict[str, dict[str, Any]], seeded: dict[tuple[str, str], dict[str, Any]]
) -> None:
    for name in CLEAN_FILES:
        assert not re.search(r"公开|公示", clean[name]["draft"])
        lines = [
            ln.strip() for ln in seeded[("other.full_id_number", name)]["draft"].split("\n") if ln.strip()
        ]
        # Publication is stated once, as its own paragraph right before the signing agency.
        at = lines.index(PUBLICATION_SENTENCE)
        assert lines[at + 1] == clean[name]["agency"] and sum("公开" in ln for ln in lines) == 1, name


def test_wrong_penalty_clause_puts_the_fine_strictly_inside_its_range(
    law_store: LawStore, seeded: dict[tuple[str, str], dict[str, Any]], tmp_path: Path
) -> None:
    # At an end of the wrong range (顶格 though 从轻) the case would carry a second, discretion defect.
    from evals.defects import statutory_range

    for name in CLEAN_FILES:
        case = _load(seeded[("law.penalty_clause_mismatch", name)], tmp_path)
        orig = load_case(EXAMPLES / name)
        assert case.draft.fine is not None and case.record.violation_date is not None
        new = [
            c
            for c in case.draft.citations
            if c.role == "penalty"
            and (c.law_name, c.article_no, c.paragraph, c.item) not in _penalty_refs(orig)
        ]
        ranges = [r for c in new if (r := statutory_range(law_store, c, case.record.violation_date))]
        old = {
            (r.low, r.high)
            for c in orig.draft.citations
            if c.role == "penalty"
            if (r := statutory_range(law_store, c, case.record.violation_date))
        }
        assert ranges, name
        # Another 项 of the same paragraph shares the original range: the fine stands where it stood.
        assert all(
            (r.low, r.high) in old
            or (r.low is not None and r.high is not None and r.low < case.draft.fine.yuan < r.high)
            for r in ranges
        ), name


@pytest.mark.parametrize(
    ("law", "article", "paragraph", "item", "role", "matters"),
    [
        # 第三十五条: only 第一款 lists items — 第三十五条第（三）项 is unambiguous.
        ("北京市生活垃圾管理条例", 35, 1, 3, "violated", False),
        # 第六十八条: two 款, each a different penalty — the 款 decides which one.
        ("北京市生活垃圾管理条例", 68, 1, None, "penalty", True),
        # 第七十二条: two 款 with different duties (堆存 / 码头、矿山).
        ("中华人民共和国大气污染防治法", 72, 1, None, "violated", True),
        # 第一百一十七条: one paragraph with items — there is no 款 to drop.
        ("中华人民共和国大气污染防治法", 117, None, 2, "penalty", False),
    ],
)
def test_dropped_paragraph_matters_only_when_it_identifies_the_rule(
    law_store: LawStore,
    law: str,
    article: int,
    paragraph: int | None,
    item: int | None,
    role: str,
    matters: bool,
) -> None:
    from evals.defects import _paragraph_matters
    from review.models import CitedProvision

    key = law_store.find_law(law)
    assert key is not None
    version = next(v for v in law_store.versions(key) if v.in_force_on(dt.date(2025, 6, 1)))
    art = next(a for a in version.articles if a.no == article and not a.suffix)
    cp = CitedProvision(text=law, law_name=law, article_no=article, paragraph=paragraph, item=item, role=role)
    assert _paragraph_matters(art, cp, role) is matters


def test_unsupported_amount_only_where_no_statement_may_show_the_income(
    law_store: LawStore, clean: dict[str, dict[str, Any]]
) -> None:
    d = get_defect("facts.unsupported_amount")
    # EX01's 询问笔录 says it proves the start of the act and the waste hand-over, not the money.
    assert d.applies(clean["ex01-lajifenlei.yaml"], law_store)
    # EX04 and EX08 list a party's 询问笔录 without saying what it proves: it may state the income.
    assert not d.applies(clean["ex04-jiangmen-yangchen.yaml"], law_store)
    assert not d.applies(clean["ex08-paibian.yaml"], law_store)


def test_wrong_department_is_never_a_comprehensive_enforcement_body(
    law_store: LawStore, clean: dict[str, dict[str, Any]]
) -> None:
    d = get_defect("authority.wrong_department")
    for name in CLEAN_FILES:
        for seed in range(6):
            assert "综合" not in d.apply(clean[name], Random(seed), law_store)["agency"]


def test_raised_fines_stay_below_the_hearing_threshold_when_no_hearing_was_offered(
    law_store: LawStore, clean: dict[str, dict[str, Any]]
) -> None:
    # EX08: a 个体工商户 told only of 陈述、申辩; at 较大数额 a hearing would have had to be offered.
    cap = param("hearing_large_fine_person", dt.date(2025, 4, 8)).value
    for code in ("discretion.above_statutory_max", "discretion.heavier_after_statement"):
        for seed in range(8):
            assert (
                load_fine(get_defect(code).apply(clean["ex08-paibian.yaml"], Random(seed), law_store)) < cap
            )
