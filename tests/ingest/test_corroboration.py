from ingest.corroboration import read_again

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
