import pytest

from triage import mask_pii


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话[手机号]"),
        ("电话138-1234-5678", "电话[手机号]"),
        ("电话 +86 13812345678", "电话 [手机号]"),
        ("座机0731-84123456", "座机[固话]"),
        ("身份证430102198507152316", "身份证[身份证号]"),
        ("身份证号码43010219850715231X", "身份证号码[身份证号]"),
        ("邮箱 zhang.san@qq.com 联系", "邮箱 [邮箱] 联系"),
        ("车牌湘A·3K527挡路", "车牌[车牌]挡路"),
        ("湘AD12345", "[车牌]"),
        ("我叫王建国，住3栋", "我叫[姓名]，住3栋"),
        ("联系人：李秀英", "联系人：[姓名]"),
        ("请张先生回电", "请某先生回电"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    ["A市A3区幸福路120号停水三天了", "2019年8月2日14:33缴纳35元水费", "18号楼2单元501室"],
)
def test_ordinary_text_is_left_alone(text):
    assert mask_pii(text) == text


def test_skipping_patterns_a_text_cannot_match_changes_nothing():
    from triage.text.pii import _PATTERNS

    def every_pattern(text):
        for pattern, replacement, _ in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    texts = ["我叫王建国，电话13812345678，身份证430102198507152316", "车牌湘A·3K527的张先生", "邮箱 a@b.cn，李秀英，",
             "来电人张三反映小区停水", "联系人：李秀英", "没有数字也没有字母的投诉，王师傅，", "湘AD12345 王五，",
             "ＡＢＣ１２３＠ｑｑ．ｃｏｍ", "١٢٣٤٥٦٧٨ 阿拉伯数字", "", "住户陈小明 0731-84123456", "电话 138 1234 5678",
             "+86 139-1234-5678", "2019年8月2日14:33缴费", "编号1234567，", "0731 8412345", "123456789012345678"]
    for text in texts:
        assert mask_pii(text) == every_pattern(text)


def test_the_standalone_name_pattern_equals_its_lookbehind_first_form():
    import re

    from triage.text.pii import _PATTERNS, _SURNAMES

    plain = re.compile(rf"(?<![\u4e00-\u9fff])[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}(?=[,，。:：；;、\s]|$)")
    fast = _PATTERNS[9][0]
    texts = ["王建国，李四。", "张三", "，赵六 ", "你好王五\n", "\n李四，", "a王五,", "1王五。", "王王王，", "我王五，",
             "王", ""]
    for text in texts:
        assert fast.sub("[姓名]", text) == plain.sub("[姓名]", text), text
