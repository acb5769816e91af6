"""Reading what a penalty clause penalises (corpus.penalty_refs), table-driven."""

from __future__ import annotations

import pytest

from corpus.penalty_refs import ProvisionRef, is_penalty_text, penalised_in_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("违反本条例第三十五条第一款第（一）项、第三十六条规定的，处罚款。", [(35, 1, 1), (36, None, None)]),
        # A law titled …规定 calls itself 本规定: its 规定 does not close the clause.
        (
            "小作坊违反本规定第九条第二款规定、小餐饮店违反本规定第十条规定，未取得许可的，处罚款。",
            [(9, 2, None), (10, None, None)],
        ),
        ("非居民用户有本条例第三十条规定情形之一的，处二万元以上罚款。", [(30, None, None)]),
        ("违反本规定，有下列情形之一的，处罚款：", []),
        ("违反本法规定，有下列行为之一的，由主管部门责令改正，处罚款：", []),
    ],
)
def test_penalised_in_text(text: str, expected: list[tuple[int, int | None, int | None]]) -> None:
    refs = penalised_in_text(text, article=60, suffix=0, paragraph=None)
    assert [(r.article, r.paragraph, r.item) for r in refs] == expected
    assert all(r.law is None for r in refs)


def test_references_to_another_law_keep_its_name() -> None:
    (ref,) = penalised_in_text("违反《中华人民共和国广告法》第九条规定的，依照该法处罚。", 10, 0, None)
    assert ref == ProvisionRef(9, law="中华人民共和国广告法")


@pytest.mark.parametrize(
    ("text", "penalty"),
    [
        ("处五千元以上五万元以下罚款", True),
        ("由城市管理综合行政执法部门依照《北京市生活垃圾管理条例》进行处罚。", True),
        ("依照有关城乡规划的法律、法规进行处罚。", True),
        ("产生厨余垃圾的单位应当分类投放。", False),
    ],
)
def test_is_penalty_text(text: str, penalty: bool) -> None:
    assert is_penalty_text(text) is penalty
