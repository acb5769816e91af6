"""Teaching and evaluation cases generated from clean ones by seeding catalogued defects.

`generate` seeds chosen defects into one case; `generate_many` makes N cases from the clean examples of a
directory (clean = answer key conclusion 同意), one defect each, spread over the whole catalogue, with
unique ids such as GEN-0001-procedure.over_90_days. The evaluation harness reviews them and compares the
review with the answer key written by the mutators.

Run `python -m evals.casegen [N] [--seed S] [--cases DIR]` to see, for each generated case, whether the
current review flags the criterion of the seeded defect (measurement, not a test).
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Sequence
from pathlib import Path
from random import Random
from typing import Any

import yaml

from corpus.store import LawStore
from evals.defects import (
    CRITERIA,
    Defect,
    MutationError,
    catalogue,
    default_store,
    get_defect,
)

CLEAN_CONCLUSION = "同意"
_KEY_ORDER = ("case_id", "title", "jurisdiction", "agency", "decision_type", "procedure", "record", "draft",
              "expected")


# ---------------------------------------------------------------------------- YAML in and out


class _CaseDumper(yaml.SafeDumper):
    """Case files as people write them: block style, the draft as a literal block, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        # Literal block; PyYAML falls back to a quoted style by itself when a line cannot be literal.
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_CaseDumper.add_representer(str, _str_representer)


def dump_case(case: dict[str, Any]) -> str:
    """The case as YAML text in the format of cases/README.md (keys in the usual order)."""
    ordered = {k: case[k] for k in _KEY_ORDER if k in case}
    ordered.update({k: v for k, v in case.items() if k not in ordered})
    return yaml.dump(ordered, Dumper=_CaseDumper, allow_unicode=True, sort_keys=False, width=4096)


def write_case(case: dict[str, Any], path: Path) -> Path:
    """Write a case file (UTF-8); returns the path."""
    path.write_text(dump_case(case), encoding="utf-8")
    return path


def read_case(path: Path) -> dict[str, Any]:
    """The raw mapping of a YAML case file (dates as dates); errors in Chinese via review.intake."""
    from review.intake import IntakeError, decode_text

    text = decode_text(Path(path).read_bytes(), path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IntakeError(path, f"YAML 格式错误（{exc}）", hint="请检查缩进、冒号和引号") from exc
    if not isinstance(data, dict) or not isinstance(data.get("draft"), str):
        raise IntakeError(path, "不是案件文件：顶层应为映射且包含决定书草稿 draft",
                          hint="请参照案件文件格式说明（cases/README.md）")
    return data


def is_clean(case: dict[str, Any]) -> bool:
    """A clean example: its answer key concludes 同意 with every criterion ok."""
    expected = case.get("expected")
    if not isinstance(expected, dict) or expected.get("conclusion") != CLEAN_CONCLUSION:
        return False
    criteria = expected.get("criteria") or {}
    return all(criteria.get(c, "ok") == "ok" for c in CRITERIA)


def clean_cases(clean_dir: Path) -> list[dict[str, Any]]:
    """The clean cases of a directory, by file name."""
    out = []
    for path in sorted(Path(clean_dir).glob("*.y*ml")):
        case = read_case(path)
        if is_clean(case):
            out.append(case)
    return out


# ---------------------------------------------------------------------------- generation


def _check_compatible(defects: Sequence[Defect]) -> None:
    seen: dict[str, str] = {}
    for d in defects:
        for part in d.touches:
            if part in seen and seen[part] != d.code:
                raise MutationError(
                    f"缺陷 {seen[part]} 与 {d.code} 都要改动同一部分（{part}），不能植入同一案件；"
                    "请分别生成。"
                )
            seen[part] = d.code


def generate(clean_case: dict[str, Any], defect_codes: Sequence[str], rng: Random, *,
             store: LawStore | None = None, case_id: str | None = None) -> dict[str, Any]:
    """`clean_case` with each defect of `defect_codes` seeded in turn and the answer key updated.

    Raises MutationError (Chinese message) when a code is unknown, two defects rewrite the same part, or a
    defect does not apply to the case as it stands.
    """
    if not defect_codes:
        raise MutationError("至少要指定一个缺陷代码（--defect）。")
    defects = [get_defect(code) for code in defect_codes]
    if len({d.code for d in defects}) != len(defects):
        raise MutationError("同一缺陷代码重复指定。")
    _check_compatible(defects)
    store = store or default_store()
    source = str(clean_case.get("case_id") or "CASE")
    case = copy.deepcopy(clean_case)
    for d in defects:
        case = d.apply(case, rng, store)
    case["case_id"] = case_id or f"{source}-" + "-".join(d.code for d in defects)
    expected = case["expected"]
    expected["generated_from"] = source
    return case


def generate_many(
    clean_dir: Path, n: int, seed: int, *, store: LawStore | None = None
) -> list[dict[str, Any]]:
    """N cases, one defect each, from the clean cases of `clean_dir`.

    Defects are taken in catalogue order round after round so that every applicable defect appears before
    any repeats; each gets a clean case it applies to, chosen at random. Case ids: GEN-0001-<code>.
    """
    if n <= 0:
        return []
    store = store or default_store()
    rng = Random(seed)
    sources = clean_cases(clean_dir)
    if not sources:
        raise MutationError(f"{clean_dir} 中没有结论为“同意”的干净案例，无法生成。")
    pairs = {d.code: [c for c in sources if d.applies(c, store)] for d in catalogue()}
    usable = [d for d in catalogue() if pairs[d.code]]
    if not usable:
        raise MutationError("没有任何缺陷适用于这些干净案例。")
    out: list[dict[str, Any]] = []
    failures = 0
    i = 0
    while len(out) < n:
        d = usable[i % len(usable)]
        i += 1
        options = pairs[d.code]
        source = options[rng.randrange(len(options))]
        case_id = f"GEN-{len(out) + 1:04d}-{d.code}"
        try:
            out.append(generate(source, [d.code], rng, store=store, case_id=case_id))
        except MutationError:
            # A random choice (a date on a holiday, an amount) can make one attempt impossible; try others.
            failures += 1
            if failures > 10 * n + len(usable):
                raise
    return out


# ---------------------------------------------------------------------------- measurement


def detection_rows(cases: Sequence[dict[str, Any]], store: LawStore,
                   tmp_dir: Path) -> list[dict[str, str]]:
    """For each generated case: seeded criterion, the review's verdict on it, and extra criteria flagged."""
    from review.engine import run_review
    from review.intake import load_case
    from review.models import Verdict

    rows = []
    for case in cases:
        path = write_case(case, tmp_dir / f"{case['case_id']}.yaml")
        review = run_review(load_case(path), store)
        verdicts = {r.criterion.value: r.verdict for r in review.criteria}
        expected = case["expected"]
        seeded = [note["criterion"] for note in expected["notes"] if note.get("code")]
        extra = [c for c in CRITERIA
                 if verdicts[c] == Verdict.ISSUE and expected["criteria"].get(c) != "issue"]
        rows.append({
            "case_id": case["case_id"],
            "defect": ",".join(expected.get("defects") or []),
            "criterion": ",".join(seeded),
            "verdict": ",".join(verdicts[c].value for c in seeded),
            "caught": "yes" if all(verdicts[c] == Verdict.ISSUE for c in seeded) else "no",
            "extra": ",".join(extra),
            "conclusion": f"{review.conclusion.value}/{expected['conclusion']}",
        })
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(
        description="生成植入缺陷的案例并检查当前审核能否发现（测量，不是测试）。"
    )
    parser.add_argument("n", nargs="?", type=int, default=0, help="生成数量；0 = 每个适用缺陷各一件")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "cases"
                        / "examples")
    args = parser.parse_args(argv)
    store = default_store()
    n = args.n or sum(1 for d in catalogue() if any(d.applies(c, store) for c in clean_cases(args.cases)))
    cases = generate_many(args.cases, n, args.seed, store=store)
    with tempfile.TemporaryDirectory() as tmp:
        rows = detection_rows(cases, store, Path(tmp))
    print("| case | criterion | verdict | caught | extra issues | conclusion (got/expected) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        cells = (r["case_id"], r["criterion"], r["verdict"], r["caught"], r["extra"], r["conclusion"])
        print("| " + " | ".join(cells) + " |")
    caught = sum(r["caught"] == "yes" for r in rows)
    print(f"\ncaught: {caught}/{len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
