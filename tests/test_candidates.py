from training.candidates import select_candidates

POOL = [
    {"id": "a", "text": "小区停水两天了"},
    {"id": "b", "text": "暖气不热，屋里很冷"},
    {"id": "c", "text": "咨询孩子入学的问题"},
    {"id": "d", "text": "学校门口每天都很拥堵", "handled_by": "交警支队"},
]


def test_every_family_word_makes_a_candidate_and_each_says_why():
    chosen = dict(select_candidates(POOL, {"c": {"category": "water", "needs_review": True}}, random=0))
    assert chosen == {"a": "family:water", "b": "nearmiss:heating", "d": "nearmiss:traffic",
                      "c": "model:in_scope"}


def test_the_draw_is_fixed_by_the_seed():
    assert select_candidates(POOL, random=2) == select_candidates(POOL, random=2)
    assert dict(select_candidates(POOL, near_miss_each=0, random=0)) == {"a": "family:water", "d": "handled_by"}
