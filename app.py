"""Web page for policy-search: `python app.py`, then open http://127.0.0.1:7860.

A thin layer: index/ builds and stores, search/ retrieves and answers, search/library.py manages
uploads; this file only turns their results into HTML and wires them to Gradio.
"""
from __future__ import annotations

import argparse
import html
import ipaddress
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

# An offline tool must not phone home; this has to be set before gradio is imported.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from tqdm import tqdm  # noqa: E402

from index.__main__ import format_summary  # noqa: E402
from index.chunk import SEPARATOR  # noqa: E402
from index.cli import exit_code  # noqa: E402
from index.errors import UserError  # noqa: E402
from index.embed import Embedder  # noqa: E402
from index.model import ModelError  # noqa: E402
from index.read import SUPPORTED_SUFFIXES, ReadError  # noqa: E402
from index.store import IndexReader, StoredChunk, StoreError  # noqa: E402
from search.__main__ import filters_from_args  # noqa: E402
from search.answer import Answer  # noqa: E402
from search.library import MAX_UPLOAD_BYTES, Library, LibraryError, added_label  # noqa: E402
from search.query import parse_query  # noqa: E402
from search.present import MAYBE_RELATED, NO_ANSWER, result_json  # noqa: E402
from search.present import reason as reason_of  # noqa: E402
from search.retrieve import Filters, Hit, SearchResult  # noqa: E402

log = logging.getLogger("policy_search.app")

ALL = "全部"
ANSWER, WORDING = "answer", "wording"
ENTER_QUESTION = "请输入问题 / Please enter a question"
EMPTY_LIBRARY = "报告库里还没有报告，请先在「报告库」页上传报告。 / The library is empty: upload reports first."
FRIENDLY_ERROR = "抱歉，查询时出了问题，请稍后再试；技术细节已记录在运行窗口中。 / Something went wrong; details are in the terminal."
EXPECTED_ERRORS = (UserError,)
K_ANSWER, K_WORDING = 5, 8
EXAMPLES = [["2023年化解了多少起矛盾纠纷？"], ["张店乡有几个人通过了执法证考试"], ["别的乡镇怎么写'第一责任人职责'这部分？"]]
LIBRARY_HEADERS = ["标题", "年份", "发文机关", "类型", "段落数", "加入时间", "来源"]
AUTH_ENV = "POLICY_SEARCH_AUTH"

# ---------------------------------------------------------------------------------------- access

Login = tuple[str, str]


class AuthError(UserError):
    """A login setting that cannot be used (message: Chinese first, then English; never echoes a password)."""


def load_logins(env_value: str | None, auth_file: Path | None) -> list[Login]:
    """(user, password) pairs from POLICY_SEARCH_AUTH ("user:pw,user2:pw2") and/or an --auth-file
    (one user:password a line; blank lines and lines starting with # are skipped). Empty list: no login.

    Only the first ":" separates, so a password may contain ":" (and, in the file, "," and "#");
    spaces around user names and passwords are dropped.
    """
    entries: list[tuple[str, str]] = []
    if env_value and env_value.strip():
        entries += [(item, f"{AUTH_ENV} 第 {n} 项 / item {n}")
                    for n, item in enumerate(env_value.split(","), 1) if item.strip()]
    if auth_file is not None:
        try:
            lines = auth_file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as problem:
            raise AuthError(f"无法读取登录文件 {auth_file}：{problem} / Cannot read the auth file") from None
        from_file = [(line, f"{auth_file} 第 {n} 行 / line {n}") for n, line in enumerate(lines, 1)
                     if line.strip() and not line.strip().startswith("#")]
        if not from_file:
            raise AuthError(f"登录文件 {auth_file} 中没有“用户名:密码”行 / The auth file has no user:password lines")
        entries += from_file
    logins: dict[str, str] = {}
    for text, where in entries:
        user, colon, password = text.strip().partition(":")
        user, password = user.strip(), password.strip()
        if not colon or not user or not password:
            raise AuthError(f"登录设置格式不对（{where}），应为“用户名:密码” / Bad login entry ({where}): "
                            "expected user:password")
        if user in logins:
            raise AuthError(f"用户名 {user} 重复出现（{where}） / User {user} is listed twice ({where})")
        logins[user] = password
    return list(logins.items())


def is_local_host(host: str) -> bool:
    """True when only this computer can reach the address (127.0.0.1, localhost, ::1 …)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name or a LAN address
        return False


def exposure_warning(host: str, logins: list[Login]) -> str | None:
    """The warning to print when the page is reachable from other computers without a login."""
    if logins or is_local_host(host):
        return None
    return (f"警告：网页监听 {host}，其他电脑也能打开，但没有设置登录密码——任何能访问本机的人都能查询、上传和删除报告。"
            f"请设置环境变量 {AUTH_ENV}=用户名:密码，或使用 --auth-file 文件；只在本机使用请去掉 --host。\n"
            f"WARNING: listening on {host} with no login: anyone who can reach this computer can search, "
            f"upload and delete reports. Set {AUTH_ENV}=user:password or pass --auth-file FILE; "
            "drop --host to stay on this computer only.")


# ---------------------------------------------------------------------------------------- search


def run_search(library: Library, question: str, k: int, mode: str | None,
               filters: Filters) -> tuple[SearchResult, IndexReader]:
    """One search, timed on the server; also returns the index generation it was answered from."""
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
    return filters_from_args(SimpleNamespace(year=chosen(year), body=chosen(body), genre=chosen(genre),
                                             report=[picked] if picked else None))


def parse_mode(mode: str | None) -> str | None:
    """API callers may say answer/wording or 问答/找表述; anything else lets the question decide."""
    text = (mode or "").strip().lower()
    if text in (ANSWER, "问答"):
        return ANSWER
    if text in (WORDING, "找表述"):
        return WORDING
    return None


# ---------------------------------------------------------------------------------------- HTML

esc = html.escape


def notice(text: str, kind: str = "info", detail: str = "") -> str:
    extra = f'<div class="ps-notice-detail">{esc(detail)}</div>' if detail else ""
    return f'<div class="ps-notice ps-{kind}" role="status"><div class="ps-notice-text">{esc(text)}</div>{extra}</div>'


def section_path(chunk: StoredChunk) -> str:
    """The breadcrumb without the report title, which the card already shows."""
    parts = chunk.section.split(SEPARATOR)
    if parts and parts[0] == chunk.report.title:
        parts = parts[1:]
    return SEPARATOR.join(parts) or "正文"


def citation(chunk: StoredChunk) -> str:
    return f"《{chunk.report.title}》{SEPARATOR}{section_path(chunk)}：{chunk.text}"


def sentence_html(answer: Answer) -> str:
    """The answering sentence with its number phrase in bold."""
    text = answer.text
    if answer.span_start is None or answer.span_end is None:
        return esc(text)
    s0, s1 = answer.span_start - answer.start, answer.span_end - answer.start
    return f'{esc(text[:s0])}<strong class="ps-num">{esc(text[s0:s1])}</strong>{esc(text[s1:])}'


def passage_html(chunk: StoredChunk, answer: Answer | None) -> str:
    text = chunk.text
    if answer is None:
        return esc(text)
    a0, a1 = max(0, answer.start - chunk.start), min(len(text), answer.end - chunk.start)
    return f'{esc(text[:a0])}<mark class="ps-hl">{sentence_html(answer)}</mark>{esc(text[a1:])}'


def context_html(index: IndexReader, chunk: StoredChunk) -> str:
    """The whole section around the passage, the passage itself marked."""
    try:
        report_text = index.report_text(chunk.report.id)
    except (TypeError, StoreError, OSError):  # the report left the index meanwhile
        return esc(chunk.text)
    lo, hi = chunk.section_start, max(chunk.section_end, chunk.end)
    p0, p1 = max(lo, chunk.start), min(hi, chunk.end)
    return (f"{esc(report_text[lo:p0])}<mark class=\"ps-ctx-hl\">{esc(report_text[p0:p1])}</mark>"
            f"{esc(report_text[p1:hi])}")


def years_label(years: tuple[int, ...]) -> str:
    return "、".join(f"{y}年" for y in years) or "年份不详"


def answer_card(hit: Hit) -> str:
    answer, chunk = hit.answer, hit.chunk
    assert answer is not None
    key = (f'<div class="ps-answer-key">{esc(answer.span_text)}</div>'
           if answer.span_text else "")
    return (
        '<section class="ps-answer-card" aria-label="答案">'
        '<div class="ps-answer-label">答案</div>'
        f"{key}"
        f'<div class="ps-answer-sentence"><mark class="ps-hl">{sentence_html(answer)}</mark></div>'
        f'<div class="ps-source">出处：《{esc(chunk.report.title)}》{esc(SEPARATOR)}{esc(section_path(chunk))}</div>'
        "</section>"
    )


def result_card(hit: Hit, index: IndexReader) -> str:
    chunk, report = hit.chunk, hit.chunk.report
    cite = citation(chunk)
    return (
        '<article class="ps-card">'
        '<header class="ps-card-head">'
        f'<span class="ps-rank" title="排名 / rank">{hit.rank}</span>'
        f'<span class="ps-title">《{esc(report.title)}》</span>'
        f'<span class="ps-tag">{esc(years_label(report.years))}</span>'
        "</header>"
        f'<div class="ps-crumb">{esc(section_path(chunk))}</div>'
        f'<p class="ps-passage">{passage_html(chunk, hit.answer)}</p>'
        '<div class="ps-actions">'
        f'<button type="button" class="ps-copy" data-cite="{esc(cite)}">复制引用</button>'
        '<details class="ps-context"><summary>查看上下文</summary>'
        f'<div class="ps-context-body">{context_html(index, chunk)}</div></details>'
        "</div>"
        f'<textarea class="ps-cite-text" readonly hidden aria-label="引用文字">{esc(cite)}</textarea>'
        "</article>"
    )


def scope_label(filters: Filters) -> str:
    """What the filters limit the search to, so an empty result is not mistaken for a missing fact."""
    years = ""
    if filters.year_from is not None:
        years = (f"{filters.year_from}年" if filters.year_from == filters.year_to
                 else f"{filters.year_from}–{filters.year_to}年")
    parts = [years, filters.body or "", filters.genre or "", *(Path(r).name for r in filters.reports)]
    return " · ".join(p for p in parts if p)


def result_html(result: SearchResult, index: IndexReader, filters: Filters) -> str:
    scope = scope_label(filters)
    scope_html = f'<span class="ps-scope">筛选：{esc(scope)}</span>' if scope else ""
    parts = [f'<div class="ps-question">问题：{esc(result.query.text)}{scope_html}</div>']
    hits = result.hits
    if not result.confident or not hits:
        hint = "可以换个说法，或放宽筛选条件。" if filters.active else "可以换个说法，或换用更具体的词。"
        reason = reason_of(result.doubt)[0] if result.doubt else ""
        detail = (f"{reason}。以下段落可能相关，请自行核对原文。" if reason else "以下段落可能相关，请自行核对原文。") \
            if hits else f"没有找到相关段落。{hint}"
        parts.append(notice(NO_ANSWER[0], "warn", detail))
        heading = MAYBE_RELATED[0]
    elif result.mode == WORDING:
        reports = len({h.chunk.report.id for h in hits})
        heading = f"参考表述（来自 {reports} 份报告）"
    else:
        if hits[0].answer is not None:
            parts.append(answer_card(hits[0]))
        heading = "相关段落"
    if hits:
        parts.append(f'<h3 class="ps-heading">{esc(heading)} <span class="ps-count">共 {len(hits)} 条</span></h3>')
        parts.extend(result_card(h, index) for h in hits)
    return f'<div class="ps-results">{"".join(parts)}</div>'


# ---------------------------------------------------------------------------------------- library view


def source_label(library: Library, path: str) -> str:
    return "上传" if library.is_upload(path) else "报告文件夹"


def library_rows(library: Library) -> list[list[object]]:
    return [[r.title, years_label(r.years), r.body or "—", r.genre, r.chunks, added_label(r.added),
             source_label(library, r.path)] for r in library.reports()]


def report_choices(library: Library) -> list[tuple[str, str]]:
    return [(f"{r.title}（{Path(r.path).name}，{source_label(library, r.path)}）", r.path) for r in library.reports()]


def filter_choices(library: Library) -> dict[str, list[tuple[str, str]]]:
    reports = library.reports()
    years = sorted({y for r in reports for y in r.years}, reverse=True)
    count = lambda pred: sum(1 for r in reports if pred(r))  # noqa: E731
    return {
        "year": [("全部年份", ALL)] + [(f"{y}年（{count(lambda r: y in r.years)} 份）", str(y)) for y in years],
        "body": [("全部机关", ALL)] + [(b, b) for b in sorted({r.body for r in reports if r.body})],
        "genre": [("全部类型", ALL)] + [(g, g) for g in sorted({r.genre for r in reports})],
        "report": [("全部报告", ALL)] + [(r.title, r.path) for r in reports],
    }


def keep(value: str | None, choices: list[tuple[str, str]], custom: bool = False) -> str:
    """A filter keeps its value across library changes unless that choice disappeared."""
    if value and (custom or value in {v for _, v in choices}):
        return value
    return ALL


def status_html(lines: list[tuple[str, str]]) -> str:
    return "".join(notice(text, kind) for kind, text in lines)


# ---------------------------------------------------------------------------------------- page

CSS = """
:root, .gradio-container { --ps-accent: #b42318; --ps-ink: #1f2328; --ps-muted: #57606a; }
.gradio-container { max-width: 1180px !important; margin: 0 auto !important; }
#ps-header { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
#ps-header h1 { font-size: 1.5rem; margin: 0; letter-spacing: 0.04em; }
#ps-header p { color: var(--ps-muted); margin: 0; font-size: .92rem; }
#question textarea, #question input { font-size: 1.1rem !important; }
#mode .wrap { flex-wrap: nowrap; }
#mode label { white-space: nowrap; }
.ps-results { font-size: 16px; line-height: 1.9; color: var(--ps-ink); }
.ps-question { color: var(--ps-muted); margin: 4px 0 12px; word-break: break-all; }
.ps-scope { margin-left: 14px; padding: 1px 10px; border-radius: 10px; background: #eef4ff; color: #0b5cad; font-size: .9rem; }
.ps-answer-card { border: 1px solid #f2c48d; border-left: 6px solid var(--ps-accent); background: #fff8ee;
  border-radius: 10px; padding: 16px 20px; margin: 0 0 20px; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.ps-answer-label { font-size: .85rem; font-weight: 700; color: var(--ps-accent); letter-spacing: .2em; }
.ps-answer-key { font-size: 1.6rem; font-weight: 700; color: var(--ps-accent); margin: 2px 0 6px; }
.ps-answer-sentence { font-size: 1.12rem; line-height: 1.9; }
.ps-answer-sentence mark.ps-hl { background: transparent; }
.ps-source { margin-top: 8px; color: var(--ps-muted); font-size: .92rem; }
.ps-heading { font-size: 1.05rem; margin: 8px 0 10px; font-weight: 700; }
.ps-count { color: var(--ps-muted); font-weight: 400; font-size: .9rem; margin-left: 6px; }
.ps-card { border: 1px solid #d8dee4; border-radius: 10px; padding: 14px 18px; margin: 0 0 14px; background: #fff; }
.ps-card-head { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
.ps-rank { display: inline-flex; justify-content: center; align-items: center; min-width: 26px; height: 26px;
  border-radius: 13px; background: #eef1f4; color: var(--ps-muted); font-size: .85rem; font-weight: 700; }
.ps-title { font-weight: 700; font-size: 1.05rem; }
.ps-tag { font-size: .82rem; color: var(--ps-muted); border: 1px solid #d8dee4; border-radius: 10px; padding: 0 8px; }
.ps-crumb { color: var(--ps-muted); font-size: .9rem; margin: 4px 0 6px; }
.ps-passage { margin: 0; white-space: pre-wrap; word-break: break-word; max-width: 62em; }
mark.ps-hl { background: #fff0b3; color: inherit; padding: 1px 0; border-radius: 2px; }
strong.ps-num { color: var(--ps-accent); font-weight: 700; }
.ps-actions { display: flex; gap: 14px; align-items: flex-start; margin-top: 8px; flex-wrap: wrap; }
.ps-copy { border: 1px solid #d0d7de; background: #f6f8fa; border-radius: 6px; padding: 2px 12px; font-size: .9rem;
  cursor: pointer; color: var(--ps-ink); line-height: 1.8; }
.ps-copy:hover { background: #eef1f4; }
.ps-context { flex: 1 1 300px; }
.ps-context summary { cursor: pointer; color: #0b5cad; font-size: .92rem; line-height: 1.9; }
.ps-context-body { white-space: pre-wrap; max-height: 420px; overflow-y: auto; border-left: 3px solid #d8dee4;
  padding: 6px 12px; margin-top: 6px; font-size: .95rem; color: #333; }
mark.ps-ctx-hl { background: #e6f0ff; color: inherit; }
.ps-cite-text { width: 100%; min-height: 5em; margin-top: 8px; font-size: .9rem; }
.ps-notice { border-radius: 8px; padding: 12px 16px; margin: 0 0 14px; border: 1px solid #d0d7de; background: #f6f8fa; }
.ps-notice-text { font-weight: 700; font-size: 1.05rem; }
.ps-notice-detail { color: var(--ps-muted); margin-top: 2px; }
.ps-warn { background: #fff8e6; border-color: #f0d58c; }
.ps-error { background: #fff1f0; border-color: #f5b5ae; }
.ps-ok { background: #effaf1; border-color: #a7dbb2; }
.ps-hint { color: var(--ps-muted); font-size: .9rem; }
"""

# Gradio renders gr.HTML through innerHTML, so inline handlers are not the way; one delegated
# listener on the results element serves every card's copy button, including later renders.
COPY_JS = """
element.addEventListener('click', async (event) => {
  const button = event.target.closest('.ps-copy');
  if (!button) return;
  const text = button.dataset.cite || '';
  let copied = false;
  try { await navigator.clipboard.writeText(text); copied = true; } catch (e) {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { copied = document.execCommand('copy'); } catch (e2) { copied = false; }
    area.remove();
  }
  if (!copied) {  // e.g. opened over plain http from another computer: let the user copy by hand
    const box = button.closest('.ps-card').querySelector('.ps-cite-text');
    box.hidden = false; box.focus(); box.select();
  }
  button.textContent = copied ? '已复制 ✓' : '请手动复制下方文字';
  setTimeout(() => { button.textContent = '复制引用'; }, 2500);
});
"""

def theme() -> gr.themes.Base:
    # System CJK fonts only: the default theme would fetch web fonts, and this runs offline.
    fonts = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
             "sans-serif"]
    return gr.themes.Default(primary_hue="red", neutral_hue="slate", font=fonts,
                             font_mono=["Noto Sans Mono CJK SC", "monospace"])


def build_page(library: Library) -> gr.Blocks:
    """The whole page; every handler closes over `library` instead of module-level state."""
    with gr.Blocks(title="政策报告检索") as page:
        gr.HTML('<div id="ps-header"><h1>政策报告检索</h1>'
                '<p>在本机报告中查找答案和写法，全程离线 · Offline policy report search</p></div>', js_on_load=None)
        with gr.Tabs():
            with gr.Tab("查询", id="search-tab"):
                ask_inputs, _ = _search_tab(library)
            with gr.Tab("报告库", id="library-tab"):
                library_outputs = _library_tab(library, ask_inputs)
        page.load(lambda: library_updates(library, *([None] * 4)), inputs=None, outputs=library_outputs,
                  api_visibility="private")
        gr.api(_api_search(library), api_name="search")
        _api_upload(library)
    return page


def _search_tab(library: Library) -> tuple[list[gr.components.Component], gr.HTML]:
    choices = filter_choices(library)
    with gr.Row(equal_height=True):
        question = gr.Textbox(show_label=False, placeholder="输入问题后按回车，例如：2023年化解了多少起矛盾纠纷？",
                              elem_id="question", scale=6, max_length=500, autofocus=True)
        ask_button = gr.Button("查询", variant="primary", scale=1, min_width=100, elem_id="ask")
    examples = gr.Examples(EXAMPLES, inputs=[question], label="试试这些问题（点击即查）", elem_id="examples")
    with gr.Row(equal_height=True, elem_id="controls"):
        mode = gr.Radio([("问答 · 找答案", ANSWER), ("找表述 · 看写法", WORDING)], value=ANSWER,
                        label="查询方式", elem_id="mode", scale=2, min_width=330)
        year = gr.Dropdown(choices["year"], value=ALL, label="年份（可输入 2020-2023）", allow_custom_value=True,
                           elem_id="filter-year", min_width=150)
        body = gr.Dropdown(choices["body"], value=ALL, label="发文机关", elem_id="filter-body", min_width=150)
        genre = gr.Dropdown(choices["genre"], value=ALL, label="报告类型", elem_id="filter-genre", min_width=150)
        report = gr.Dropdown(choices["report"], value=ALL, label="指定报告", elem_id="filter-report", min_width=150)
    results = gr.HTML(notice("在上方输入问题，按回车开始查询。", "info",
                             "“问答”给出具体数字和出处；“找表述”列出其他报告里的相关写法。"),
                      elem_id="results", js_on_load=COPY_JS, min_height=120)
    inputs = [question, mode, year, body, genre, report]

    def ask(question: str, mode: str, year: str, body: str, genre: str, report: str) -> str:
        return _guarded(lambda: _ask(library, question, mode, year, body, genre, report))

    def refine(question: str, *rest: str) -> str:
        # Changing a filter re-runs the current question; with no question yet there is nothing to redo.
        return ask(question, *rest) if (question or "").strip() else gr.skip()

    def ask_example(question: str, _mode: str, *filters: str) -> tuple[str, str]:
        # An example such as "别的乡镇怎么写…" asks for wording: switch the mode the way the CLI would.
        chosen = WORDING if parse_query(question).wants_wording else ANSWER
        return chosen, ask(question, chosen, *filters)

    # One queue for everything that redraws the results, so answers arrive in the order they were asked
    # (choosing a year, then quickly another, must not end with the first year's results on screen).
    in_order = {"concurrency_id": "results", "concurrency_limit": 1}
    question.submit(ask, inputs, results, api_name="ask", api_visibility="undocumented", **in_order)
    ask_button.click(ask, inputs, results, api_visibility="private", **in_order)
    examples.load_input_event.then(ask_example, inputs, [mode, results], api_visibility="private", **in_order)
    # .input, not .change: only the user's own choice re-runs a search, not a refreshed choice list.
    for control in (mode, year, body, genre, report):
        control.input(refine, inputs, results, api_visibility="private", **in_order)
    return inputs, results


def _ask(library: Library, question: str, mode: str, year: str, body: str, genre: str, report: str) -> str:
    if not (question or "").strip():
        return notice(ENTER_QUESTION, "warn")
    filters = make_filters(year, body, genre, report)
    chosen = parse_mode(mode) or ANSWER
    result, index = run_search(library, question, K_WORDING if chosen == WORDING else K_ANSWER, chosen, filters)
    return result_html(result, index, filters)


def _guarded(render: Callable[[], str]) -> str:
    """Expected problems read as a notice; anything else is logged, never shown as a traceback."""
    try:
        return render()
    except EXPECTED_ERRORS as problem:
        return notice(str(problem), "error")
    except Exception:  # noqa: BLE001 - the page must stay usable whatever went wrong
        log.exception("查询失败 / search failed")
        return notice(FRIENDLY_ERROR, "error")


def _api_search(library: Library) -> Callable[..., dict]:
    def search(question: str, k: int = 5, mode: str = "", year: str = "", body: str = "", genre: str = "",
               report: str = "") -> dict:
        """检索报告，返回与命令行 `python -m search --json` 相同的 JSON。
        mode: answer/wording（或 问答/找表述；留空由问题决定）；year: 2023 或 2020-2023；report: 文件名或路径。"""
        if not (question or "").strip():
            return {"query": "", "mode": parse_mode(mode) or ANSWER, "confident": False,
                    "message": ENTER_QUESTION, "reason": None, "results": []}
        try:
            result, _ = run_search(library, question, max(1, min(int(k), 50)), parse_mode(mode),
                                   make_filters(year, body, genre, report))
        except EXPECTED_ERRORS as problem:
            raise gr.Error(str(problem)) from None
        return result_json(result)

    return search


def _api_upload(library: Library) -> None:
    """Named API "upload": the page's upload for API clients (same checks, same one-at-a-time queue).

    A hidden File component rather than gr.api, so Gradio itself checks that the paths it is given
    were really uploaded (gr.api would pass any server path through unchecked).
    """
    files = gr.File(file_count="multiple", type="filepath", visible=False)
    outcome_json = gr.JSON(visible=False)

    def upload(paths: list[str] | None) -> dict:
        """加入报告（与「报告库」页上传相同的检查），返回 {"kept": [...], "rejected": [{"name", "reason"}], "reports": n}。"""
        try:
            outcome = library.add([Path(p) for p in paths or []])
        except EXPECTED_ERRORS as problem:
            raise gr.Error(str(problem)) from None
        except Exception:  # noqa: BLE001 - Library.add already put the folders back as they were
            log.exception("报告库操作失败 / library change failed")
            raise gr.Error(FRIENDLY_ERROR) from None
        if outcome.summary:
            log.info("上传 (API) / upload: %s; %.1f s", ", ".join(outcome.kept), outcome.summary.seconds)
        return {"kept": outcome.kept, "rejected": [{"name": r.name, "reason": r.reason} for r in outcome.rejected],
                "reports": len(library.reports())}

    files.upload(upload, files, outcome_json, api_name="upload", concurrency_id="library", concurrency_limit=1)


def _library_tab(library: Library, ask_inputs: list) -> list:
    kinds = "、".join(sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES))
    gr.HTML(f'<p class="ps-hint">上传的报告会自动加入检索（可一次选多个文件）。支持 {kinds} 格式，单个文件不超过 '
            f'{MAX_UPLOAD_BYTES // 1024 // 1024} MB。报告文件夹（{esc(str(library.corpus))}）中的报告在程序启动时自动收录。</p>')
    upload = gr.File(label="上传报告", file_count="multiple", type="filepath", elem_id="upload", height=140)
    status = gr.HTML(elem_id="library-status", js_on_load=None)
    table = gr.Dataframe(library_rows(library), headers=LIBRARY_HEADERS, interactive=False, wrap=True,
                         label="报告列表", elem_id="library-table",
                         column_widths=["34%", "8%", "16%", "12%", "7%", "13%", "10%"])
    with gr.Row(equal_height=False):
        doomed = gr.Dropdown(report_choices(library), value=None, label="选择要删除的报告（只能删除上传的报告）",
                             elem_id="delete-choice", scale=4)
        delete = gr.Button("删除所选报告", variant="stop", scale=1, min_width=140, elem_id="delete")
    year, body, genre, report = ask_inputs[2:]
    outputs = [table, doomed, year, body, genre, report]

    def added(files: list[str] | None, year_v: str, body_v: str, genre_v: str, report_v: str,
              progress: gr.Progress = gr.Progress()) -> tuple:
        lines = _guarded_lines(lambda: _add_files(library, files or [], progress))
        return (status_html(lines), None, *library_updates(library, year_v, body_v, genre_v, report_v))

    def removed(choice: str | None, year_v: str, body_v: str, genre_v: str, report_v: str,
                progress: gr.Progress = gr.Progress()) -> tuple:
        lines = _guarded_lines(lambda: _remove(library, choice, progress))
        return (status_html(lines), *library_updates(library, year_v, body_v, genre_v, report_v))

    filters = [year, body, genre, report]
    upload.upload(added, [upload, *filters], [status, upload, *outputs], api_visibility="private",
                  concurrency_id="library", concurrency_limit=1)
    delete.click(removed, [doomed, *filters], [status, *outputs], js=_confirm_js(len(filters)),
                 api_visibility="private", concurrency_id="library", concurrency_limit=1)
    return outputs


def _confirm_js(extra: int) -> str:
    passthrough = ", ".join(f"a{i}" for i in range(extra))
    return (f"(choice, {passthrough}) => [(choice && confirm('确定从报告库删除这份报告吗？ / Delete this report?'))"
            f" ? choice : null, {passthrough}]")


def library_updates(library: Library, year: str | None, body: str | None, genre: str | None,
                    report: str | None) -> tuple:
    """Everything on the page that lists reports, re-read after a change (or a page reload)."""
    choices = filter_choices(library)
    return (
        gr.Dataframe(value=library_rows(library)),
        gr.Dropdown(choices=report_choices(library), value=None),
        gr.Dropdown(choices=choices["year"], value=keep(year, choices["year"], custom=True)),
        gr.Dropdown(choices=choices["body"], value=keep(body, choices["body"])),
        gr.Dropdown(choices=choices["genre"], value=keep(genre, choices["genre"])),
        gr.Dropdown(choices=choices["report"], value=keep(report, choices["report"])),
    )


def _guarded_lines(change: Callable[[], list[tuple[str, str]]]) -> list[tuple[str, str]]:
    try:
        return change()
    except EXPECTED_ERRORS as problem:
        return [("error", str(problem))]
    except Exception:  # noqa: BLE001
        log.exception("报告库操作失败 / library change failed")
        return [("error", "抱歉，操作没有完成，报告库保持原样；技术细节已记录在运行窗口中。 / The change failed; nothing was changed.")]


def _gradio_progress(progress: gr.Progress) -> Callable[[str, int, int], None]:
    def report(stage: str, done: int, total: int) -> None:
        if total:
            progress((done, total), desc="正在建立索引（向量化段落）", unit="段")
    return report


def _add_files(library: Library, files: list[str], progress: gr.Progress) -> list[tuple[str, str]]:
    if not files:
        return [("warn", "没有收到文件 / No files received")]
    outcome = library.add([Path(f) for f in files], _gradio_progress(progress),
                          checking=lambda name: progress(None, desc=f"正在检查 {name}"))
    lines = [("ok", f"已加入：{name}") for name in outcome.kept]
    lines += [("error", f"未加入 {r.name}：{r.reason}") for r in outcome.rejected]
    if outcome.summary:
        s = outcome.summary
        log.info("上传 / upload: %s; %d 段新向量化, %.1f s", ", ".join(outcome.kept), s.embedded, s.seconds)
    return lines


def _remove(library: Library, choice: str | None, progress: gr.Progress) -> list[tuple[str, str]]:
    if not choice:
        return [("warn", "没有删除：请先在下拉框中选择一份报告并确认。 / Nothing deleted: choose a report first.")]
    progress(None, desc="正在删除并更新索引")
    report = library.remove(choice, _gradio_progress(progress))
    return [("ok", f"已删除：《{report.title}》")]


# ---------------------------------------------------------------------------------------- start


def terminal_progress() -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    bar: list[tqdm] = []

    def report(stage: str, done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, unit="段", desc="向量化 / embedding", file=sys.stderr, disable=total == 0))
        bar[0].n = done
        bar[0].refresh()

    return report, lambda: bar and bar[0].close()


def prepare(args: argparse.Namespace) -> Library:
    """Load the model once, bring the index up to date with corpus + uploads, open the searcher."""
    print("正在加载嵌入模型… / Loading the embedding model…", file=sys.stderr, flush=True)
    embedder = Embedder()
    library = Library(args.corpus, args.data / "uploads", args.index, embedder)
    if not args.corpus.exists():
        print(f"提示：找不到报告文件夹 {args.corpus}，只使用上传的报告。 / Corpus folder not found.", file=sys.stderr)
    print("正在检查报告并更新索引… / Updating the index…", file=sys.stderr, flush=True)
    progress, done = terminal_progress()
    try:
        summary = library.build(progress)
        done()
        print(format_summary(summary, args.index), file=sys.stderr)
    except StoreError as problem:  # e.g. no reports yet: still serve, so files can be uploaded
        done()
        print(f"提示 / Note: {problem}", file=sys.stderr)
        library.open_existing()
    return library


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)  # our timings, not every HTTP request of the libraries
    try:  # checked before the slow model load, so a typo shows at once
        logins = load_logins(os.environ.get(AUTH_ENV), args.auth_file)
    except AuthError as problem:
        return exit_code(problem)
    warning = exposure_warning(args.host, logins)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    elif logins:
        print(f"已开启登录（{len(logins)} 个用户） / Login required ({len(logins)} user(s))", file=sys.stderr)
    try:
        library = prepare(args)
    except (StoreError, ModelError, KeyboardInterrupt) as problem:
        return exit_code(problem)
    page = build_page(library)
    if warning:  # again, so the progress output above does not hide it
        print(warning, file=sys.stderr)
    print(f"已就绪，请在浏览器打开 / Ready: http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    page.queue(default_concurrency_limit=2).launch(
        server_name=args.host, server_port=args.port, theme=theme(), css=CSS, show_error=False,
        max_file_size=4 * MAX_UPLOAD_BYTES,  # hard stop; the friendly 50 MB check happens after upload
        auth=logins or None, auth_message="请登录 / Please log in", footer_links=["api"])
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python app.py", description="政策报告检索网页 / Policy search web page")
    parser.add_argument("--host", default="127.0.0.1",
                        help="监听地址；其他地址（如 0.0.0.0）会让局域网内的电脑也能打开，请同时设置登录 / "
                             "address (default 127.0.0.1, this computer only)")
    parser.add_argument("--auth-file", type=Path, default=None, metavar="PATH",
                        help=f"登录文件：每行一个“用户名:密码”，# 开头为注释；也可用环境变量 {AUTH_ENV}=用户名:密码,… / "
                             "login file, one user:password a line (plain HTTP: use on a trusted network)")
    parser.add_argument("--port", type=int, default=7860, help="端口 / port (default 7860)")
    parser.add_argument("--index", type=Path, default=Path("data/index"), help="索引目录 / index directory")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="报告文件夹 / corpus folder")
    parser.add_argument("--data", type=Path, default=Path("data"), help="数据目录（上传文件在 uploads/）/ data directory")
    return parser


if __name__ == "__main__":
    sys.exit(main())
