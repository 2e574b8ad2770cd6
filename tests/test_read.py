"""Tests for index.read: real files written to tmp_path, no mocks."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.read import (
    SUPPORTED_SUFFIXES,
    ReadError,
    discover_reports,
    page_of,
    read_report,
)
from text.normalize import normalize_text
from helpers import SEED_CORPUS, SHARED_CORPUS


CHINESE = "鲁山县张店乡人民政府关于2023年法治政府建设情况的报告\n（一）领导重视，为法治政府建设提供组织保障。\n二、存在的问题：执法力量不足；宣传不够！"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# ---------------------------------------------------------------------------
# normalize_text
# ---------------------------------------------------------------------------

def test_normalize_fullwidth_digits_and_letters_become_ascii() -> None:
    assert normalize_text("２００２年ＧＤＰ增长ｘ") == "2002年GDP增长x"


def test_normalize_keeps_chinese_punctuation() -> None:
    s = "一、总体情况，（一）领导重视：“依法行政”；《条例》！？【注】〔2023〕〈甲〉……——～｡｢｣､･"
    assert normalize_text(s) == s


def test_normalize_line_breaks_zero_width_controls_trailing_spaces() -> None:
    raw = "第一行  \r\n第\u200b二\u200c行\u200d\u2060\ufeff\r第三行\u2028第四行\u2029第五\x00行\x07\t\n"
    assert normalize_text(raw) == "第一行\n第二行\n第三行\n第四行\n第五行\n"


def test_normalize_ideographic_space_and_compatibility_chars() -> None:
    assert normalize_text("国务院总理\u3000朱镕基") == "国务院总理 朱镕基"
    assert normalize_text("面积３０㎡，第Ⅲ期\u00a0完成") == "面积30m2，第III期 完成"
    assert normalize_text("e\u0301") == "\u00e9"  # composition still happens on lines that need NFKC


def test_normalize_query_matches_text() -> None:
    assert normalize_text("２００２年") in normalize_text("１９９２年至２００２年，（一）")


CJK_PUNCT = "，。！？；：（）、“”《》【】〔〕…—～"
TRICKY = st.sampled_from(list("\r\n\r\n\t \u3000\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\x00\x0c\x85\u00a0"
                              "０１９ＡＺａｚ㎡Ⅲﬁ﹑\u0301\u0327e" + CJK_PUNCT + "政府报告2023年abc"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TRICKY, st.characters()), max_size=60).map("".join))
def test_normalize_is_idempotent_and_clean(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
    assert "\r" not in once
    assert not any(c in once for c in "\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\x00")
    assert not re.search(r"[ \t]$", once, re.MULTILINE)
    assert not any("\uff10" <= c <= "\uff19" for c in once)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(CJK_PUNCT + "０１２３４５６７８９政府")), max_size=40))
def test_normalize_only_touches_digits_among_cjk(s: str) -> None:
    expected = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in s)
    assert normalize_text(s) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_normalize_matches_reference_nfkc(s: str) -> None:
    """The fast path (NFKC only where needed) equals NFKC applied between protected punctuation everywhere."""
    protected = re.compile("([\u2026\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+)")
    reference = normalize_text(s)
    pieces = protected.split(reference)
    pieces[::2] = [unicodedata.normalize("NFKC", p) for p in pieces[::2]]
    assert "".join(pieces) == reference


# ---------------------------------------------------------------------------
# Plain text encodings
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_txt_encodings_round_trip(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, f"r_{encoding}.txt", CHINESE.encode(encoding))
    assert read_report(path).text == CHINESE


def test_txt_gb18030_with_char_outside_gbk(tmp_path: Path) -> None:
    text = CHINESE + "\n人名用字：𠀀、䶮。"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    assert read_report(write(tmp_path, "r.txt", data)).text == text


def test_txt_short_gbk(tmp_path: Path) -> None:
    assert read_report(write(tmp_path, "s.txt", "政府工作报告".encode("gbk"))).text == "政府工作报告"


def test_txt_crlf_zero_width_and_fullwidth(tmp_path: Path) -> None:
    raw = "标题\r\n\r\n\r\n\r\n\u200b正文２００２年，（一）\u200d结束  \r\n\r\n"
    report = read_report(write(tmp_path, "r.txt", raw))
    assert report.text == "标题\n\n正文2002年，（一）结束"


def test_txt_blank_lines_collapse_and_strip(tmp_path: Path) -> None:
    report = read_report(write(tmp_path, "r.txt", "\n\n  \n标题\n正文\n\n\n\n\n结尾\n\n"))
    assert report.text == "标题\n正文\n\n结尾"
    assert report.title == "标题"


def test_report_path_size_and_hash(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "sub").mkdir()
    data = CHINESE.encode("utf-8")
    path = write(tmp_path, "sub/a.txt", data)
    assert read_report(path, root=tmp_path).path == "sub/a.txt"
    assert read_report(path).path == path.as_posix()
    report = read_report(path)
    assert report.size == len(data)
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert (report.title, report.years, report.genre) == (CHINESE.split("\n")[0], (2023,), "法治政府建设报告")


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

def test_markdown_headings(tmp_path: Path) -> None:
    md = "# 2022年南山区政府工作报告\n\n各位代表：\n\n## 一、工作回顾\n\n过去一年。\n\n### （一）经济\n\n增长。\n"
    report = read_report(write(tmp_path, "r.md", md))
    assert report.title == "2022年南山区政府工作报告"
    assert report.body == "南山区人民政府"
    levels = [level for _, level in report.heading_hints]
    assert levels == [1, 2, 3]
    for (offset, _), heading in zip(report.heading_hints, ["2022年", "一、工作回顾", "（一）经济"]):
        assert report.text[offset:].startswith(heading)
        assert offset == 0 or report.text[offset - 1] == "\n"


def test_markdown_markup_is_not_text(tmp_path: Path) -> None:
    md = ("# 2023年张店乡工作总结\n\n全年**新建**文化礼堂12个，*改造*道路3条，[详见](http://example.cn)`附表`。\n\n"
          "- 一是加强\n- 二是推进\n\n| 指标 | 2023年 | 增长 |\n|---|---|---|\n| 植树造林 | 3150亩 | 5% |\n")
    text = read_report(write(tmp_path, "r.md", md)).text
    assert "全年新建文化礼堂12个，改造道路3条，详见附表。" in text
    assert "一是加强\n二是推进" in text and "植树造林 | 2023年：3150亩 | 增长：5%" in text and "指标 | 2023年 | 增长" in text
    assert not set("*#[]`") & set(text) and "http" not in text and "---" not in text
    html = read_report(write(tmp_path, "h.md", "# 标题\n\n<div>全年化解矛盾纠纷26起。</div>\n\n植树造林<br>3150亩\n")).text
    assert "全年化解矛盾纠纷26起。" in html and "植树造林\n3150亩" in html and "<" not in html


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------

def make_docx(path: Path, core_title: str = "") -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = core_title
    document.add_paragraph("龙岗区2022年政府工作报告", style="Title")
    document.add_paragraph("各位代表：")
    document.add_paragraph("")
    document.add_paragraph("")
    document.add_paragraph("一、2021年工作回顾", style="Heading 1")
    document.add_paragraph("２０２１年是极不平凡的一年。")
    document.add_paragraph("（一）经济发展", style="Heading 2")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([["指标", "数值"], ["GDP", "4500亿元"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("表后正文。")
    document.save(str(path))
    return path


def test_a_placeholder_title_property_gives_way_to_the_first_line(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Word Document"  # what LibreOffice writes converting a .doc without a title
    document.add_paragraph("龙岗区2022年政府工作报告")
    document.add_paragraph("各位代表：")
    document.save(str(tmp_path / "r.docx"))
    report = read_report(tmp_path / "r.docx")
    assert report.title == "龙岗区2022年政府工作报告" and report.years == (2022,)


def test_docx_text_order_and_headings(tmp_path: Path) -> None:
    report = read_report(make_docx(tmp_path / "r.docx"))
    assert report.text == ("龙岗区2022年政府工作报告\n各位代表：\n\n一、2021年工作回顾\n2021年是极不平凡的一年。\n"
                           "（一）经济发展\n指标 | 数值\nGDP | 数值：4500亿元\n表后正文。")
    assert report.title == "龙岗区2022年政府工作报告"
    assert report.years == (2022,)
    assert report.body == "龙岗区人民政府"
    assert report.genre == "政府工作报告"
    expected = [("龙岗区2022年政府工作报告", 1), ("一、2021年工作回顾", 1), ("（一）经济发展", 2)]
    assert [level for _, level in report.heading_hints] == [level for _, level in expected]
    for (offset, _), (heading, _) in zip(report.heading_hints, expected):
        assert report.text[offset:].startswith(heading)


def test_docx_core_title_wins(tmp_path: Path) -> None:
    report = read_report(make_docx(tmp_path / "r.docx", core_title="深圳市政府工作报告_2013年"))
    assert report.title == "深圳市政府工作报告_2013年"
    assert report.years == (2013,)
    assert report.body == "深圳市人民政府"


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------

def make_text_pdf(path: Path, pages: list[list[str]]) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for lines in pages:
        c.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 24 * i, line)
        c.showPage()
    c.save()
    return path


def test_pdf_chinese_text_layer(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "r.pdf", [
        ["鲁山县张店乡人民政府关于2023年法治政府建设情况的报告", "（一）领导重视，为法治政府建设提供组织保障。"],
        ["二、存在的问题", "执法力量不足。"],
    ])
    report = read_report(path)
    assert report.text.startswith("鲁山县张店乡人民政府关于2023年法治政府建设情况的报告\n")
    assert "（一）领导重视，为法治政府建设提供组织保障。" in report.text
    assert report.text.index("组织保障") < report.text.index("执法力量不足")
    assert report.body == "鲁山县张店乡人民政府"
    assert report.genre == "法治政府建设报告"


def test_pdf_pages_are_kept(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "r.pdf", [["一、第一页的标题", "第一页正文。"], [], ["第三页正文。"]])
    report = read_report(path)
    assert len(report.pages) == 3 and report.pages[0] == 0 and report.ocr_pages == ()
    assert report.text[report.pages[2]:].startswith("第三页正文")
    assert report.pages[1] == report.pages[2]  # an empty page starts where the next one does
    assert [page_of(report.pages, report.text.index(s)) for s in ("第一页正文", "第三页正文")] == [1, 3]


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(72, 400, 300, 200, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(ReadError, match="没有识别出文字"):
        read_report(path)


def test_pdf_zero_bytes(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="文件为空"):
        read_report(write(tmp_path, "empty.pdf", b""))


def test_pdf_corrupt(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="无法读取 PDF 文件"):
        read_report(write(tmp_path, "bad.pdf", b"%PDF-1.4\n this is not really a pdf \x00\x01"))


def test_pdf_encrypted(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = make_text_pdf(tmp_path / "plain.pdf", [["政府工作报告正文内容，共计二十多个汉字以上的一行文本。"]])
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    with pytest.raises(ReadError, match="已加密"):
        read_report(locked)


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>网页标题 - 政府网</title>
<style>.x {{ color: red }} 样式噪声</style>
<script>var noise = "脚本噪声";</script></head>
<body>
<header>页眉噪声</header>
<nav><a href="/">首页</a> &gt; 导航噪声</nav>
<h1>2024年坪山区政府工作报告</h1>
<p>各位代表：</p>
<h2>一、2023年
    工作回顾</h2>
<p>过去一年，我们<b>坚持</b>以习近平新时代中国特色社会主义思想为指导。<br>第二行。</p>
<noscript>无脚本噪声</noscript>
<h3>（一）经济</h3>
<div>增长<span>５</span>%。</div>
<table><tr><td>指标</td><td>数值</td></tr></table>
<aside>侧栏噪声</aside><form>表单噪声<input></form>
<footer>页脚噪声</footer>
</body></html>"""


@pytest.mark.parametrize(("charset", "encoding"), [("utf-8", "utf-8"), ("gb2312", "gbk")])
def test_html_noise_removed_and_headings(tmp_path: Path, charset: str, encoding: str) -> None:
    path = write(tmp_path, "r.html", HTML.format(charset=charset).encode(encoding))
    report = read_report(path)
    for noise in ("噪声", "noise", "color", "网页标题", "首页"):
        assert noise not in report.text
    assert report.title == "2024年坪山区政府工作报告"
    assert report.body == "坪山区人民政府"
    assert report.text.startswith("2024年坪山区政府工作报告\n各位代表：\n一、2023年 工作回顾\n")
    assert "我们坚持以习近平" in report.text
    assert "指导。\n第二行。" in report.text
    assert "增长5%。" in report.text
    assert "指标\t数值" in report.text
    expected = [("2024年坪山区政府工作报告", 1), ("一、2023年 工作回顾", 2), ("（一）经济", 3)]
    assert [level for _, level in report.heading_hints] == [level for _, level in expected]
    for (offset, _), (heading, _) in zip(report.heading_hints, expected):
        assert report.text[offset:].startswith(heading)


def test_html_title_falls_back_to_title_tag(tmp_path: Path) -> None:
    html = "<html><head><title>2014年南山区政府工作报告</title></head><body><p>各位代表：</p></body></html>"
    report = read_report(write(tmp_path, "r.htm", html))
    assert report.title == "2014年南山区政府工作报告"
    assert report.text == "各位代表："


def test_html_utf8_despite_gb2312_label_and_empty_heading(tmp_path: Path) -> None:
    html = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><h2></h2><p>政府工作报告</p>'
    report = read_report(write(tmp_path, "r.html", html.encode("utf-8")))
    assert report.text == "政府工作报告"
    assert report.heading_hints == ()


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"不支持的文件类型：\.xyz"):
        read_report(write(tmp_path, "a.xyz", "政府"))


@pytest.mark.parametrize("content", [b"", b"\n\r\n  \t\n", "\u3000\u200b\n".encode("utf-8")])
def test_empty_txt(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(ReadError, match="文件为空"):
        read_report(write(tmp_path, "empty.txt", content))


def test_binary_renamed_txt(tmp_path: Path) -> None:
    junk = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
    with pytest.raises(ReadError, match="无法识别文件编码"):
        read_report(write(tmp_path, "junk.txt", junk))


def test_corrupt_docx(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="无法读取 Word 文件"):
        read_report(write(tmp_path, "bad.docx", b"PK\x03\x04 definitely not a zip archive"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="无法读取文件"):
        read_report(tmp_path / "missing.txt")


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == frozenset({".txt", ".md", ".docx", ".doc", ".wps", ".pdf", ".ofd", ".html", ".htm",
                                            ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "body", "years", "genre"), [
    ("深圳市政府工作报告_2013年", "深圳市人民政府", (2013,), "政府工作报告"),
    ("龙岗区2022年政府工作报告", "龙岗区人民政府", (2022,), "政府工作报告"),
    ("2014年南山区政府工作报告", "南山区人民政府", (2014,), "政府工作报告"),
    ("2026年河北省政府工作报告", "河北省人民政府", (2026,), "政府工作报告"),
    ("国务院政府工作报告_2020年", "国务院", (2020,), "政府工作报告"),
    ("1954年国务院政府工作报告（周恩来）", "国务院", (1954,), "政府工作报告"),
    ("2014年政府工作报告（在深圳市罗湖区第六届人民代表大会第三次会议上）", "深圳市罗湖区人民政府", (2014,), "政府工作报告"),
    ("大鹏新区管委会2014年工作报告", "大鹏新区管委会", (2014,), "政府工作报告"),
    ("鲁山县张店乡人民政府关于2023年法治政府建设情况的报告", "鲁山县张店乡人民政府", (2023,), "法治政府建设报告"),
    ("2026年内蒙古自治区政府工作报告", "内蒙古自治区人民政府", (2026,), "政府工作报告"),
    ("南山区粤海街道2023年工作报告", "南山区粤海街道办事处", (2023,), "政府工作报告"),
    ("关于2019—2020年度经费的说明", "", (2019, 2020), "其他"),
])
def test_title_metadata(tmp_path: Path, title: str, body: str, years: tuple[int, ...], genre: str) -> None:
    report = read_report(write(tmp_path, "r.txt", title + "\n正文内容。"))
    assert (report.title, report.body, report.years, report.genre) == (title, body, years, genre)


@pytest.mark.parametrize("name, text, years", [
    ("宝安区报告.txt", "深圳市宝安区政府工作报告\n一、2014年工作回顾\n2013年同期相比……\n二、2015年工作安排", (2015,)),
    ("报告.txt", "某区政府工作报告\n今年的主要任务\n一、2019年重点工作\n", (2019,)),
    ("gzbg_baoan_2015.txt", "深圳市宝安区政府工作报告\n各位代表：现在我代表区人民政府作报告。", (2015,)),
    ("报告.txt", "深圳市宝安区政府工作报告\n各位代表：现在我代表区人民政府作报告。", ()),
    ("gzbg_2015.txt", "南山区2014年政府工作报告\n一、2013年工作回顾", (2014,)),  # the title wins
])
def test_report_year_when_the_title_names_none(tmp_path: Path, name: str, text: str, years: tuple[int, ...]) -> None:
    assert read_report(write(tmp_path, name, text)).years == years


def test_body_from_text_when_title_has_none(tmp_path: Path) -> None:
    report = read_report(write(tmp_path, "r.txt", "工作总结\n现在，我代表深圳市福田区人民政府向大会报告。"))
    assert report.body == "深圳市福田区人民政府"


def test_seed_report() -> None:
    report = read_report(SEED_CORPUS / "zhangdian_2023.txt", root=SEED_CORPUS)
    assert report.path == "zhangdian_2023.txt"
    assert report.title == "鲁山县张店乡人民政府关于2023年法治政府建设情况的报告"
    assert report.years == (2023,)
    assert report.body == "鲁山县张店乡人民政府"
    assert report.genre == "法治政府建设报告"
    assert "（一）领导重视" in report.text


# ---------------------------------------------------------------------------
# discover_reports
# ---------------------------------------------------------------------------

def test_discover_reports(tmp_path: Path) -> None:
    for name in ["b.txt", "a.md", "sub/c.docx", "sub/d.PDF", "e.html", "f.htm", "g.xyz", "SOURCES.md", "README.md",
                 ".hidden.txt", ".git/h.txt", "sub/.cache/i.txt", "sub/~$lock.docx"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover_reports(tmp_path)]
    assert found == ["a.md", "b.txt", "e.html", "f.htm", "sub/c.docx", "sub/d.PDF"]


# ---------------------------------------------------------------------------
# Shared real-world corpus (optional)
# ---------------------------------------------------------------------------

def needs_shared(test):
    return pytest.mark.shared(pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus not present")(test))

# Bodies as this reader derives them; SOURCES.md sometimes names the fuller body (深圳市… / 管理委员会),
# which test_shared_corpus_matches_sources_table checks loosely.
SHARED_EXPECTED = {
    "fzzf_shenzhen_guangmingqu_2021.txt": ("深圳市光明区人民政府", (2021,), "法治政府建设报告"),
    "fzzf_shenzhen_longhuaqu_2019.txt": ("深圳市龙华区人民政府", (2019,), "法治政府建设报告"),
    "gzbg_2026_hebei.txt": ("河北省人民政府", (2026,), "政府工作报告"),
    "gzbg_2026_shaanxi.txt": ("陕西省人民政府", (2026,), "政府工作报告"),
    "gzbg_2026_neimenggu.txt": ("内蒙古自治区人民政府", (2026,), "政府工作报告"),
    "gzbg_guangdong_2014.txt": ("广东省人民政府", (2014,), "政府工作报告"),
    "gzbg_guowuyuan_1954.txt": ("国务院", (1954,), "政府工作报告"),
    "gzbg_guowuyuan_2020.txt": ("国务院", (2020,), "政府工作报告"),
    "gzbg_shenzhen_baoan_2015.txt": ("深圳市宝安区人民政府", (2015,), "政府工作报告"),  # from "一、2014年工作回顾"
    "gzbg_shenzhen_city_2013.txt": ("深圳市人民政府", (2013,), "政府工作报告"),
    "gzbg_shenzhen_dapeng_2014.txt": ("大鹏新区管委会", (2014,), "政府工作报告"),
    "gzbg_shenzhen_dapeng_2024.txt": ("大鹏新区管理委员会", (2024,), "政府工作报告"),
    "gzbg_shenzhen_futian_2022.txt": ("深圳市福田区人民政府", (2022,), "政府工作报告"),
    "gzbg_shenzhen_guangming_2016.txt": ("光明新区管委会", (2016,), "政府工作报告"),
    "gzbg_shenzhen_longgang_2022.txt": ("龙岗区人民政府", (2022,), "政府工作报告"),
    "gzbg_shenzhen_luohu_2014.txt": ("深圳市罗湖区人民政府", (2014,), "政府工作报告"),
    "gzbg_shenzhen_nanshan_2014.txt": ("南山区人民政府", (2014,), "政府工作报告"),
    "gzbg_shenzhen_pingshan_2014.txt": ("坪山新区管委会", (2014,), "政府工作报告"),
    "zhangdian_2023.txt": ("鲁山县张店乡人民政府", (2023,), "法治政府建设报告"),
}


def sources_table() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    header: list[str] = []
    for line in (SHARED_CORPUS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = cells
        else:
            rows[cells[0]] = dict(zip(header, cells))
    return rows


@needs_shared
def test_shared_corpus_all_readable() -> None:
    paths = discover_reports(SHARED_CORPUS)
    assert len(paths) >= 30
    for path in paths:
        report = read_report(path, root=SHARED_CORPUS)
        assert report.text and report.title and report.body, path
        assert "\r" not in report.text and "\u3000" not in report.text


@needs_shared
@pytest.mark.parametrize("name", sorted(SHARED_EXPECTED))
def test_shared_corpus_metadata(name: str) -> None:
    report = read_report(SHARED_CORPUS / name, root=SHARED_CORPUS)
    assert (report.body, report.years, report.genre) == SHARED_EXPECTED[name]


@needs_shared
def test_shared_corpus_matches_sources_table() -> None:
    table = sources_table()
    assert len(table) >= 30
    for name, row in table.items():
        report = read_report(SHARED_CORPUS / name, root=SHARED_CORPUS)
        assert report.title == row["title"], name
        if report.years:
            assert report.years[0] == int(row["year"][:4]), name
        assert report.genre == ("法治政府建设报告" if "法治政府" in row["genre"] else "政府工作报告"), name
        if "（" not in row["issuing body"]:  # one row gives a description, not a name
            assert report.body.replace("管委会", "管理委员会") in row["issuing body"], name


@needs_shared
def test_shared_corpus_fullwidth_digits_become_ascii() -> None:
    raw = (SHARED_CORPUS / "gzbg_guowuyuan_1992.txt").read_text(encoding="utf-8")
    assert "１９９２年３月２０日" in raw
    report = read_report(SHARED_CORPUS / "gzbg_guowuyuan_1992.txt")
    assert "1992年3月20日" in report.text
    assert not re.search("[０-９]", report.text)
    assert "，" in report.text and "。" in report.text
