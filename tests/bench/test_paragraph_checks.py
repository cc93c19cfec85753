"""The paragraph checks counted on text written by people."""

from bench.paragraph_checks import count_fired, main

WRITTEN = "制定实施方案，明确责任分工和时间节点，保障工作正常有序开展。"
SPECK = "制定实施方案，明确.责任分工和时间节点，保障工作正常有序开展。"
GARBLED = "饰恒油吸钦纽厘翌攀侈瞻坷蔗" + WRITTEN


def test_each_check_that_fires_is_counted_with_its_paragraph():
    count = count_fired([WRITTEN, SPECK, GARBLED], show=5)
    assert (count.paragraphs, count.format_fired, count.garbled_fired) == (3, 1, 1)
    assert [text for _, text in count.examples] == [SPECK, GARBLED]


def test_the_command_reads_one_paragraph_per_line(tmp_path, capsys):
    path = tmp_path / "real.txt"
    path.write_text(f"{WRITTEN}\n\n{SPECK}\n", encoding="utf-8")
    main(["--text", str(path)])
    out = capsys.readouterr().out
    assert "paragraphs 2" in out and "format checks fired 1 (50.00 %)" in out
