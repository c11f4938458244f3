"""The detector's threshold is chosen for what rules and detector find together."""

from training.safety_threshold import choose_detector_threshold
from triage.rules.urgency import SafetyRules
from triage.text.normalize import normalize

RULES = SafetyRules.load()


def test_the_threshold_leaves_the_rules_work_to_the_rules_and_stops_above_the_false_alarms():
    texts = [normalize(t) for t in [
        "单元门口有很重的煤气味",              # a rule finds it whatever the detector says
        "我家门口那个配电箱噼里啪啦冒火花",      # only the detector can find it
        "小区停车位太少了",                    # not an emergency, the detector is unsure
        "物业费太贵了",                        # not an emergency
    ]]
    proba = [0.05, 0.7, 0.4, 0.1]
    threshold, figures = choose_detector_threshold(RULES, texts, proba, [True, True, False, False])
    assert 0.4 < threshold <= 0.7
    assert (figures["recall"], figures["precision"]) == (1.0, 1.0)
    assert figures["rules_recall"] == 0.5


def test_a_vetoed_learned_emergency_does_not_count():
    texts = [normalize("没有煤气味了，燃气公司已经来修过"), normalize("我家门口那个配电箱噼里啪啦冒火花")]
    threshold, figures = choose_detector_threshold(RULES, texts, [0.99, 0.6], [False, True])
    assert threshold <= 0.6
    assert figures["precision"] == 1.0
