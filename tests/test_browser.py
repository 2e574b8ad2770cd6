"""The page in a real browser: Debian's Chromium, headless, driven by Playwright (sync API).

Skipped where Chromium or Playwright is missing, so the rest of the suite still runs; CI installs both.
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import script_llm, scripted_llm, serve_app, write

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
WAIT_MS = 120_000  # upper bound for a wait to succeed (an index update embeds passages); not a speed check
QUESTION = "2023年化解了多少起矛盾纠纷"
UPLOAD_TITLE = "青石镇人民政府关于乡村道路建设情况的报告"
UPLOAD_SENTENCE = "青石镇今年新修通村公路十七公里，新建便民桥梁九座"
UPLOAD_TEXT = f"""{UPLOAD_TITLE}

一、主要工作
今年以来，青石镇坚持把农村道路建设作为民生实事来抓。{UPLOAD_SENTENCE}，解决了三个偏远村群众出行难的问题。
二、下一步打算
继续完善道路养护机制，落实路长制，确保道路安全畅通。
"""

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    """The scripted stand-in for a local model server (tests/llm_server.py), over real HTTP."""
    with scripted_llm() as url:
        yield url


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_app(tmp_path_factory.mktemp("browser-app")) as url:
        yield url


@pytest.fixture(scope="module")
def llm_app_url(tmp_path_factory: pytest.TempPathFactory, llm_url: str) -> Iterator[str]:
    """The page with a local model configured (a page of its own: the others' progress and queues stay as users
    without a model see them)."""
    with serve_app(tmp_path_factory.mktemp("browser-llm-app"), "--llm-url", llm_url, "--llm-model", "echo") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url: str) -> Iterator:
    with opened(browser, app_url) as page:
        yield page


@contextmanager
def opened(browser, url: str) -> Iterator:
    """The page at url in a fresh browser context (its own storage and clipboard), ready for a question."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_visible()
    yield page
    context.close()


def upload(page, *files: Path) -> None:
    page.get_by_role("tab", name="报告库").click()
    page.locator("#upload input[type=file]").set_input_files([str(f) for f in files])


def delete_upload(page, title: str) -> None:
    """Delete an uploaded report from the library tab, and see it gone from the table."""
    page.get_by_role("tab", name="报告库").click()
    choose(page, "delete-choice", title)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete").click()
    expect(page.locator("#library-status")).to_contain_text(f"已删除：《{title}》")
    expect(page.locator("#library-table")).not_to_contain_text(title)


def ask(page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def choose(page, dropdown_id: str, label: str) -> None:
    """Pick an option of a Gradio dropdown by its visible label."""
    page.locator(f"#{dropdown_id} input").click()
    page.get_by_role("option").filter(has_text=label).first.click()  # the list opens outside the component


def type_into(page, dropdown_id: str, text: str) -> None:
    """Enter a custom value (the year box accepts e.g. 2019 or 2020-2023)."""
    field = page.locator(f"#{dropdown_id} input")
    field.click()
    field.fill(text)
    field.press("Enter")


def results(page):
    return page.locator("#results")


def test_question_shows_highlighted_answer(page) -> None:
    ask(page, QUESTION)
    card = page.locator("#results .ps-answer-card")
    expect(card.locator("strong.ps-num")).to_have_text("化解矛盾26起")
    highlight = page.locator("#results .ps-card mark.ps-hl", has_text="26起").first
    expect(highlight).to_contain_text("2023年化解矛盾26起")
    expect(highlight.locator("strong.ps-num")).to_have_text("化解矛盾26起")
    expect(card).to_contain_text("鲁山县张店乡人民政府关于2023年法治政府建设情况的报告")


def test_a_local_models_answer_is_checked_against_the_passages_it_cites(browser, llm_app_url: str, llm_url: str,
                                                                         tmp_path: Path) -> None:
    with opened(browser, llm_app_url) as page:
        _the_local_models_answer(page, llm_url, tmp_path)


def _the_local_models_answer(page, llm_url: str, tmp_path: Path) -> None:
    script_llm(llm_url, "echo")
    ask(page, QUESTION)
    composed = page.locator("#composed .ps-composed")
    expect(composed).to_have_attribute("data-status", "ok")
    expect(composed).to_contain_text("已核对")
    cite = composed.locator("a.ps-cite").first
    expect(cite).to_have_text("[1]")
    expect(cite).to_have_attribute("href", "#ps-hit-1")
    expect(page.locator("#ps-hit-1")).to_be_attached()  # the mark leads to result 1 above
    expect(composed.locator("mark.ps-unsupported")).to_have_count(0)
    expect(page.locator("#results .ps-answer-card strong.ps-num")).to_have_text("化解矛盾26起")

    script_llm(llm_url, "invent")  # the same sentence with its figure changed
    ask(page, QUESTION + "？")
    expect(composed).to_have_attribute("data-status", "warn")
    expect(composed).to_contain_text("请以原文为准")
    expect(composed.locator("mark.ps-unsupported")).to_have_count(1)
    expect(composed.locator("mark.ps-unsupported")).to_have_attribute("title", re.compile("所引段落中没有"))
    expect(page.locator("#results .ps-answer-card strong.ps-num")).to_have_text("化解矛盾26起")  # the answer stays
    page.screenshot(path=str(tmp_path / "llm-invented.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'llm-invented.png'}")

    script_llm(llm_url, "cut")  # the stream stops mid-answer
    ask(page, QUESTION)
    expect(composed).to_have_attribute("data-status", "error")
    expect(composed).to_contain_text("生成中断")
    expect(page.locator("#results .ps-answer-card strong.ps-num")).to_have_text("化解矛盾26起")

    script_llm(llm_url, "echo")  # the same question again is answered again, for the results on screen
    ask(page, QUESTION)
    expect(composed).to_have_attribute("data-status", "ok")
    ask(page, "别的乡镇怎么写'第一责任人职责'这部分？")  # a wording request: no answer to write
    expect(page.locator("#results .ps-heading")).to_contain_text("参考表述")
    expect(page.locator("#composed .ps-composed")).to_have_count(0)


def test_a_list_question_is_answered_by_the_reports_list(page, tmp_path: Path) -> None:
    ask(page, "张店乡2023年推进依法行政有哪些具体做法")
    card = page.locator("#results .ps-list-card")
    expect(card).to_contain_text("列表答案")
    expect(card).to_contain_text("鲁山县张店乡人民政府关于2023年法治政府建设情况的报告")
    expect(card.locator("li .ps-item").first).to_contain_text("重大行政决策")
    assert card.locator("li").count() >= 3
    expect(page.locator("#results .ps-card").first).to_be_visible()  # the passages follow
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'list.png'}")


def test_without_a_local_model_the_page_has_no_generated_answer(page) -> None:
    ask(page, QUESTION)
    expect(page.locator("#results .ps-answer-card")).to_be_visible()
    expect(page.locator("#composed")).to_be_hidden()


def test_context_and_citation(page) -> None:
    ask(page, QUESTION)
    first = page.locator("#results .ps-card").first
    expect(first.locator("mark.ps-hl")).to_be_visible()
    first.locator("details.ps-context summary").click()
    expect(first.locator(".ps-context-body mark.ps-ctx-hl")).to_be_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    first.locator("button.ps-copy").click()
    expect(first.locator("button.ps-copy")).to_have_text("已复制 ✓")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("《鲁山县张店乡人民政府关于2023年法治政府建设情况的报告》 › ")


def test_script_question_is_shown_not_run(page) -> None:
    page.evaluate("window.__ran = false")
    ask(page, "<script>window.__ran = true</script><img src=x onerror='window.__ran=true'>")
    expect(page.locator("#results .ps-question")).to_contain_text("<script>window.__ran = true</script>")
    assert page.evaluate("window.__ran") is False


def test_empty_question_asks_for_one(page) -> None:
    ask(page, "")
    expect(results(page)).to_contain_text("请输入问题")


def test_year_filter(page) -> None:
    ask(page, QUESTION)
    expect(page.locator("#results .ps-answer-card")).to_be_visible()
    choose(page, "filter-year", "2023年")
    expect(page.locator("#results .ps-scope")).to_have_text("筛选：2023年")
    expect(page.locator("#results .ps-card").first).to_contain_text("2023年")
    type_into(page, "filter-year", "2019")
    expect(page.locator("#results .ps-scope")).to_have_text("筛选：2019年")
    expect(results(page)).to_contain_text("未找到可靠答案")
    expect(page.locator("#results .ps-card")).to_have_count(0)


def test_upload_search_delete(page, tmp_path: Path) -> None:
    report = tmp_path / "青石镇 道路<报告>.txt"
    report.write_bytes(UPLOAD_TEXT.encode("gbk"))
    bad = tmp_path / "说明.exe"
    bad.write_bytes(b"MZ\x90\x00")

    upload(page, report, bad)
    status = page.locator("#library-status")
    expect(status).to_contain_text("已加入：青石镇_道路")  # a safe name: no spaces or angle brackets
    expect(status).to_contain_text("未加入 说明.exe")
    table = page.locator("#library-table")
    expect(table).to_contain_text(UPLOAD_TITLE)
    expect(table).to_contain_text("上传")

    page.get_by_role("tab", name="查询").click()
    ask(page, "青石镇新修了多少公里通村公路")
    expect(page.locator("#results .ps-card").first).to_contain_text(UPLOAD_SENTENCE)

    delete_upload(page, UPLOAD_TITLE)

    page.get_by_role("tab", name="查询").click()
    ask(page, "青石镇通村公路修了多少公里")
    expect(page.locator("#results .ps-question")).to_contain_text("青石镇通村公路修了多少公里")
    expect(results(page)).not_to_contain_text(UPLOAD_SENTENCE)


def test_corpus_reports_are_not_offered_for_deletion(page) -> None:
    page.get_by_role("tab", name="报告库").click()
    page.locator("#delete-choice input").click()
    # The list offers uploads only; the corpus report stays in the table (Library.remove refuses it too).
    expect(page.get_by_role("option").filter(has_text="鲁山县张店乡人民政府关于2023年法治政府建设情况的报告")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.locator("#library-table")).to_contain_text("鲁山县张店乡人民政府关于2023年法治政府建设情况的报告")


def test_a_corrected_report_shows_both_figures_until_the_old_one_is_replaced(page, tmp_path: Path) -> None:
    title = "白石镇人民政府关于植树造林情况的报告"
    text = f"{title}\n一、主要工作\n今年以来，白石镇组织干部群众开展春季义务植树，全镇全年完成植树造林3150亩，成活率明显提高。\n"
    first, second = tmp_path / "a" / "白石镇植树报告.txt", tmp_path / "b" / "白石镇植树报告.txt"
    for path, body in ((first, text), (second, text.replace("3150亩", "4200亩"))):
        path.parent.mkdir()
        path.write_text(body, encoding="utf-8")
    page.get_by_role("tab", name="报告库").click()
    status = page.locator("#library-status")
    page.locator("#upload input[type=file]").set_input_files([str(first)])
    expect(status).to_contain_text("已加入：白石镇植树报告.txt")
    page.locator("#upload input[type=file]").set_input_files([str(second)])
    expect(status).to_contain_text("是同一份报告吗")
    replace = page.locator("#replace-old")
    expect(replace).to_be_visible()

    page.get_by_role("tab", name="查询").click()
    ask(page, "白石镇全年完成植树造林多少亩")
    conflict = page.locator("#results .ps-conflict")
    expect(conflict).to_contain_text("数字不同")
    card = page.locator("#results .ps-answer-card")
    expect(card).to_contain_text("3150亩")
    expect(card).to_contain_text("4200亩")
    page.screenshot(path=str(tmp_path / "conflict.png"))

    page.get_by_role("tab", name="报告库").click()
    replace.click()
    expect(status).to_contain_text("已用新版本替换 白石镇植树报告.txt")
    expect(replace).to_be_hidden()
    page.get_by_role("tab", name="查询").click()
    ask(page, "白石镇全年完成植树造林多少亩？")
    expect(page.locator("#results .ps-question")).to_contain_text("多少亩？")
    expect(page.locator("#results .ps-answer-card")).to_contain_text("4200亩")
    expect(page.locator("#results .ps-conflict")).to_have_count(0)
    expect(page.locator("#results")).not_to_contain_text("3150亩")


def test_each_question_decides_its_mode_after_a_wording_example(page, tmp_path: Path) -> None:
    # The example "…这部分怎么写？" lists phrasings; the next number question still gets its answer card, since
    # the mode stays automatic unless the user picks one.
    page.locator("#examples").get_by_text("这部分怎么写").click()
    expect(page.locator("#results .ps-heading")).to_contain_text("参考表述")
    expect(page.locator("#mode input[value='auto']")).to_be_checked()
    ask(page, QUESTION)
    expect(page.locator("#results .ps-answer-card strong.ps-num")).to_have_text("化解矛盾26起")
    page.locator("#mode").get_by_text("找表述").click()  # the user's own choice holds
    expect(page.locator("#results .ps-heading")).to_contain_text("参考表述")
    page.screenshot(path=str(tmp_path / "mode-after-example.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'mode-after-example.png'}")


def test_more_like_this_and_a_block_of_picked_citations(page, tmp_path: Path) -> None:
    ask(page, QUESTION)
    cards = page.locator("#results .ps-card")
    expect(cards.first).to_be_visible()
    # Two results picked: one block of citations, one line each, the sentence after its report and section.
    copy_picked = page.locator("#results .ps-copy-picked")
    expect(copy_picked).to_be_disabled()
    cards.nth(0).locator(".ps-pick").check()
    cards.nth(1).locator(".ps-pick").check()
    expect(copy_picked).to_have_text("复制所选引用（2）")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy_picked.click()
    expect(copy_picked).to_have_text("已复制 ✓")
    lines = page.evaluate("navigator.clipboard.readText()").split("\n")
    assert len(lines) == 2 and all(line.startswith("《鲁山县张店乡人民政府") for line in lines), lines
    assert "2023年化解矛盾26起" in lines[0]
    # "找相近表述" asks for the sentence's phrasings: the question box holds it and a wording list comes back.
    cards.nth(0).locator(".ps-more").click()
    expect(page.locator("#question textarea")).to_have_value(re.compile("^找相近的表述：.*化解矛盾26起"))
    expect(page.locator("#results .ps-question")).to_contain_text("找相近的表述：")
    expect(page.locator("#results .ps-heading")).to_contain_text("参考表述")
    expect(page.locator("#results .ps-pick:checked")).to_have_count(0)  # picks were of the results before
    expect(copy_picked).to_have_text("复制所选引用（0）")
    page.screenshot(path=str(tmp_path / "more-like-this.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'more-like-this.png'}")


def test_a_dropdown_choice_searches_once(browser, tmp_path: Path) -> None:
    # Gradio sends a dropdown's input event twice; the log showed two searches per choice.
    with serve_app(tmp_path) as url:
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        ask(page, QUESTION)
        expect(page.locator("#results .ps-answer-card")).to_be_visible()
        searches = lambda: (tmp_path / "app.log").read_text(encoding="utf-8", errors="replace").count("检索 / search")  # noqa: E731
        assert searches() == 1
        choose(page, "filter-year", "2023年")
        expect(page.locator("#results .ps-scope")).to_have_text("筛选：2023年")
        page.wait_for_timeout(3000)  # room for a second search to arrive (REPEAT_SECONDS is 2 s); not a speed check
        assert searches() == 2
        choose(page, "filter-year", "全部年份")
        expect(page.locator("#results .ps-scope")).to_have_count(0)
        page.wait_for_timeout(3000)
        assert searches() == 3
        page.close()


@pytest.mark.parametrize("button, suffix", [("导出 Word", ".docx"), ("导出表格（CSV）", ".csv")])
def test_the_results_export_to_a_file_that_downloads(page, tmp_path: Path, button: str, suffix: str) -> None:
    ask(page, QUESTION)
    expect(page.locator("#results .ps-answer-card")).to_be_visible()
    page.get_by_role("button", name=button).click()
    link = page.locator("#export-file a").first
    expect(link).to_have_attribute("download", f"检索结果{suffix}")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / f"download{suffix}"
    download.value.save_as(saved)
    if suffix == ".csv":
        assert "化解矛盾26起" in saved.read_text(encoding="utf-8-sig")
    else:
        from docx import Document

        assert "答案：化解矛盾26起" in [p.text for p in Document(str(saved)).paragraphs]
    page.screenshot(path=str(tmp_path / "export.png"), full_page=True)


SCREENSHOTS = Path(tempfile.gettempdir()) / "policy-search-screenshots"  # looked at by hand after a change


RIGHT_EDGES = "(selector) => [...document.querySelectorAll(selector)].map(e => Math.round(e.getBoundingClientRect().right))"


@pytest.mark.parametrize("width", [1366, 1010, 768, 390])
def test_the_page_fits_the_screen_and_filters_fold_on_a_phone(browser, app_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(app_url)
    ask(page, QUESTION)
    expect(page.locator("#results .ps-answer-card strong.ps-num")).to_have_text("化解矛盾26起")
    page_width = "document.documentElement.scrollWidth"
    assert page.evaluate(page_width) <= width  # nothing wider than the screen
    # "2023年" is not split across lines ("20 | 23年") where narrow screens let long runs break
    assert page.locator(".ps-answer-sentence").evaluate("e => getComputedStyle(e).wordBreak") != "break-all"
    expect(page.locator("#recent").get_by_text("最近的问题")).to_be_visible()  # the box says what it holds
    if width < 700:  # a phone: the filters fold away so the question and the answer fill the first screen
        expect(page.locator("#filters .label-wrap.open")).to_have_count(0)
        expect(page.locator("#filter-year")).to_be_hidden()
        assert page.locator("#print").bounding_box()["height"] >= 40  # big enough for a finger
        expect(page.locator("footer")).to_be_hidden()  # Gradio leaves it a lone "·" without its API link
    else:
        expect(page.locator("#filter-year")).to_be_visible()
        # every query mode shows whole: kept on one line, the third ran 25-69 px past its clipped box
        assert max(page.evaluate(RIGHT_EDGES, "#mode label")) <= page.evaluate(RIGHT_EDGES, "#mode .wrap")[-1] + 1
        # the filters' boxes line up although the year's label takes two lines
        tops = {name: page.locator(f"#filter-{name} input").bounding_box()["y"] for name in ("year", "body")}
        assert abs(tops["year"] - tops["body"]) <= 1, tops
        assert page.locator("#filter-report input").bounding_box()["width"] >= 180  # room for a report's title
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{width}.png"))
    page.get_by_role("tab", name="报告库").click()
    expect(page.locator("#library-table")).to_contain_text("鲁山县张店乡")
    assert page.evaluate(page_width) <= width  # the table scrolls inside its box instead
    year_cell = page.locator("#library-table .body-cell").nth(1).bounding_box()
    assert year_cell["width"] >= 60, year_cell  # not one character per line
    heads, cells = page.evaluate(RIGHT_EDGES, "#library-table th"), page.evaluate(RIGHT_EDGES, "#library-table .body-cell")
    assert all(abs(h - c) <= 1 for h, c in zip(heads, cells[:len(heads)])), (heads, cells)  # columns line up
    page.screenshot(path=str(SCREENSHOTS / f"library-{width}.png"))
    context.close()


def test_recent_questions_are_kept_in_the_browser_and_ask_again(page) -> None:
    ask(page, QUESTION)
    expect(page.locator("#results .ps-answer-card")).to_be_visible()
    ask(page, "张店乡有几个人通过了执法证考试")
    expect(page.locator("#results .ps-question")).to_contain_text("执法证考试")
    page.locator("#recent input").click()  # remembered once the answer is shown
    expect(page.get_by_role("option")).to_have_count(2)
    page.keyboard.press("Escape")
    page.reload()
    page.locator("#recent input").click()
    expect(page.get_by_role("option")).to_contain_text(["张店乡有几个人通过了执法证考试", QUESTION])  # newest first
    page.get_by_role("option").filter(has_text=QUESTION).click()
    expect(page.locator("#question textarea")).to_have_value(QUESTION)
    expect(page.locator("#results .ps-answer-card strong.ps-num")).to_have_text("化解矛盾26起")


def test_the_print_view_shows_the_results_without_the_controls(page) -> None:
    ask(page, QUESTION)
    card = page.locator("#results .ps-answer-card")
    expect(card).to_be_visible()
    expect(page.locator("#print")).to_be_visible()
    page.emulate_media(media="print")
    for control in ("#question", "#filters", "#recent-row", "#export", "#examples"):
        expect(page.locator(control)).to_be_hidden()
    expect(card).to_be_visible()
    expect(page.locator("#results .ps-copy").first).to_be_hidden()
    assert page.pdf()[:4] == b"%PDF"  # what 打印结果 sends to the printer


def test_another_open_tab_sees_an_upload_without_reloading(browser, app_url: str, tmp_path: Path) -> None:
    title = "石桥镇人民政府关于便民服务情况的报告"
    upload = tmp_path / "石桥镇便民服务.txt"
    upload.write_text(f"{title}\n一、主要工作\n石桥镇今年新建便民服务点六个。\n", encoding="utf-8")
    tabs = [browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page() for _ in range(2)]
    for tab in tabs:
        tab.set_default_timeout(WAIT_MS)
        tab.goto(app_url)
        tab.get_by_role("tab", name="报告库").click()
    uploader, other = tabs
    uploader.locator("#upload input[type=file]").set_input_files([str(upload)])
    expect(uploader.locator("#library-status")).to_contain_text("已加入")
    expect(other.locator("#library-table")).to_contain_text(title)  # within a few seconds, no reload
    other.get_by_role("tab", name="查询").click()
    choose(other, "filter-report", title)  # the filters know the new report too
    choose(uploader, "delete-choice", title)
    uploader.once("dialog", lambda dialog: dialog.accept())
    uploader.locator("#delete").click()
    expect(uploader.locator("#library-status")).to_contain_text("已删除")
    for tab in tabs:
        tab.context.close()


def test_a_lost_connection_is_said_in_chinese(browser, tmp_path: Path) -> None:
    import os
    import subprocess

    from helpers import PROJECT, app_command, free_port

    port = free_port()
    with open(tmp_path / "app.log", "wb") as log:
        server = subprocess.Popen(app_command(tmp_path, port), cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        for _ in range(600):  # until the server answers (model load, index build)
            try:
                page.goto(f"http://127.0.0.1:{port}/")
                break
            except sync_api.Error:
                page.wait_for_timeout(500)
        expect(page.locator("#question textarea")).to_be_visible()
        server.kill()
        server.wait(30)
        ask(page, QUESTION)
        expect(page.get_by_text("与服务器的连接已断开")).to_be_visible()
        expect(page.get_by_text("Connection to the server was lost. Attempting")).to_have_count(0)
        context.close()
    finally:
        server.kill()


def test_an_upload_shows_one_progress_line_and_gradio_texts_read_in_chinese(page, tmp_path: Path) -> None:
    upload = tmp_path / "柳河镇工作总结.txt"
    paragraphs = "\n".join(f"（{n}）柳河镇第{n}项工作：全年完成任务{n}项，群众满意度持续提升。" for n in range(1, 80))
    upload.write_text(f"柳河镇人民政府工作总结\n一、主要工作\n{paragraphs}\n", encoding="utf-8")
    page.get_by_role("tab", name="报告库").click()
    # Record, every 50 ms, how many of the library tab's progress overlays are showing.
    page.evaluate("""() => { window.psMaxBusy = 0; window.psBusyTexts = new Set(); setInterval(() => {
        const busy = [...document.querySelectorAll('[data-testid="status-tracker"]')].filter(e =>
            !e.classList.contains('hide') && e.offsetParent !== null && e.innerText.trim());
        window.psMaxBusy = Math.max(window.psMaxBusy, busy.length);
        busy.forEach(e => window.psBusyTexts.add(e.innerText.trim())); }, 50); }""")
    page.locator("#upload input[type=file]").set_input_files([str(upload)])
    expect(page.locator("#library-status")).to_contain_text("已加入")
    assert page.evaluate("window.psMaxBusy") <= 1, page.evaluate("[...window.psBusyTexts]")
    assert not any("queue:" in t for t in page.evaluate("[...window.psBusyTexts]"))
    # Gradio's own English lines (a second tab waiting, a lost connection) are rewritten where they appear.
    shown = page.evaluate("""() => { const el = document.createElement('span'); el.textContent = 'queue: 1/2 |';
        document.body.appendChild(el); return new Promise(done => setTimeout(() => done(el.textContent), 300)); }""")
    assert shown == "排队中：第 1 位（共 2 位） |"
    choose(page, "delete-choice", "柳河镇人民政府工作总结")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete").click()
    expect(page.locator("#library-status")).to_contain_text("已删除")


def test_the_report_list_can_be_searched_and_sorted(page, tmp_path: Path) -> None:
    titles = {2021: "石门镇人民政府2021年工作总结", 2024: "青山乡人民政府2024年工作总结"}
    files = []
    for year, title in titles.items():
        files.append(tmp_path / f"{title}.txt")
        files[-1].write_text(f"{title}\n一、主要工作\n{year}年新修道路三公里。\n", encoding="utf-8")
    page.get_by_role("tab", name="报告库").click()
    titles_shown = page.locator("#library-table .body-cell:first-child")
    expect(titles_shown.first).to_be_visible()
    page.locator("#upload input[type=file]").set_input_files([str(f) for f in files])
    expect(page.locator("#library-status")).to_contain_text("已加入")

    def shows_both() -> None:  # ours, by title: a count of all rows raced the redraw after an earlier test's delete
        for title in titles.values():
            expect(titles_shown.filter(has_text=title)).to_have_count(1)

    shows_both()
    search = page.locator("#library-table input[placeholder^='搜索报告']")
    search.fill("石门")
    expect(titles_shown).to_have_text([titles[2021]])
    search.fill("")
    shows_both()

    def sort_years(order: str) -> None:
        header = page.locator("#library-table thead th", has_text="年份")
        header.hover()
        header.locator("button.cell-menu-button").click(force=True)  # shown on hover
        page.get_by_role("menuitem", name=order).click()

    def shows_in_order(*wanted: str) -> None:  # among the rows, ours in this order
        page.wait_for_function("""(want) => JSON.stringify([...document.querySelectorAll(
            '#library-table .body-cell:first-child')].map(e => e.innerText.trim()).filter(t => want.includes(t)))
            === JSON.stringify(want)""", arg=list(wanted))

    sort_years("升序排序")
    shows_in_order(titles[2021], titles[2024])
    sort_years("降序排序")
    shows_in_order(titles[2024], titles[2021])

    for title in titles.values():
        choose(page, "delete-choice", title)
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("#delete").click()
        expect(page.locator("#library-status")).to_contain_text(f"已删除：《{title}》")


def test_the_page_on_a_milvus_store_answers_uploads_and_deletes(browser, tmp_path: Path) -> None:
    pytest.importorskip("milvus_lite")
    with serve_app(tmp_path, "--store", f"milvus://{tmp_path}/page.db") as url, opened(browser, url) as page:
        ask(page, QUESTION)
        card = page.locator("#results .ps-answer-card")
        expect(card.locator("strong.ps-num")).to_have_text("化解矛盾26起")
        first = page.locator("#results .ps-card").first
        first.locator("details.ps-context summary").click()  # the section's text comes from Milvus too
        expect(first.locator(".ps-context-body mark.ps-ctx-hl")).to_be_visible()
        page.screenshot(path=str(tmp_path / "milvus-answer.png"), full_page=True)
        print(f"screenshot: {tmp_path / 'milvus-answer.png'}")

        report = write(tmp_path / "青石镇道路报告.txt", UPLOAD_TEXT)
        upload(page, report)
        expect(page.locator("#library-table")).to_contain_text(UPLOAD_TITLE)
        page.get_by_role("tab", name="查询").click()
        ask(page, "青石镇新修了多少公里通村公路")
        expect(page.locator("#results .ps-card").first).to_contain_text(UPLOAD_SENTENCE)
        delete_upload(page, UPLOAD_TITLE)
