"""The Gradio page: its components and what each event does. The work is done elsewhere (search/ answers,
page/library.py changes the library, page/render.py draws the HTML); every handler goes through one guard,
so an expected problem reads as a notice and anything else is logged, never shown as a traceback."""
from __future__ import annotations

import html
import json
import logging
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import gradio as gr

from index.build import stage_label, stage_unit
from index.errors import UserError
from index.read import SUPPORTED_SUFFIXES
from index.backends import Reader
from page.library import MAX_UPLOAD_BYTES, Library, LibraryError, Version
from page.render import (ALL, LIBRARY_HEADERS, composed_html, esc, filter_choices, keep, library_rows, notice,
                         report_choices, result_html, status_html)
from search.compose import PASSAGES, compose, composable
from search.export import export
from search.llm import LLMConfig
from search.present import COMPOSING, result_json
from search.query import mode_for, parse_query
from search.results import Filters, SearchResult

log = logging.getLogger("policy_search.app")
REPEAT_SECONDS = 2.0  # a filter event repeating the one just searched, within this long, is Gradio's double send
STATIC = Path(__file__).with_name("static")
CSS = (STATIC / "page.css").read_text(encoding="utf-8")
COPY_JS = (STATIC / "copy.js").read_text(encoding="utf-8")
# Gradio writes a few messages in English whatever the browser's language (connection lost, queue position).
HEAD = (f"<script>{(STATIC / 'messages.js').read_text(encoding='utf-8')}</script>"
        f"<style>{(STATIC / 'outside.css').read_text(encoding='utf-8')}</style>")
RECENT = 10  # recent questions kept, in the browser only (localStorage), never on the server
REFRESH_SECONDS = 10  # how often an open page looks for a library change made in another tab
PRINT_JS = "() => { window.print(); }"

ANSWER, WORDING, AUTO = "answer", "wording", "auto"
ENTER_QUESTION = "请输入问题 / Please enter a question"
EMPTY_LIBRARY = "报告库里还没有报告，请先在「报告库」页上传报告。 / The library is empty: upload reports first."
FRIENDLY_ERROR = "抱歉，查询时出了问题，请稍后再试；技术细节已记录在运行窗口中。 / Something went wrong; details are in the terminal."
CHANGE_FAILED = ("抱歉，操作没有完成，报告库保持原样；技术细节已记录在运行窗口中。 / "
                 "The change failed; nothing was changed.")
K_ANSWER, K_WORDING = 5, 8
COMPOSE_AT_ONCE = 4   # generated answers written at a time: a local model server serves few at once
UPDATE_SECONDS = 0.3  # a streaming answer is redrawn at most this often
_ASKED = re.compile(r'<div class="ps-asked" data-asked="([^"]*)">')
# Example questions, each with the place whose report answers it (None: any 法治政府 report). An office that replaced
# the default corpus/ with its own reports is not offered questions about 张店乡. The wording example names no other
# places: with the default library of one report, "别的乡镇怎么写…" was answered from that same township.
EXAMPLES = [("2023年化解了多少起矛盾纠纷？", "张店乡"), ("张店乡有几个人通过了执法证考试", "张店乡"),
            ("“第一责任人职责”这部分怎么写？", None)]

T = TypeVar("T")


def examples_for(titles: list[str]) -> list[list[str]]:
    """The example questions the library can answer (as the page starts): those whose place a report's title names."""
    return [[question] for question, place in EXAMPLES if place is None or any(place in t for t in titles)]


def guard(action: Callable[[], T], failed: Callable[[str], T], friendly: str = FRIENDLY_ERROR) -> T:
    """Run an event's work: a UserError is shown as it is (`failed` turns a message into the event's output);
    anything else is a bug, logged with its traceback and shown as the friendly message."""
    try:
        return action()
    except UserError as problem:
        return failed(str(problem))
    except Exception:  # noqa: BLE001 - the page must stay usable whatever went wrong
        log.exception(friendly)
        return failed(friendly)


def _api_error(message: str) -> dict:
    raise gr.Error(message)


# ---------------------------------------------------------------------------------------- search


def run_search(library: Library, question: str, k: int, mode: str | None,
               filters: Filters) -> tuple[SearchResult, Reader]:
    """One search, timed on the server; also returns the index generation it was answered from."""
    library.follow()
    searcher = library.searcher
    if searcher is None:
        raise LibraryError(EMPTY_LIBRARY)
    index = searcher.index  # captured first so "查看上下文" reads the same generation the hits came from
    started = time.perf_counter()
    result = searcher.search(question, k=k, filters=filters, mode=mode)
    log.info("检索 / search %.1f ms · %s · %d 条 · %r", (time.perf_counter() - started) * 1000,
             result.mode, len(result.hits), question[:40])
    return result, index


def make_filters(year: str | None, body: str | None, genre: str | None, report: str | None) -> Filters:
    """Dropdown values → the same Filters the CLI builds from its flags."""
    chosen = lambda v: None if v is None or str(v).strip() in ("", ALL, "all") else str(v).strip()  # noqa: E731
    picked = chosen(report)
    return Filters.of(chosen(year), chosen(body), chosen(genre), (picked,) if picked else ())


def parse_mode(mode: str | None) -> str | None:
    """answer/wording or 问答/找表述; anything else (auto, 自动, nothing) lets the question decide."""
    text = (mode or "").strip().lower()
    if text in (ANSWER, "问答"):
        return ANSWER
    if text in (WORDING, "找表述"):
        return WORDING
    return None


# ---------------------------------------------------------------------------------------- page


def theme() -> gr.themes.Base:
    # System CJK fonts only: the default theme would fetch web fonts, and this runs offline.
    fonts = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
             "sans-serif"]
    return gr.themes.Default(primary_hue="red", neutral_hue="slate", font=fonts,
                             font_mono=["Noto Sans Mono CJK SC", "monospace"])


def build_page(library: Library, llm: LLMConfig | None = None) -> gr.Blocks:
    """The whole page; every handler closes over `library` (and the local model, if one is configured) instead of
    module-level state."""
    with gr.Blocks(title="政策报告检索") as page:
        gr.HTML('<div id="ps-header"><h1>政策报告检索</h1>'
                '<p>在本机报告中查找答案和写法，全程离线 · Offline policy report search</p></div>', js_on_load=None)
        with gr.Tabs():
            with gr.Tab("查询", id="search-tab"):
                ask_inputs, (recent, recent_pick) = _search_tab(library, llm)
            with gr.Tab("报告库", id="library-tab"):
                library_outputs = _library_tab(library, ask_inputs)
        page.load(lambda: library_updates(library, *([None] * 4)), inputs=None, outputs=library_outputs,
                  api_visibility="private")
        page.load(lambda kept: remember("", kept)[1], recent, recent_pick, api_visibility="private")
        _keep_in_step(library, library_outputs, ask_inputs[2:])
        gr.api(_api_search(library), api_name="search")
        _api_upload(library)
    return page


def _search_tab(library: Library, llm: LLMConfig | None) -> tuple[list[gr.components.Component],
                                                                  tuple[gr.BrowserState, gr.Dropdown]]:
    choices = filter_choices(library)
    with gr.Row(equal_height=True):
        question = gr.Textbox(show_label=False, placeholder="输入问题，按回车查询",
                              elem_id="question", scale=6, max_length=500, autofocus=True)
        ask_button = gr.Button("查询", variant="primary", scale=1, min_width=100, elem_id="ask")
    examples = gr.Examples(examples_for([r.title for r in library.reports()]), inputs=[question],
                           label="试试这些问题（点击即查）", elem_id="examples")
    # On a phone the filters fold away (page/static/messages.js closes this on narrow screens).
    with gr.Accordion("查询方式与筛选", open=True, elem_id="filters"), gr.Row(equal_height=True, elem_id="controls"):
        # Each question decides its mode unless the user picks one: an example asking for wording must not leave
        # the next number question without its answer card.
        mode = gr.Radio([("自动", AUTO), ("问答 · 找答案", ANSWER), ("找表述 · 看写法", WORDING)], value=AUTO,
                        label="查询方式", elem_id="mode", scale=3, min_width=300)
        year = gr.Dropdown(choices["year"], value=ALL, label="年份（可输入 2020-2023）", allow_custom_value=True,
                           elem_id="filter-year", min_width=180)
        body = gr.Dropdown(choices["body"], value=ALL, label="发文机关", elem_id="filter-body", min_width=150)
        genre = gr.Dropdown(choices["genre"], value=ALL, label="报告类型", elem_id="filter-genre", min_width=150)
        # Report titles are long ("鲁山县张店乡人民政府关于2023年度法治政府建设情况的报告"): the widest box.
        report = gr.Dropdown(choices["report"], value=ALL, label="指定报告", elem_id="filter-report", scale=2,
                             min_width=240)
    with gr.Row(equal_height=False, elem_id="recent-row"):
        recent_pick = gr.Dropdown([], value=None, label="最近的问题（只保存在本浏览器）", elem_id="recent", scale=5)
        print_button = gr.Button("打印结果", size="sm", elem_id="print", scale=1, min_width=100)
    # A fixed secret: the list must outlive a restart of the server (a random one would make it unreadable).
    recent = gr.BrowserState([], storage_key="policy-search-recent", secret="policy-search-recent-questions")
    health = library.notice()
    welcome = notice(health, "warn") if health else notice(
        "在上方输入问题，按回车开始查询。", "info", "“自动”按问题判断；“问答”给出具体数字和出处；“找表述”列出其他报告里的相关写法。")
    results = gr.HTML(welcome, elem_id="results", js_on_load=COPY_JS, min_height=120)
    composed = gr.HTML("", elem_id="composed", visible=llm is not None)
    inputs = [question, mode, year, body, genre, report]

    def ask(question: str, mode: str, year: str, body: str, genre: str, report: str) -> str:
        return guard(lambda: _ask(library, question, mode, year, body, genre, report), lambda m: notice(m, "error"))

    last: dict[str, tuple[tuple, float]] = {}  # per browser session: the last filter change searched, and when

    def refine(question: str, mode: str, year: str, body: str, genre: str, report: str, request: gr.Request) -> str:
        # Changing a filter re-runs the current question; with no question yet there is nothing to redo. A dropdown
        # choice reaches us twice (Gradio sends its input event twice): the same inputs again at once are skipped.
        inputs = (question, mode, year, body, genre, report)
        session = getattr(request, "session_hash", None) or ""
        seen, when = last.get(session, ((), 0.0))
        if not (question or "").strip() or (inputs == seen and time.monotonic() - when < REPEAT_SECONDS):
            return gr.skip()
        if len(last) > 10_000:  # sessions are never closed explicitly
            last.clear()
        last[session] = (inputs, time.monotonic())
        page = ask(*inputs)
        last[session] = (inputs, time.monotonic())  # the repeat waits in the queue behind this search
        return page

    def ask_example(question: str, _mode: str, *filters: str) -> tuple[str, str]:
        # An example such as "…这部分怎么写" shows what the question decides: the mode goes back to automatic.
        return AUTO, ask(question, AUTO, *filters)

    # One queue for everything that redraws the results, so answers arrive in the order they were asked
    # (choosing a year, then quickly another, must not end with the first year's results on screen).
    in_order = {"concurrency_id": "results", "concurrency_limit": 1}
    asked = question.submit(ask, inputs, results, api_name="ask", api_visibility="undocumented", **in_order)
    clicked = ask_button.click(ask, inputs, results, api_visibility="private", **in_order)
    for event in (asked, clicked):
        event.then(remember, [question, recent], [recent, recent_pick], api_visibility="private", queue=False)

    def ask_recent(picked: str | None, mode: str, *filters: str) -> tuple[str, str]:
        return (picked, ask(picked, mode, *filters)) if picked else (gr.skip(), gr.skip())

    recent_pick.input(ask_recent, [recent_pick, *inputs[1:]], [question, results], api_visibility="private",
                      **in_order)
    print_button.click(None, js=PRINT_JS)
    examples.load_input_event.then(ask_example, inputs, [mode, results], api_visibility="private", **in_order)
    # .input, not .change: only the user's own choice re-runs a search, not a refreshed choice list.
    for control in (mode, year, body, genre, report):
        control.input(refine, inputs, results, api_visibility="private", **in_order)
    _export_row(library, inputs)
    if llm is not None:
        _compose_after(library, llm, results, composed)
    return inputs, (recent, recent_pick)


def _compose_after(library: Library, llm: LLMConfig, results: gr.HTML, composed: gr.HTML) -> None:
    """Whenever new results are on screen (a question, a filter changed, an example, a recent question), the local
    model writes its answer below them, streaming, for the question those results answer (read from the results
    themselves: the box may already hold the next question). Its own queue: a slow model must not hold up anyone's
    search. A newer question in the same browser ends the older answer at its next word."""
    latest: dict[str, str] = {}  # browser session → the results being answered

    def write(shown: str, request: gr.Request) -> Iterator[str]:
        asked = asked_of(shown)
        if asked is None:
            yield ""
            return
        session = getattr(request, "session_hash", None) or ""
        if len(latest) > 10_000:  # sessions are never closed explicitly
            latest.clear()
        latest[session] = asked[-1]
        try:
            for html_text in _composed_updates(library, llm, *asked[:2], make_filters(*asked[2:6])):
                if latest.get(session) != asked[-1]:
                    return  # newer results are on screen; their answer is being written
                yield html_text
        except UserError as problem:
            yield notice(str(problem), "error")
        except Exception:  # noqa: BLE001 - the page must stay usable whatever went wrong
            log.exception(FRIENDLY_ERROR)
            yield notice(FRIENDLY_ERROR, "error")

    results.change(write, results, composed, api_visibility="private", concurrency_id="compose",
                   concurrency_limit=COMPOSE_AT_ONCE, show_progress="hidden", trigger_mode="multiple")


def asked_of(shown: str) -> list[str] | None:
    """The question, mode, filters and ask id that a results block was drawn for (see _ask); None for a notice."""
    found = _ASKED.search(shown or "")
    return json.loads(html.unescape(found.group(1))) if found else None


def _composed_updates(library: Library, llm: LLMConfig, question: str, mode: str, filters: Filters) -> Iterator[str]:
    """The generated answer as it grows: a placeholder at once (the previous answer must not stand under new
    results), a redraw at most every UPDATE_SECONDS, and the checked one at the end."""
    result, _ = _page_search(library, question, mode, filters)
    if not composable(result):
        yield ""
        return
    hits = result.hits[:PASSAGES]
    yield notice(COMPOSING[0], "info")
    shown = 0.0
    for composed in compose(llm, result.query.text, hits):
        if composed.done or time.monotonic() - shown >= UPDATE_SECONDS:
            shown = time.monotonic()
            yield composed_html(composed, hits, llm.model)


def remember(question: str, recent: list[str] | None) -> tuple[list[str], gr.Dropdown]:
    """The browser's recent questions with this one first (once), and the list offering them."""
    asked = (question or "").strip()
    kept = [asked, *[q for q in recent or [] if q != asked]][:RECENT] if asked else list(recent or [])[:RECENT]
    return kept, gr.Dropdown(choices=kept, value=None)


def _keep_in_step(library: Library, outputs: list, filters: list) -> None:
    """Every open page looks for a library change made elsewhere (an upload in another tab, by the API) and then
    redraws its report list and filters, keeping the filters chosen."""
    seen = gr.State(library.version())
    timer = gr.Timer(REFRESH_SECONDS)
    doomed = outputs[1]

    def look(version: str, delete_choice: str | None, *chosen: str) -> tuple:
        now = library.version()
        if now == version:
            return (gr.skip(),) * (1 + len(outputs))
        # The report picked for deletion stays picked: the page's own upload is a change too, and a redraw up to
        # 10 s later cleared the pick between choosing and clicking 删除 ("没有删除：请先…选择", seen in fresh-ci).
        return (now, *library_updates(library, *chosen, delete_choice=delete_choice))

    timer.tick(look, [seen, doomed, *filters], [seen, *outputs], api_visibility="private", show_progress="hidden",
               queue=False)


def _export_row(library: Library, inputs: list) -> None:
    """导出 Word / 导出表格: the current question's results, searched again (the same answer), as a file to download."""
    with gr.Row(elem_id="export"):
        to_word = gr.Button("导出 Word", size="sm", elem_id="export-docx", min_width=100)
        to_table = gr.Button("导出表格（CSV）", size="sm", elem_id="export-csv", min_width=100)
    saved = gr.File(label="导出的文件", visible=False, elem_id="export-file", interactive=False)

    def save(suffix: str, question: str, mode: str, year: str, body: str, genre: str, report: str):
        if not (question or "").strip():
            raise gr.Error(ENTER_QUESTION)
        return guard(lambda: gr.File(str(_export(library, suffix, question, mode, year, body, genre, report)),
                                     visible=True), _api_error)

    to_word.click(lambda *a: save(".docx", *a), inputs, saved, api_visibility="private")
    to_table.click(lambda *a: save(".csv", *a), inputs, saved, api_visibility="private")


def _export(library: Library, suffix: str, question: str, mode: str, year: str, body: str, genre: str,
            report: str) -> Path:
    result, _ = _page_search(library, question, mode, make_filters(year, body, genre, report))
    folder = Path(tempfile.mkdtemp(prefix="policy-search-export-"))
    return export(result, folder / f"检索结果{suffix}")


def _ask(library: Library, question: str, mode: str, year: str, body: str, genre: str, report: str) -> str:
    if not (question or "").strip():
        return notice(ENTER_QUESTION, "warn")
    filters = make_filters(year, body, genre, report)
    result, index = _page_search(library, question, mode, filters)
    # What was asked, with an id of its own: the local model's answer is written for these results (asked_of),
    # again when the same question is asked again.
    asked = json.dumps([question, mode, year, body, genre, report, uuid.uuid4().hex], ensure_ascii=False)
    return f'<div class="ps-asked" data-asked="{esc(asked)}">{result_html(result, index, filters)}</div>'


def _page_search(library: Library, question: str, mode: str, filters: Filters) -> tuple[SearchResult, Reader]:
    """The page's search: the mode chosen (or the question's own) and as many results as that mode shows."""
    asked = parse_mode(mode)
    k = K_WORDING if mode_for(parse_query(question), asked) == WORDING else K_ANSWER
    return run_search(library, question, k, asked, filters)


def _api_search(library: Library) -> Callable[..., dict]:
    def search(question: str, k: int = 5, mode: str = "", year: str = "", body: str = "", genre: str = "",
               report: str = "") -> dict:
        """检索报告，返回与命令行 `python -m search --json` 相同的 JSON。
        mode: answer/wording（或 问答/找表述；留空由问题决定）；year: 2023 或 2020-2023；report: 文件名或路径。"""
        if not (question or "").strip():
            return {"query": "", "mode": parse_mode(mode) or ANSWER, "confident": False, "confidence": 0.0,
                    "message": ENTER_QUESTION, "reason": None, "reason_kind": None, "note": None, "results": [],
                    "conflicts": [], "list": None, "table": None}
        return guard(lambda: result_json(run_search(library, question, max(1, min(int(k), 50)), parse_mode(mode),
                                                    make_filters(year, body, genre, report))[0]), _api_error)

    return search


def _api_upload(library: Library) -> None:
    """Named API "upload": the page's upload for API clients (same checks, same one-at-a-time queue).

    A hidden File component rather than gr.api, so Gradio itself checks that the paths it is given were really
    uploaded (gr.api would pass any server path through unchecked; page/server.py keeps the check on).
    """
    files = gr.File(file_count="multiple", type="filepath", visible=False)
    outcome_json = gr.JSON(visible=False)

    def upload(paths: list[str] | None) -> dict:
        """加入报告（与「报告库」页上传相同的检查），返回 {"kept": [...], "rejected": [{"name", "reason"}],
        "earlier_versions": [{"new", "old", "title"}], "reports": n}。"""
        outcome = guard(lambda: library.add([Path(p) for p in paths or []]), _api_error, CHANGE_FAILED)
        if outcome.summary:
            log.info("上传 (API) / upload: %s; %.1f s", ", ".join(outcome.kept), outcome.summary.seconds)
        return {"kept": outcome.kept, "rejected": [{"name": r.name, "reason": r.reason} for r in outcome.rejected],
                "earlier_versions": [{"new": v.new, "old": v.old, "title": v.title} for v in outcome.versions],
                "reports": len(library.reports())}

    files.upload(upload, files, outcome_json, api_name="upload", api_visibility="undocumented",  # not an MCP tool
                 concurrency_id="library", concurrency_limit=1)


def _library_tab(library: Library, ask_inputs: list) -> list:
    kinds = "、".join(sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES))
    gr.HTML(f'<p class="ps-hint">上传的报告会自动加入检索（可一次选多个文件）。支持 {kinds} 格式，单个文件不超过 '
            f'{MAX_UPLOAD_BYTES // 1024 // 1024} MB。报告文件夹（{esc(str(library.corpus))}）中的报告在程序启动时自动收录。</p>')
    upload = gr.File(label="上传报告", file_count="multiple", type="filepath", elem_id="upload", height=140)
    health = library.notice()
    status = gr.HTML(status_html([("warn", health)]) if health else None, elem_id="library-status", js_on_load=None)
    table = gr.Dataframe(library_rows(library), headers=LIBRARY_HEADERS, interactive=False, wrap=True,
                         label="报告列表（右上角可搜索；列名旁 ⋮ 可排序）", elem_id="library-table", show_search="search",
                         column_widths=["34%", "8%", "16%", "12%", "7%", "13%", "10%"])
    with gr.Row(equal_height=False):
        doomed = gr.Dropdown(report_choices(library), value=None, label="选择要删除的报告（只能删除上传的报告）",
                             elem_id="delete-choice", scale=4)
        delete = gr.Button("删除所选报告", variant="stop", scale=1, min_width=140, elem_id="delete")
    # An upload with the title or file name of an earlier upload may be its corrected version: offered, not forced.
    replace = gr.Button("用新版本替换旧版本", visible=False, elem_id="replace-old")
    pending = gr.State([])  # report paths of the earlier versions offered for replacement
    year, body, genre, report = ask_inputs[2:]
    outputs = [table, doomed, year, body, genre, report]

    def added(files: list[str] | None, year_v: str, body_v: str, genre_v: str, report_v: str,
              progress: gr.Progress = gr.Progress()) -> tuple:
        lines, versions = guard(lambda: _add_files(library, files or [], progress),
                                lambda message: (_error_lines(message), []), CHANGE_FAILED)
        return (status_html(lines), None, gr.Button(visible=bool(versions)), [v.old for v in versions],
                *library_updates(library, year_v, body_v, genre_v, report_v))

    def replaced(olds: list[str], year_v: str, body_v: str, genre_v: str, report_v: str,
                 progress: gr.Progress = gr.Progress()) -> tuple:
        lines = guard(lambda: _retire(library, olds, progress), _error_lines, CHANGE_FAILED)
        return (status_html(lines), gr.Button(visible=False), [],
                *library_updates(library, year_v, body_v, genre_v, report_v))

    def removed(choice: str | None, year_v: str, body_v: str, genre_v: str, report_v: str,
                progress: gr.Progress = gr.Progress()) -> tuple:
        lines = guard(lambda: _remove(library, choice, progress), _error_lines, CHANGE_FAILED)
        return (status_html(lines), *library_updates(library, year_v, body_v, genre_v, report_v))

    filters = [year, body, genre, report]
    # One progress line, in the status area, rather than one over every component the change redraws.
    one_line = {"show_progress_on": [status], "concurrency_id": "library", "concurrency_limit": 1,
                "api_visibility": "private"}
    upload.upload(added, [upload, *filters], [status, upload, replace, pending, *outputs], **one_line)
    replace.click(replaced, [pending, *filters], [status, replace, pending, *outputs], **one_line)
    delete.click(removed, [doomed, *filters], [status, *outputs], js=_confirm_js(len(filters)), **one_line)
    return outputs


def _confirm_js(extra: int) -> str:
    passthrough = ", ".join(f"a{i}" for i in range(extra))
    return (f"(choice, {passthrough}) => [(choice && confirm('确定从报告库删除这份报告吗？ / Delete this report?'))"
            f" ? choice : null, {passthrough}]")


def library_updates(library: Library, year: str | None, body: str | None, genre: str | None,
                    report: str | None, delete_choice: str | None = None) -> tuple:
    """Everything on the page that lists reports, re-read after a change (or a page reload); the report picked for
    deletion stays picked while it is still there."""
    choices = filter_choices(library)
    deletable = report_choices(library)
    return (
        gr.Dataframe(value=library_rows(library)),
        gr.Dropdown(choices=deletable, value=keep(delete_choice, deletable, gone=None)),
        gr.Dropdown(choices=choices["year"], value=keep(year, choices["year"], custom=True)),
        gr.Dropdown(choices=choices["body"], value=keep(body, choices["body"])),
        gr.Dropdown(choices=choices["genre"], value=keep(genre, choices["genre"])),
        gr.Dropdown(choices=choices["report"], value=keep(report, choices["report"])),
    )


def _error_lines(message: str) -> list[tuple[str, str]]:
    return [("error", message)]


def _gradio_progress(progress: gr.Progress) -> Callable[[str, int, int], None]:
    def report(stage: str, done: int, total: int) -> None:
        if total:
            progress((done, total), desc=f"正在{stage_label(stage).split(' / ')[0]}", unit=stage_unit(stage))
    return report


def _add_files(library: Library, files: list[str], progress: gr.Progress) -> tuple[list[tuple[str, str]], list[Version]]:
    if not files:
        return [("warn", "没有收到文件 / No files received")], []
    outcome = library.add([Path(f) for f in files], _gradio_progress(progress),
                          checking=lambda name: progress(None, desc=f"正在检查 {name}"))
    lines = [("ok", f"已加入：{name}") for name in outcome.kept]
    lines += [("error", f"未加入 {r.name}：{r.reason}") for r in outcome.rejected]
    lines += [("warn", f"{v.new} 与已上传的《{v.title}》（{Path(v.old).name}）是同一份报告吗？两份都会参与检索，数字不同时"
                       f"答案会同时列出。如果新文件是更正后的版本，请点「用新版本替换旧版本」，旧版本另存为早期版本，不再参与检索。"
                       f" / Same report as an earlier upload? Replace the old version if this one corrects it.")
              for v in outcome.versions]
    if outcome.summary:
        s = outcome.summary
        log.info("上传 / upload: %s; %d 段新向量化, %.1f s", ", ".join(outcome.kept), s.embedded, s.seconds)
    return lines, outcome.versions


def _retire(library: Library, olds: list[str], progress: gr.Progress) -> list[tuple[str, str]]:
    if not olds:
        return [("warn", "没有需要替换的报告 / Nothing to replace")]
    progress(None, desc="正在替换旧版本并更新索引")
    lines = []
    for old in olds:
        kept = library.retire(old, _gradio_progress(progress))
        lines.append(("ok", f"已用新版本替换 {Path(old).name}；旧版本另存为 {kept.relative_to(library.uploads)}，不再参与检索。"))
    return lines


def _remove(library: Library, choice: str | None, progress: gr.Progress) -> list[tuple[str, str]]:
    if not choice:
        return [("warn", "没有删除：请先在下拉框中选择一份报告并确认。 / Nothing deleted: choose a report first.")]
    progress(None, desc="正在删除并更新索引")
    report = library.remove(choice, _gradio_progress(progress))
    return [("ok", f"已删除：《{report.title}》")]
