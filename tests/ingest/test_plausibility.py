"""Paragraphs judged as Chinese against jieba's general word list and the template's words."""

import json
import re
from pathlib import Path

import pytest

from ingest.confidence import assess
from ingest.plausibility import (
    implausible_stretch,
    lookalike_in_word,
    rare_lone_character,
    unworded_pair,
)
from ingest.template import default_template
from ingest.validate import run_checks
from models.contract import FieldStatus
from tests.ingest.trust_docs import IDENTITY, mapped, seed_document

TEMPLATE = default_template()
SEED = json.loads((Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json").read_text())
PARAGRAPHS = [SEED["overall_goal"], *(t["content"] for t in SEED["tasks"])]
# The seed table's real short values: the department, task names, indicator names and values.
SEED_SHORT_VALUES = [SEED["department"], *(t["name"] for t in SEED["tasks"])] + [
    v for i in SEED["indicators"] for v in (i["name"], i["value"]) if v
]
GARBLED = ["协联晚力地们用江站沿能益", "国经拓服文侨介用权律华地"]


def test_real_paragraphs_read_as_chinese():
    assert [implausible_stretch(p, TEMPLATE) for p in PARAGRAPHS] == [None] * len(PARAGRAPHS)
    assert implausible_stretch("不低于上年度水平", TEMPLATE) is None  # too short to judge


@pytest.mark.parametrize("prefix", GARBLED)
def test_a_garbled_start_is_found(prefix):
    stretch = implausible_stretch(prefix + PARAGRAPHS[0], TEMPLATE)
    assert stretch is not None and stretch[:4] in prefix + PARAGRAPHS[0][:14]


def test_a_garbled_paragraph_is_flagged_whatever_its_confidence():
    doc = seed_document(tasks__0__content=GARBLED[0] + PARAGRAPHS[1])
    judged = assess(mapped(doc), run_checks(doc, TEMPLATE), TEMPLATE, IDENTITY)
    records = {f.path: f for f in judged.fields}
    assert records["tasks[0].content"].status == FieldStatus.FLAGGED
    assert records["tasks[0].content"].reasons == ["garbled"]
    assert records["tasks[1].content"].status == FieldStatus.ACCEPTED


@pytest.mark.parametrize(
    ("text", "rare"),
    [
        ("校园安全检查完成辜", "辜"),  # 率 read as a rare look-alike
        ("资金使用合规宰", "宰"),
        ("≥13场茨", "茨"),
        ("韶关市浈江区卫生健康局", None),  # a rare character inside a place name's word
        ("资金使用合规率", None),
    ],
)
def test_a_rare_character_standing_in_no_word_is_found(text, rare):
    assert rare_lone_character(text, TEMPLATE) == rare


def test_no_short_value_of_the_seed_holds_a_rare_lone_character():
    assert [v for v in SEED_SHORT_VALUES if rare_lone_character(v, TEMPLATE)] == []


@pytest.mark.parametrize(
    ("text", "elsewhere", "pair"),
    [
        ("校园安舍检查任务量", [], "安舍"),  # 全 read as a common character: 安全 broken
        ("教助政策宣传次数", ["救助政策宣传场次"], "教助"),
        ("不低王上年度水平", ["不低于上年度水平"], "低王"),  # 不低 is written elsewhere
        ("校园安全检查任务量", [], None),
        ("信息化建设及运维经费支出", ["信息化建设及运维经费"], None),  # a term of the document
        ("信息化建设及运维经费支出", [], None),  # 运维: a term of the form's words
        ("因公出国(境)访率(%)", [], None),  # a word cut by a bracket
    ],
)
def test_two_lone_characters_side_by_side_written_nowhere_else_are_found(text, elsewhere, pair):
    assert unworded_pair(text, elsewhere, TEMPLATE) == pair


def test_no_short_value_of_the_seed_holds_a_pair_in_no_word():
    assert [v for v in SEED_SHORT_VALUES if unworded_pair(v, [], TEMPLATE)] == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("保障白常办公", ("白", "日", "保障日常办公")),
        ("项自管理经费", ("自", "目", "项目管理经费")),
        ("住务完成率", ("住", "任", "任务完成率")),
        ("资金使用合规率", None),
        ("白云区社区服务中心", None),  # 白 in a word of its own
        ("12月31日前", None),
    ],
)
def test_a_look_alike_that_makes_the_word_is_found(text, found):
    assert lookalike_in_word(text, TEMPLATE) == found


def test_no_real_value_or_clause_of_the_seed_is_taken_for_a_look_alike():
    clauses = [c for p in PARAGRAPHS for c in re.split(r"[，。；：、（）()\s]+", p) if c]
    assert [v for v in [*SEED_SHORT_VALUES, *clauses] if lookalike_in_word(v, TEMPLATE)] == []
