"""Tests for index.chunk: outline detection and passage splitting on real reports (no mocks)."""
from __future__ import annotations

import hashlib
import statistics
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunk import (
    DEFAULT_TARGET_CHARS,
    SEPARATOR,
    build_outline,
    chunk_report,
    find_headings,
    walk,
)
from index.model import MAX_TOKENS
from index.read import Report, discover_reports, read_report

from helpers import SEED_CORPUS, SEED_REPORT, SEED_TITLE, SHARED_CORPUS, uncovered



def make_report(text: str, path: str = "t.txt", hints: tuple[tuple[int, int], ...] = ()) -> Report:
    data = text.encode("utf-8")
    return Report(path=path, text=text, title=next(line for line in text.split("\n") if line.strip()).strip(), years=(),
                  body="", genre="其他", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                  heading_hints=hints)


def all_corpus_files() -> list[Path]:
    files = discover_reports(SEED_CORPUS)
    if SHARED_CORPUS.is_dir():
        files += discover_reports(SHARED_CORPUS)
    return files


def corpus_ids() -> list[str]:
    return [f"{p.parent.name}/{p.name}" for p in all_corpus_files()]


# ---------------------------------------------------------------------------
# The seed report's outline, pinned
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED_REPORT)


def test_seed_outline_exact(seed: Report) -> None:
    root = build_outline(seed)
    assert root.label == SEED_TITLE
    outline = [(s.label, [c.label for c in s.children]) for s in root.children]
    assert outline == [
        ("一、2023年度推进法治政府建设的主要举措和成效", [
            "（一）领导重视，为法治政府建设提供组织保障",
            "（二）狠抓落实，全面推进依法行政",
            "（三）强化法治宣传教育，提升公民法律素质",
        ]),
        ("二、2023年度推进法治政府建设存在的不足和原因", []),
        ("三、2023年度党政主要负责人履行推进法治建设第一责任人职责的情况", [
            "（一）加强组织领导，完善工作机制",
            "（二）加强制度建设，规范权力运行",
            "（三）加强普法宣传，营造法治氛围",
            "（四）加强监督执纪，保障依法行政",
        ]),
        ("四、2024年度推进法治政府建设的主要工作安排", [
            "（一）继续加强法治培训、加强普法教育，全面提高依法行政意识",
            "（二）加强政务信息透明度、强化行政监督",
            "（三）进一步完善法治政府建设，加强廉政建设",
        ]),
    ]
    for top in root.children:
        assert top.level == 1
        assert all(child.level == 2 and not child.children for child in top.children)


def test_seed_walk_is_document_order(seed: Report) -> None:
    walked = walk(build_outline(seed))
    assert walked[0][0] == (SEED_TITLE,)
    starts = [s.heading_start for _, s in walked[1:]]
    assert starts == sorted(starts) and len(starts) == 4 + 3 + 4 + 3
    for path, section in walked:
        assert path[-1] == section.label and len(path) == section.level + 1
        if section.level:  # a section's heading sits at its heading_start
            assert seed.text[section.heading_start:].startswith(section.label)


def test_seed_breadcrumbs(seed: Report) -> None:
    chunks = chunk_report(seed)
    assert len(chunks) > 5
    for c in chunks:
        assert c.section.startswith(SEED_TITLE)
        assert c.report == seed.path
        parts = c.section.split(SEPARATOR)
        assert parts[0] == SEED_TITLE and all(parts)
        assert c.embed_text == f"{c.section}\n{c.text}"
    [hit] = [c for c in chunks if "化解矛盾26起" in c.text]
    assert hit.section == (f"{SEED_TITLE} › 一、2023年度推进法治政府建设的主要举措和成效 › （二）狠抓落实，全面推进依法行政")
    # the intro paragraph before "一、" belongs to the report itself
    intro = [c for c in chunks if "现将工作情况汇报如下" in c.text]
    assert intro and intro[0].section == SEED_TITLE
    # a section with no sub-sections still gets its own chunks
    assert any(c.section.endswith("二、2023年度推进法治政府建设存在的不足和原因") for c in chunks)


# ---------------------------------------------------------------------------
# Invariants over every report we have
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", all_corpus_files(), ids=corpus_ids())
def test_chunks_map_back_fit_and_cover(path: Path) -> None:
    report = read_report(path)
    chunks = chunk_report(report)
    assert chunks
    for c in chunks:
        assert c.text == report.text[c.start:c.end]
        assert c.text.strip() == c.text and c.text
        assert len(c.text) <= DEFAULT_TARGET_CHARS
        assert c.section_start <= c.start < c.end <= c.section_end
        assert c.section.split(SEPARATOR)[0] == report.title
    assert uncovered(report, chunks) == []
    # chunks come in reading order
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_smaller_target_is_respected(shared_corpus: Path) -> None:
    for name in ("fzzf_shenzhen_longhuaqu_2019.txt", "gzbg_guowuyuan_2020.txt"):
        report = read_report(shared_corpus / name)
        default = chunk_report(report)
        small = chunk_report(report, target_chars=120, overlap_chars=20)
        assert len(small) > len(default)
        assert all(len(c.text) <= 120 and c.text == report.text[c.start:c.end] for c in small)
        assert uncovered(report, small) == []


def test_no_chunk_overflows_the_model_window(embedder) -> None:
    files = all_corpus_files()
    assert files
    worst = 0
    for path in files:
        report = read_report(path)
        for c in chunk_report(report, count_tokens=embedder.count_tokens):
            assert c.text == report.text[c.start:c.end]
            worst = max(worst, embedder.count_tokens(c.embed_text))
    assert 0 < worst <= MAX_TOKENS


def test_token_budget_resplits_long_passages(embedder, seed: Report) -> None:
    """With a tight budget the splitter must cut again, down to passages that fit (real tokenizer)."""
    budget = 110
    plain = chunk_report(seed)
    assert max(embedder.count_tokens(c.embed_text) for c in plain) > budget  # the budget really binds
    tight = chunk_report(seed, count_tokens=embedder.count_tokens, max_tokens=budget)
    assert len(tight) > len(plain)
    for c in tight:
        assert c.text == seed.text[c.start:c.end]
        assert embedder.count_tokens(c.embed_text) <= budget
    assert uncovered(seed, tight) == []


def test_1954_report_without_numbered_outline(shared_corpus: Path) -> None:
    report = read_report(shared_corpus / "gzbg_guowuyuan_1954.txt")
    chunks = chunk_report(report)
    assert len(chunks) > 50
    assert statistics.median(len(c.text) for c in chunks) > 150
    assert all(len(c.text) <= DEFAULT_TARGET_CHARS for c in chunks)
    assert uncovered(report, chunks) == []


# ---------------------------------------------------------------------------
# Heading detection on literal text
# ---------------------------------------------------------------------------

SMALL = """某某区人民政府2022年工作报告
北京市市长 殷勇
2019年12月18日
各位代表：
2021年工作回顾
过去一年，我们坚持稳中求进工作总基调，经济运行总体平稳，各项事业取得新进展。
一、加强制度建设
（一）加强规范性文件管理。严格执行合法性审核制度，全年审核文件12件，纠正问题3个。
一是强化组织，落实责任。二是强化学习，提升能力。三是强化监督，确保实效。
2022年主要工作
今年是实施十四五规划的关键一年，我们将重点抓好以下工作，确保完成全年目标任务。
"""


def test_small_report_outline() -> None:
    report = make_report(SMALL)
    labels = [(path, s.level) for path, s in walk(build_outline(report))]
    title = "某某区人民政府2022年工作报告"
    assert labels == [
        ((title,), 0),
        ((title, "2021年工作回顾"), 1),
        ((title, "2021年工作回顾", "一、加强制度建设"), 2),
        ((title, "2021年工作回顾", "一、加强制度建设", "（一）加强规范性文件管理"), 3),
        ((title, "2022年主要工作"), 1),  # an unnumbered title line closes everything and starts a top section
    ]


def test_speaker_date_and_enumeration_lines_are_not_headings() -> None:
    report = make_report(SMALL)
    labels = [h.label for h in find_headings(report)]
    assert not any("殷勇" in x or "2019年12月18日" in x or x.startswith("一是") or "各位代表" in x for x in labels)
    chunks = chunk_report(report)
    root_text = "\n".join(c.text for c in chunks if c.section == report.title)
    assert "北京市市长 殷勇" in root_text and "2019年12月18日" in root_text
    enum = [c for c in chunks if "一是强化组织" in c.text]
    assert enum and all("二是强化学习" in c.text for c in enum)  # inline enumeration stays one passage
    assert enum[0].section.endswith("（一）加强规范性文件管理")


def test_heading_sentence_with_body_on_same_line() -> None:
    report = make_report(SMALL)
    [h] = [h for h in find_headings(report) if h.label.startswith("（一）")]
    assert h.label == "（一）加强规范性文件管理"
    assert not h.standalone
    chunks = chunk_report(report)
    [c] = [c for c in chunks if "严格执行合法性审核制度" in c.text]
    assert "全年审核文件12件，纠正问题3个。" in c.text
    assert c.section.endswith(" › （一）加强规范性文件管理")
    assert uncovered(report, chunks) == []


def test_title_lines_and_unpunctuated_short_lines() -> None:
    text = ("某市政府工作报告\n2022年主要工作\n" + "今年要做好以下几方面工作，确保经济社会发展目标顺利实现。" * 2
            + "\n有关名词解释\n" + "1.数字政府：指以数据为核心的政府治理新形态，提升公共服务水平。\n")
    report = make_report(text)
    top = [s.label for s in build_outline(report).children]
    assert top == ["2022年主要工作", "有关名词解释"]
    # "1." under the second title line nests there, not under the first
    notes = build_outline(report).children[1]
    assert [c.label for c in notes.children] == ["1.数字政府"]


def test_a_title_line_may_quote_a_name() -> None:
    # "“十三五”发展思路和2016年主要工作任务" closes the review of 2015: its plans are not of the year reviewed
    text = ("光明新区2016年政府工作报告\n2015年工作回顾\n" + "2015年，新区坚持创新驱动，经济运行稳中有进。" * 2
            + "\n“十三五”发展思路和2016年主要工作任务\n" + "今年集中推进60项民生实事，全力突破民生难点，打通一批断头路。" * 2
            + "\n做好“十三五”开局工作，我们将坚持创新驱动。\n")
    top = [s.label for s in build_outline(make_report(text)).children]
    assert top == ["2015年工作回顾", "“十三五”发展思路和2016年主要工作任务"]  # the last line is a sentence


def test_numbering_kinds_nest_in_author_order() -> None:
    """The level of a numbering style is decided by the order it opens in, not by a fixed table."""
    text = ("某县政府工作报告\n第一部分 过去一年的工作\n1.经济运行\n（一）工业\n工业增加值增长百分之五，规模以上企业达到一百家。\n"
            "（二）农业\n粮食产量保持稳定，农民收入持续增长。\n2.社会事业\n教育、医疗、养老等民生事业全面进步。\n"
            "第二部分 今年的工作\n1.稳增长\n全力以赴稳住经济大盘，努力实现全年目标。\n")
    root = build_outline(make_report(text))
    tree = [(p.label, [(c.label, [g.label for g in c.children]) for c in p.children]) for p in root.children]
    assert tree == [
        ("第一部分 过去一年的工作", [("1.经济运行", ["（一）工业", "（二）农业"]), ("2.社会事业", [])]),
        ("第二部分 今年的工作", [("1.稳增长", [])]),
    ]


def test_repeated_paragraphs_are_all_covered() -> None:
    """Identical paragraphs inside one section must each land in a chunk at their own offset.

    _pieces() re-finds every split piece with body.find(piece, cursor - overlap - len(piece)), which for
    repeated text finds an EARLIER copy: the later copies are never indexed and chunks repeat offsets.
    """
    para = "本段内容完全相同，用于测试重复段落的定位是否正确，重复出现。"
    report = make_report("标题\n" + "\n".join([para] * 30))
    chunks = chunk_report(report)
    assert all(c.text == report.text[c.start:c.end] for c in chunks)
    assert len({(c.start, c.end) for c in chunks}) == len(chunks), [(c.start, c.end) for c in chunks]
    assert uncovered(report, chunks) == []
    assert chunks[-1].end == len(report.text)


# ---------------------------------------------------------------------------
# Styled headings (docx)
# ---------------------------------------------------------------------------

def test_docx_heading_styles_drive_the_outline(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某市人民政府2024年工作报告", style="Title")
    document.add_paragraph("各位代表：现在，我代表市人民政府，向大会报告工作，请予审议。")
    # punctuated heading text that the numbering rules would never take as a heading
    document.add_paragraph("过去一年，我们是这样做的", style="Heading 1")
    document.add_paragraph("全年地区生产总值增长百分之六，一般公共预算收入增长百分之八。")
    document.add_paragraph("关于产业，我们抓了三件事", style="Heading 2")
    document.add_paragraph("先进制造业增加值占比提高到百分之三十五。")
    document.add_paragraph("关于民生，我们办了十件实事", style="Heading 2")
    document.add_paragraph("新增学位两万个，新建社区养老服务中心十个。")
    document.add_paragraph("今年，我们要做好这些工作", style="Heading 1")
    document.add_paragraph("坚持稳中求进，全力推动高质量发展。")
    path = tmp_path / "styled.docx"
    document.save(str(path))

    report = read_report(path)
    root = build_outline(report)
    assert root.label == "某市人民政府2024年工作报告"
    tree = [(s.label, [c.label for c in s.children]) for s in root.children]
    assert tree == [
        ("过去一年，我们是这样做的", ["关于产业，我们抓了三件事", "关于民生，我们办了十件实事"]),
        ("今年，我们要做好这些工作", []),
    ]
    chunks = chunk_report(report)
    [c] = [c for c in chunks if "新增学位两万个" in c.text]
    assert c.section == "某市人民政府2024年工作报告 › 过去一年，我们是这样做的 › 关于民生，我们办了十件实事"
    assert uncovered(report, chunks) == []


# ---------------------------------------------------------------------------
# Property: random Chinese-ish text with random heading lines
# ---------------------------------------------------------------------------

_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
_SENTENCE = st.text(alphabet=_CHARS + "，、0123456789", min_size=1, max_size=60).map(lambda s: s + "。")
_BODY_LINE = st.lists(_SENTENCE, min_size=1, max_size=12).map("".join)
_HEADING_PREFIX = st.sampled_from(["一、", "二、", "三、", "（一）", "（二）", "（三）", "1.", "2.", "3、", "（1）", "（2）",
                                   "第一章", "第二章", "第一节", "第三条", "第一部分", ""])
_HEADING_LINE = st.tuples(_HEADING_PREFIX, st.text(alphabet=_CHARS, min_size=1, max_size=20),
                          st.sampled_from(["", "。", "：", "。" + "正文内容紧随标题。"])).map("".join)
_LINE = st.one_of(_BODY_LINE, _BODY_LINE, _HEADING_LINE, st.just(""))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINE, min_size=1, max_size=40), target=st.sampled_from([40, 80, 200, 350]),
       hint_levels=st.lists(st.integers(1, 4), max_size=5), data=st.data())
def test_random_reports_chunk_consistently(lines, target, hint_levels, data) -> None:
    text = "随机测试报告\n" + "\n".join(lines)
    starts, pos = [], 0
    for line in text.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
    hints = tuple(sorted({data.draw(st.sampled_from(starts), label="hint"): lvl for lvl in hint_levels}.items()))
    report = make_report(text, hints=hints)

    outline = build_outline(report)
    walked = walk(outline)
    for _, section in walked:
        assert 0 <= section.start <= section.end <= len(text)
    chunks = chunk_report(report, target_chars=target, overlap_chars=min(40, target // 4))
    for c in chunks:
        assert c.text == text[c.start:c.end]
        assert c.text.strip()
        assert len(c.text) <= target
        assert c.section_start <= c.start < c.end <= c.section_end
        assert c.section.split(SEPARATOR)[0] == "随机测试报告"


def test_a_glossary_after_the_last_numbered_section_is_a_section_of_its_own() -> None:
    text = ("龙华区2020年政府工作报告\n二、2020年主要工作\n（八）打造社会治理样本\n加快人才绿道建设，推进无感申办。\n"
            "附件:\n《政府工作报告》有关名词解释\n1. 人才绿道：指以环城绿道生态资源为基础的人才阵地。\n"
            "2. 无感申办：指办事人申办业务时材料自动填充。\n")
    sections = {c.section for c in chunk_report(make_report(text))}
    glossary = "龙华区2020年政府工作报告 › 《政府工作报告》有关名词解释"
    assert f"{glossary} › 1. 人才绿道" in sections  # not nested under （八）
    assert not any("（八）" in s and "名词解释" in s for s in sections)
