from importlib import resources

import pytest

from ingest.forms import form_by_id
from ingest.places import divisions, misread_place
from ingest.template import default_template
from tests.ingest.trust_docs import seed_document

TEMPLATES = [default_template(), form_by_id("project_expenditure").template]

# Department and unit names as budget forms across China print them: cities, districts, counties
# and banners, autonomous regions, prefectures and counties, development zones and new areas
# (no division of the list), and 市/区 starting an ordinary word (市场, 城市, 区级).
REAL_NAMES = [
    "广州市天河区教育局",
    "北京市海淀区市场监督管理局",
    "上海市浦东新区财政局",
    "内蒙古自治区财政厅",
    "广西壮族自治区教育厅",
    "新疆维吾尔自治区人力资源和社会保障厅",
    "宁夏回族自治区民政厅",
    "西藏自治区林业和草原局",
    "深圳市南山区城市管理和综合执法局",
    "成都高新技术产业开发区财政金融局",
    "西安高新技术产业开发区管理委员会",
    "北京经济技术开发区财政审计局",
    "苏州工业园区经济发展委员会",
    "郑州航空港经济综合实验区财政局",
    "重庆市两江新区管理委员会",
    "河北雄安新区管理委员会",
    "兰州新区管理委员会",
    "大连金普新区财政局",
    "天津市滨海新区发展和改革委员会",
    "韶关市浈江区人民政府办公室",
    "韶关市浈江区东河街道社区卫生服务中心",
    "中共韶关市委组织部",
    "广州市市场监督管理局",
    "湛江市赤坎区区级预算部门(单位)项目支出绩效目标申报表",
    "东莞市自然资源局",
    "佛山市南海区农业农村局",
    "江门市蓬江区住房和城乡建设局",
    "揭阳市榕城区财政局",
    "汕尾市城区民政局",
    "晋城市城区财政局",
    "湘西土家族苗族自治州财政局",
    "恩施土家族苗族自治州教育局",
    "峨边彝族自治县人民医院",
    "乳源瑶族自治县财政局",
    "连南瑶族自治县民族宗教事务局",
    "本溪满族自治县水务局",
    "鄂尔多斯市伊金霍洛旗应急管理局",
    "锡林郭勒盟行政公署",
    "阿拉善盟财政局",
    "贵阳市观山湖区教育局",
    "乌鲁木齐市天山区人民政府",
    "仙桃市财政局",
    "神农架林区财政局",
    "长治市屯留区教育局",  # 屯留县 until 2018: a county made a district keeps its name
    # districts made since 2016, one character from older names (南山区, 钱塘江's 上城区 ...)
    "深圳市坪山区财政局",
    "深圳市光明区教育局",
    "杭州市钱塘区财政局",
    "杭州市临平区民政局",
    "长治市潞州区财政局",
    "三沙市西沙区管理委员会",
]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_department_names_are_no_misread_place(name, template):
    assert misread_place(name, template) is None


def test_the_seeds_department_and_title_are_no_misread_place():
    seed = seed_document()
    for value in (seed.department, seed.title):
        assert misread_place(value, default_template()) is None


@pytest.mark.parametrize(
    ("value", "found", "first", "corrected"),
    [
        # 韶关市 (4402) has 武江区, 浈江区 and 曲江区: all one character away, so no guess
        ("韶关市淡江区财政局", "淡江区", ("武江区", "浈江区", "曲江区"), None),
        ("广东省韶关市淡江区财政局", "淡江区", ("武江区", "浈江区", "曲江区"), None),
        ("韶关淡江区财政局", "淡江区", (), None),  # after 韶关市 written without 市
        # none under 湛江市: those of 广东 (44) first
        ("湛江市淡江区市场监督管理局", "淡江区", ("武江区", "浈江区", "曲江区"), None),
        ("淡江区财政局", "淡江区", (), None),
        # only 浈江区 under 韶关市 (贾汪区 is in 徐州)
        ("韶关市浈汪区财政局", "浈汪区", ("浈江区",), "韶关市浈江区财政局"),
        ("韶美市浈江区财政局", "韶美市", (), None),  # 韶关市 or 韶山市
        ("2026年韶美市财政局部门整体支出绩效目标表", "韶美市", (), None),  # after the year
        ("中共淡江区委", None, (), None),  # after a word, not a division: not judged
        ("广州市天可区教育局", "天可区", ("天河区",), "广州市天河区教育局"),
        ("内蒙古自治医财政厅", None, (), None),  # no suffix left to judge
        (
            "湘西土家族苗族自冶州财政局",
            "湘西土家族苗族自冶州",
            ("湘西土家族苗族自治州",),
            "湘西土家族苗族自治州财政局",  # the one name in all, none named before it
        ),
    ],
)
def test_a_name_one_character_from_a_known_division_is_a_misread_place(
    value, found, first, corrected
):
    place = misread_place(value, default_template())
    if found is None:
        assert place is None
        return
    assert place is not None and place.found == found
    assert place.candidates[: len(first)] == first
    assert place.corrected == corrected


@pytest.mark.parametrize(
    "value",
    [
        "珠海市高新区财政局",  # 高新区 is a word, one character from 清新区
        "重庆两江新区财政局",  # 江新区 starts inside 两江
        "深圳市南山区城市管理局",  # 区城市 overlaps 南山区
        "杭州市临安区财政局",  # 临安市 made a district
    ],
)
def test_a_word_a_part_of_a_word_or_a_renamed_division_is_no_misread_place(value):
    assert misread_place(value, default_template()) is None


def test_the_divisions_are_read_once_from_the_packaged_list():
    text = resources.files("ingest").joinpath("data/divisions.tsv").read_text(encoding="utf-8")
    first, *rows = text.splitlines()
    assert "jionlp" in first and "Apache" in first
    assert rows == sorted(rows) and len(rows) == len(set(rows)) > 3000
    known = divisions()
    assert known is divisions()
    assert {"浈江区", "韶关市", "广东省", "本溪满族自治县"} <= set(known.codes)
    assert known.codes["浈江区"] == ("440204",)
    assert not [n for n in known.codes if "直辖" in n]  # placeholders of the code table
    assert set("区县市旗州盟省") <= known.suffixes
