"""Every answer's explanation has the documented shape (triage.explanation), numbered by its schema."""

from typing import get_type_hints

from triage.explanation import EXPLANATION_SCHEMA, Explanation

TEXTS = ["小区停水两天了", "单元门口有很重的煤气味，赶紧派人来看看", "三号楼楼道里的水管爆了，楼里没有物业没人管",
         "上周燃气管道漏气已经修好了", "邻居家装修太吵", "路灯不亮"]


def test_each_part_of_the_explanation_has_its_documented_keys(triager):
    parts = get_type_hints(Explanation)
    for result in triager.triage_many(TEXTS):
        why = result.explanation
        assert set(why) == set(Explanation.__required_keys__) and why["schema"] == EXPLANATION_SCHEMA
        for name, shape in parts.items():
            if name == "schema":
                continue
            keys = set(why[name])
            assert shape.__required_keys__ <= keys <= shape.__required_keys__ | shape.__optional_keys__, (name, keys)
