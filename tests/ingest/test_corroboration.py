from ingest.corroboration import mended_from_elsewhere, read_again

GOAL = "在市委市政府的坚强领导下，惠州市生态环境局认真履行部门职责，持续改善生态环境质量。"


def test_a_name_printed_whole_in_a_paragraph_is_read_again():
    assert read_again("惠州市生态环境局", [GOAL])
    assert read_again("清远市残疾人联合会", ["清远市残疾人联合会围绕促进残疾人全面发展"])
    assert read_again("惠州市生态环境局", ["在市委的领导下，惠州市生态\n环境局认真履行职责"])


def test_a_name_that_lost_characters_under_the_seal_is_not():
    assert not read_again("市生态环境局", [GOAL])  # its place lost: `惠州` stands before it
    assert not read_again("惠州市生态环境", [GOAL])  # its last character lost
    assert not read_again("惠州市生态环境局", ["惠州市生态环境局办公室负责"])  # part of a name


def test_short_values_figures_and_names_printed_nowhere_else_are_not():
    assert not read_again("环境局", ["环境局负责"])
    assert not read_again("1234", ["1234人"])
    assert not read_again("韶关市农业农村局", [GOAL])


ELSEWHERE = ["残疾人就业培训经费", "残疾人政策知晓率", "全市残疾人事业持续发展"]


def test_a_misread_character_is_mended_by_the_words_printed_elsewhere():
    assert mended_from_elsewhere("段疾人两项补贴", [0], ELSEWHERE) == "残疾人两项补贴"


def test_nothing_is_mended_where_the_neighbours_are_printed_nowhere_else():
    assert mended_from_elsewhere("耕地质量调荃", [5], ELSEWHERE) is None


def test_neighbours_printed_around_several_characters_mend_nothing():
    elsewhere = ["资金支付及时率", "资金支付完成率"]
    assert mended_from_elsewhere("资金支付某率", [4], elsewhere) is None


def test_one_neighbour_is_too_little_context():
    assert mended_from_elsewhere("段疾", [0], ELSEWHERE) is None


def test_two_characters_mended_differently_leave_the_value_as_read():
    elsewhere = ["残疾人就业", "培训经费"]
    assert mended_from_elsewhere("段疾人培川经费", [0, 4], elsewhere) is None
