"""List answers: "张店乡2023年在依法行政上采取了哪些措施？" is answered by an enumeration of one report, read whole
from the report's text (items in the next passage too), each item with the passage it stands in.

A report enumerates with numbered headings ("（一）…（二）…", "一、…二、…", "1.…2.…") or inline ("一是…二是…",
"第一，…第二，…"). Every enumeration of the top result's report is found (`enumerations`), and the one whose lead (the
words just before its first item, and the headings above it) and place (near the passages retrieved) best match the
question is the answer; when none matches well enough there is no list, and the single answer stands alone.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import cn2an

from index.backends import Reader
from index.chunk import HEADING_KINDS, is_title_line, marker_kind
from index.store import StoredChunk
from search.query import Query
from search.results import DoubtKind, Hit, ListAnswer, ListItem
from text.lexicon import alternation, words
from text.numbers import ORDINAL_NUMERALS
from text.sentences import LIST_ITEM, item_ordinal
from text.tense import ADDRESS, heading_tense, introduces_targets
from text.years import YEAR
from text.tokens import bigrams

# "哪些", "哪几方面", "列一下", "存在的问题": the question wants an enumeration (text/data/list_words.txt).
_ASKS_LIST = re.compile(alternation(words("list_words"), escape=False))
# "分成哪几大块", "从哪几个方面总结": the question asks how a report or a part of it is divided (numbered headings).
_ASKS_STRUCTURE = re.compile(alternation(words("structure_words"), escape=False))
# Words of a shortcoming ("薄弱", "有待", "不够"): a question for problems names one, and so do the items answering it.
SHORTCOMING = re.compile(alternation(words("shortcoming_words")))
# An item's words end at its first sentence (or clause list) end: "一是强化组织，落实责任。成立了…".
_ITEM_END = re.compile("[。；;！？!?：:\n]")
_MARKER = re.compile(r"^\s*(?:[（(]?[^、.．）)\s]{1,4}[、.．）)])")  # the numbering of a heading line
# Doubts that say the top result is of the wrong place or year: its report holds no list that answers.
_WRONG_REPORT = frozenset({DoubtKind.NO_CONTENT, DoubtKind.NO_PASSAGE, DoubtKind.UNCOVERED_YEAR,
                           DoubtKind.OTHER_PLACE, DoubtKind.WRONG_BODY, DoubtKind.UNSEEN_TOPIC})
YEAR_IN = re.compile(f"({YEAR})年")
# "哪六个方面", "要干的十个方面是什么", "“十大亮点”都是啥": how many items are asked, in the clause asking.
_ADDRESS = re.compile(ADDRESS)  # "各位代表，重任在肩，更须砥砺奋进。": the closing words, no topic sentence
_COUNTED_QUOTE = re.compile(f"[{ORDINAL_NUMERALS}几\\d]+[个项条点类种大][“\"]")
_ASKED_COUNT = re.compile(f"([{ORDINAL_NUMERALS}]+|\\d{{1,2}})([个项条点类种块部方大件])(?!\\2)")  # not "一条条列了"
# The cosines of the question's vector with texts' (a list's lead and heading).
Closeness = Callable[[list[str]], list[float]]
MIN_ITEMS = 2
_OF = "的"
LEAD_CHARS = 80       # the words before a list's first item read as its lead
LED_KEY_CHARS = 2     # paragraphs led alike start with the same two characters ("当好")
MAX_LED_CHARS = 25    # ... in a short first sentence ("坚持四项基本原则是改革开放和发展经济的根本保证。": 23)
MIN_LED_ITEMS = 3
OPENING_CHARS = 4     # paragraphs opening with the same four characters are a list ("我们妥善处理…")
OPENED = "="          # the style's mark, before those characters
MIN_CLAUSES = 3       # clauses parted by semicolons read as a list
DASH = "—"            # "——经济持续较快增长。…": a dash leads an item
SHORT = "。"           # the style of paragraphs each led by a short sentence, whatever its words
COLON = "："           # ... or by a short label ("教育优质均衡发展：教育经费投入32.3亿元…")
PAREN = "（"           # items numbered "（1）…（2）…" within a paragraph ("抓好以下8项改革：（1）…；（2）…")
TOPIC = "句"            # short topic sentences inside one paragraph ("经济运行总体稳健。…。产业新增长点加快培育。…")
SENTENCE_LED = "句首"     # sentences inside one paragraph starting alike, before those characters
MAX_TOPIC_CHARS = 14   # ... without a comma or a figure
_SENTENCE = re.compile(r"[^。！？]*[。！？]?")
_NOT_TOPIC = re.compile(r"[，,、；;：:\d%]")
COMMA = "，"             # the clauses after a colon parted by commas, before the two characters the colon follows
PROBLEMS = "问"          # the clauses of sentences after "存在不少矛盾和问题：" naming shortcomings, one by one
_PROBLEMS_CUE = re.compile(f"(?:{alternation(words('shortcoming_words'))})[^。：:，,]{{0,8}}(?:[：:。]|[，,]主要[是有])")
_CLAUSE = re.compile(r"[^，,；;。！？]+")
_SEMICOLON_PART = re.compile(r"[^；;。！？]+")
_TURNING_BACK = re.compile("这些|对此|我们|对这些")
_ET_CETERA = ("等等", "等")
ALIKE = "、"             # clauses of one sentence starting or ending alike, before those characters
MAX_TAIL_CHARS = 10     # ... the last running on past them ("…县城差异化支持政策"), not what sums up ("…等组成的生态文明制度")
NAMED = "名"              # short terms parted by 、 before the quoted name they make up, before that name
_TERM = r"[^，,、。！？；;：:“”\"\s]{2,12}"
_QUOTED_NAME = re.compile(r"[“\"]([^”\"]{2,12})[”\"]")
_NAMED_RUN = re.compile(rf"((?:{_TERM}、)+{_TERM})[“\"]([^”\"]{{2,12}})[”\"]")
_CLAUSE_SENTENCE = re.compile(r"[^。！？；;]*[。！？；;]?")
_CLAUSE_PART = re.compile(r"[^，,、。！？；;：:]+")
KEYED = "键"              # clauses of one sentence each holding what a counted name asked names ("六保": 保), before it
# A counted name: a numeral, perhaps 个 or 大, and the one or two characters every one of its items holds ("六保",
# "三个突破", "“六零”").
_COUNTED_NAME = re.compile(f"(?<![{ORDINAL_NUMERALS}])([{ORDINAL_NUMERALS}]{{1,2}})[个大]?([\u4e00-\u9fff]{{1,2}})(?=[”\"？?，,。]|$)")
NUMBERED = ("是", "其", "第", PAREN)  # the styles of items numbered within paragraphs ("一是", "其一", "第一", "（1）")
_PAREN_ITEM = re.compile(r"(?<=[：:；;，,。\s])[（(](\d{1,2})[）)]")


@dataclass(frozen=True)
class Span:
    """An item as the report's text holds it: where its words start and end, and its ordinal."""
    start: int
    end: int
    ordinal: int


@dataclass(frozen=True)
class Enumeration:
    """One numbered list of a report: its items, the words that lead into it and the headings above it."""
    style: str                 # the numbering: a heading kind of index/chunk.py, "是"/"其"/"第" inline, or the
                               # two characters paragraphs led alike start with ("当好")
    items: tuple[Span, ...]
    lead: str
    headings: tuple[str, ...]  # the open headings above the first item, outermost first
    until: int                 # where the last item's text ends (its explanation or section included)

    @property
    def start(self) -> int:
        return self.items[0].start


def asks_for_list(question: str) -> bool:
    """The question asks for an enumeration ("有哪些措施", "主要工作安排", "存在的问题")."""
    return bool(_ASKS_LIST.search(question))


# ---------------------------------------------------------------------------------------------- reading a report

@dataclass
class _Run:
    style: str
    items: list[Span]
    lead: str
    headings: tuple[str, ...]


class _Outline:
    """The report read line by line: the headings open, the lists running, the lists found."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[Enumeration] = []
        self.open: list[tuple[str, str, _Run | None]] = []  # open headings: (kind, label, the list of their kind)
        self.inline: dict[str, _Run] = {}                  # "一是…" lists of the current section's body
        self.led: _Run | None = None                      # paragraphs led alike ("当好…。", "当好…。")
        self.topics: _Run | None = None                   # paragraphs led by a short sentence
        self.opened: _Run | None = None                   # paragraphs opening with the same words

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(label for _, label, _ in self.open)

    def heading(self, kind: str, line: str, start: int) -> None:
        """A heading line: it closes the lists of the section before, and goes on or starts a list of its kind."""
        # Topic sentences up to a first subheading lead into it ("…综合实力稳步提升。…刚刚过去的2025年很不平凡。" then
        # "（一）…"): they are a list only up to a heading of a level open or the end.
        self.close_body(start, topics=kind == "title" or any(k == kind for k, _, _ in self.open))
        if kind == "title":  # unnumbered title lines divide the whole report ("2022年主要工作")
            self.close_open(0, start)
            self.open.append((kind, line.strip(), None))
            return
        at = next((i for i, (k, _, _) in enumerate(self.open) if k == kind), None)
        run = None
        if at is not None:
            run = self.open[at][2]
            self.close_open(at + 1, start)
            self.open.pop()
        stripped = line.strip()
        ordinal = _heading_ordinal(stripped)
        offset = start + len(line) - len(line.lstrip())
        marker = _marker_length(stripped)
        span = Span(offset + marker, offset + _item_end(stripped, marker), ordinal or 0)
        if run is not None and ordinal == run.items[-1].ordinal + 1:
            run.items.append(span)
        else:
            self.close(run, start)
            # A run starts at one, or, for the first heading of its kind in a section, where the report's numbering
            # goes on from the section before ("二、自主创新" then "6、政策与措施…11、专利与标准": 南山 2014).
            starts = ordinal == 1 or (at is None and ordinal is not None)
            run = _Run(kind, [span], _lead(self.text, start), self.headings) if starts else None
        self.open.append((kind, _heading_label(stripped), run))
        rest = span.end - offset
        if rest < len(stripped):  # "（七）…建设“两型一化”政府。一是推进服务型政府建设。…": the body goes on
            self.body(stripped[rest:], offset + rest)

    def body(self, line: str, start: int) -> None:
        marks = sorted([(m.start(), m.end(), _inline_style(m), item_ordinal(m)) for m in LIST_ITEM.finditer(line)]
                       + [(m.start(), m.end(), PAREN, int(m.group(1))) for m in _PAREN_ITEM.finditer(line)])
        self.paragraph(line, start, bool(marks))
        if not marks:
            self.clauses(line, start)
            self.problems(line, start)
            self.clauses_alike(line, start)
            self.named_run(line, start)
            self.counted_sentences(line, start)
        # Within each numbered item on its own: "三是重点领域执法形成高压态势。严厉打击…。严厉打击…。严厉打击…"
        bounds = [0, *(at for at, _, _, _ in marks), len(line)]
        for a, b in zip(bounds, bounds[1:]):
            self.topic_sentences(line[a:b], start + a, led=a > 0)  # "一是…“三个提高”。经济总量提高。…"
            self.sentences_led(line[a:b], start + a)
        for i, (at, end, style, ordinal) in enumerate(marks):
            stop = marks[i + 1][0] if i + 1 < len(marks) else len(line)
            span = Span(start + end, start + end + _item_end(line[end:stop], 0), ordinal)
            run = self.inline.get(style)
            if run is not None and ordinal == run.items[-1].ordinal + 1:
                run.items.append(span)
                continue
            self.close(self.inline.pop(style, None), start + at)
            if ordinal == 1:
                self.inline[style] = _Run(style, [span], _lead(self.text, start + at), self.headings)

    def clauses(self, line: str, start: int) -> None:
        """A sentence of at least three clauses parted by semicolons, after a colon when it has one, is a list
        ("还存在不少问题不足和风险挑战：外部环境变化影响加深，…；有效需求仍显不足，…；…。")."""
        at = 0
        for sentence in re.findall(r"[^。！？]*[。！？]?", line):
            colon = sentence.find("：")
            commas = sentence[colon + 1:].rstrip("。！？").split("，") if colon >= 0 and "；" not in sentence else []
            if len(commas) >= MIN_CLAUSES:  # "主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长4%左右，…"
                spans, pos = [], at + colon + 1
                for clause in commas:
                    if clause.strip():
                        spans.append(Span(start + pos, start + pos + len(clause), len(spans) + 1))
                    pos += len(clause) + 1
                key = sentence[:colon].rstrip("是为有指包括 ")[-LED_KEY_CHARS:]  # "主要预期目标是：": 目标
                self.close(_Run(COMMA + key, spans, _lead(self.text, start + at + colon + 1), self.headings),
                           start + at + len(sentence))
            if sentence.count("；") >= MIN_CLAUSES - 1:
                colon = sentence.find("：")
                first = colon + 1 if -1 < colon < sentence.find("；") else 0
                spans, pos = [], at + first
                for clause in sentence[first:].rstrip("。！？").split("；"):
                    if clause.strip():
                        spans.append(Span(start + pos, start + pos + len(clause), len(spans) + 1))
                    pos += len(clause) + 1
                if len(spans) >= MIN_CLAUSES:
                    run = _Run("；", spans, _lead(self.text, start + at + first), self.headings)
                    self.close(run, start + at + len(sentence))
            at += len(sentence)

    def topic_sentences(self, line: str, start: int, led: bool = False) -> None:
        """Short sentences inside one paragraph, each followed by longer ones, are the topics of what follows them
        ("经济运行总体稳健。在全球疫情…。产业新增长点加快培育。…"); after a dash the paragraph's first sentence leads
        into them ("——“向新”的动能持续增强。科技创新取得新进步。…")."""
        spans, at, after_long = [], 0, True
        for n, sentence in enumerate(_SENTENCE.findall(line)):
            words = sentence.rstrip("。！？")
            short = 0 < len(words) <= MAX_TOPIC_CHARS and not _NOT_TOPIC.search(words)
            leading = n == 0 and (led or line.startswith(DASH))
            if short and after_long and not leading:
                spans.append(Span(start + at, start + at + len(words), len(spans) + 1))
            after_long = leading or not short
            at += len(sentence)
        if len(spans) >= MIN_LED_ITEMS:
            self.close(_Run(TOPIC, spans, _lead(self.text, spans[0].start), self.headings), start + len(line))

    def sentences_led(self, line: str, start: int) -> None:
        """Sentences inside one paragraph starting with the same two characters ("着力提高政治能力。…。着力厚植为民
        情怀。…", "要坚守政治忠诚，…。要坚守为民初心，…"): each is an item, up to its first full stop."""
        runs: dict[str, list[Span]] = {}
        at = 0
        for sentence in _SENTENCE.findall(line):
            words = sentence.rstrip("。！？")
            if len(words) > LED_KEY_CHARS:
                runs.setdefault(words[:LED_KEY_CHARS], []).append(Span(start + at, start + at + len(words), 0))
            at += len(sentence)
        for key, spans in runs.items():
            if len(spans) >= MIN_LED_ITEMS:
                spans = [replace(s, ordinal=n + 1) for n, s in enumerate(spans)]
                self.close(_Run(SENTENCE_LED + key, spans, _lead(self.text, spans[0].start), self.headings),
                           start + len(line))

    def problems(self, line: str, start: int) -> None:
        """After words naming shortcomings ("发展中还存在不少矛盾和问题：", "老问题、新挑战仍然不少，主要是"), the
        clauses of the sentences that name one too, up to one that turns back to them ("这些问题…", "对此，我们…"):
        parted by semicolons when they are ("从经济发展上看，…；从空间承载力上看，…"), else by commas."""
        cue = _PROBLEMS_CUE.search(line)
        if not cue:
            return
        at = end = cue.end()
        for sentence in _SENTENCE.findall(line[at:]):
            if not sentence or not SHORTCOMING.search(sentence) or _TURNING_BACK.match(sentence):
                break
            end += len(sentence)
        words = line[at:end]
        whole = [m.group().strip() for m in _SEMICOLON_PART.finditer(words)]
        # Sentences or semicolon parts led alike are the items ("从经济发展上看，…。从空间承载力上看，…").
        firsts = [w[:1] for w in whole]
        led = max((firsts.count(f) for f in firsts), default=0) >= max(MIN_CLAUSES, len(whole) - 1)
        parts = _SEMICOLON_PART if led or "；" in words or ";" in words else _CLAUSE
        spans = [Span(start + at + m.start(), start + at + m.end(), 0) for m in parts.finditer(words)
                 if m.group().strip() not in _ET_CETERA]
        if len(spans) >= MIN_CLAUSES:
            spans = [replace(s, ordinal=n + 1) for n, s in enumerate(spans)]
            self.close(_Run(PROBLEMS, spans, line[:at][-LEAD_CHARS:], self.headings), start + end)

    def clauses_alike(self, line: str, start: int) -> None:
        """Clauses of one sentence parted by commas or 、 that start alike ("要坚持党的全面领导、坚持人民至上、坚持
        高质量发展…") or end alike ("营造公平正义的法治环境、便利高效的营商环境、…环境") are a list."""
        at = 0
        for sentence in _CLAUSE_SENTENCE.findall(line):
            parts = [(at + m.start(), m.group()) for m in _CLAUSE_PART.finditer(sentence)]
            for spans, key in _alike_runs(parts):
                spans = [Span(start + s, start + e, n + 1) for n, (s, e) in enumerate(spans)]
                self.close(_Run(ALIKE + key, spans, _lead(self.text, spans[0].start), self.headings),
                           start + at + len(sentence))
            at += len(sentence)

    def named_run(self, line: str, start: int) -> None:
        """Short terms parted by 、 right before the quoted name that counts them ("坚持绿色低碳、园区集聚、大项目带动、
        自主创新、全民共享“五大发展战略”"): a list of that name."""
        for m in _NAMED_RUN.finditer(line):
            count = _ASKED_COUNT.match(m.group(2))
            if not count or _number(count.group(1)) != m.group(1).count("、") + 1:
                continue  # "王洪文、张春桥、江青、姚文元“四人帮”": a name that counts them, as many as there are
            at = m.start(1)
            spans = []
            for n, part in enumerate(m.group(1).split("、")):
                spans.append(Span(start + at, start + at + len(part), n + 1))
                at += len(part) + 1
            self.close(_Run(NAMED + m.group(2), spans, _lead(self.text, spans[0].start), self.headings),
                       start + m.end())

    def counted_sentences(self, line: str, start: int) -> None:
        """A paragraph opening with a short sentence that names a quoted count ("认真落实“三大工程”。") and going on
        with as many sentences: their first clauses are that name's list ("加快推进保障性住房建设工程，…。扎实推进
        城中村改造工程，…。积极稳步推进“平急两用”公共基础设施建设，…。")."""
        sentences = [s for s in _SENTENCE.findall(line) if s]
        if len(sentences) < MIN_ITEMS + 1 or len(sentences[0]) > MAX_LED_CHARS:
            return
        name = _QUOTED_NAME.search(sentences[0])
        count = _ASKED_COUNT.match(name.group(1)) if name else None
        if not count or _number(count.group(1)) != len(sentences) - 1:
            return
        at = len(sentences[0])
        spans = []
        for n, sentence in enumerate(sentences[1:]):
            clause = _CLAUSE.match(sentence)
            spans.append(Span(start + at, start + at + (clause.end() if clause else len(sentence)), n + 1))
            at += len(sentence)
        self.close(_Run(NAMED + name.group(1), spans, _lead(self.text, spans[0].start), self.headings),
                   start + len(line))

    def paragraph(self, line: str, start: int, numbered: bool) -> None:
        """Paragraphs led alike: by a dash ("——坚持党的全面领导，…"), or by a short sentence starting with the same
        words ("当好创造性执行者。…", "当好更加有为的行动派。…"), or by any short sentence ("加大减税降费力度。…",
        "推动降低企业生产经营成本。…": the topic sentences of a section's paragraphs)."""
        dash = len(line) - len(line.lstrip(DASH))
        first = _item_end(line, dash)
        ends = line[first:first + 1]
        short = not dash and not numbered and 0 < first <= MAX_LED_CHARS and ends in ("。", "：")
        key = DASH if dash else line[:LED_KEY_CHARS] + ends.replace(SHORT, "") if short else ""
        span = Span(start + dash, start + first, 1)
        self.led = self.go_on(self.led, key, span, start)
        # Topic sentences are a list only when they lead every paragraph up to the next heading, or up to the
        # speaker turning to the delegates ("各位代表，重任在肩，更须砥砺奋进。"), which ends a part as a heading does.
        address = bool(_ADDRESS.match(line))
        topic = (SHORT if ends == "。" else COLON) if short and not address else ""
        self.topics = self.go_on(self.topics, topic, span, start)
        # Paragraphs opening with the same words, however long their first sentence ("我们妥善处理“小”与“大”的关系，
        # …。", "我们妥善处理“内”与“外”的关系，…。").
        opening = line[:OPENING_CHARS] if not dash and not numbered and not address else ""
        self.opened = self.go_on(self.opened, OPENED + opening if opening else "", span, start)

    def go_on(self, run: _Run | None, key: str, span: Span, start: int, closes: bool = True) -> _Run | None:
        """The run of paragraphs led alike with one more, or ended (a list found when it `closes`) and another
        begun."""
        if run is not None and key and key == run.style:
            run.items.append(replace(span, ordinal=len(run.items) + 1))
            return run
        if closes:
            self.close(run, start, MIN_LED_ITEMS)
        return _Run(key, [span], _lead(self.text, start), self.headings) if key else None

    def close(self, run: _Run | None, until: int, fewest: int = MIN_ITEMS) -> None:
        if run is not None and len(run.items) >= fewest and not any(f.items == tuple(run.items) for f in self.found):
            self.found.append(Enumeration(run.style, tuple(run.items), run.lead, run.headings, until))

    def close_body(self, until: int, topics: bool = True) -> None:
        for run in self.inline.values():
            self.close(run, until)
        self.inline.clear()
        self.close(self.led, until, MIN_LED_ITEMS)
        if topics:
            self.close(self.topics, until, MIN_LED_ITEMS)
        self.close(self.opened, until, MIN_LED_ITEMS)
        self.led = self.topics = self.opened = None

    def close_open(self, keep: int, until: int) -> None:
        while len(self.open) > keep:
            self.close(self.open.pop()[2], until)


def enumerations(text: str) -> list[Enumeration]:
    """Every numbered list of the report with at least two items in order (three for paragraphs led alike), in
    the report's order."""
    outline = _Outline(text)
    lines = text.split("\n")
    pos = 0
    for n, line in enumerate(lines):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        kind = marker_kind(line.strip())
        if kind is None and n > 0 and is_title_line(line, _next_line(lines, n)):
            kind = "title"
        if kind:
            outline.heading(kind, line, start)
        elif n > 0:
            outline.body(line, start)
    outline.close_body(len(text))
    outline.close_open(0, len(text))
    return sorted(_inner(outline.found), key=lambda e: e.start)


def keyed_runs(text: str, key: str, count: int | None) -> list[Enumeration]:
    """Runs of exactly `count` clauses of one sentence, each holding the key of the counted name asked ("保居民就业、
    保基本民生、…" for "六保"; "本市生产总值突破2000亿美元，社会消费品零售总额突破4000亿元，…" after "实现“三个突破”").
    A clause quoting the name itself is its lead, not an item."""
    if not key or not count:
        return []
    found = []
    line_start = 0
    for line in text.split("\n"):
        at = line_start
        for sentence in _CLAUSE_SENTENCE.findall(line):
            run: list[Span] = []
            for part in [*_CLAUSE_PART.finditer(sentence), None]:
                if part is not None and key in part.group() and not _QUOTED_NAME.search(part.group()):
                    run.append(Span(at + part.start(), at + part.end(), len(run) + 1))
                    continue
                if len(run) == count:
                    found.append(Enumeration(KEYED + key, tuple(run), _lead(text, run[0].start), (), run[-1].end))
                run = []
            at += len(sentence)
        line_start += len(line) + 1
    return found


def _inner(found: list[Enumeration]) -> list[Enumeration]:
    """Lists inside one paragraph without the paragraph's first sentence when that leads the paragraph as an item
    of another list ("积极利用外资。…深化经济特区改革开放。…": the second item of "促进外贸基本稳定。…" paragraphs
    and the first of the sentences within its paragraph): what is inside an item is not its peer."""
    starts = {s.start for e in found if not _in_paragraph(e) for s in e.items}
    kept = []
    for e in found:
        if _in_paragraph(e) and e.items[0].start in starts:
            items = tuple(replace(s, ordinal=n + 1) for n, s in enumerate(e.items[1:]))
            if len(items) < MIN_LED_ITEMS:
                continue
            e = replace(e, items=items)
        kept.append(e)
    return kept


def may_answer(e: Enumeration, asked: Asked) -> bool:
    """Problems answer a question for shortcomings; clauses alike one naming what they share ("要完善哪几个体系":
    "完善教育经费保障体系、校长教师发展体系、…"), as commas part many things that are no list ("…的结果、…的结果")."""
    if e.style == PROBLEMS:
        return asked.shortcomings
    if e.style.startswith(KEYED):
        return e.style[1:] == asked.key
    if e.style.startswith(NAMED):  # "“五大发展战略”是哪五个": the question names the list
        return e.style[1:] in asked.asking or e.style[1:] in asked.quoted
    shared = next((e.style[1:] for style in (ALIKE, COMMA) if e.style.startswith(style)), None)
    return shared is None or shared in asked.asking


def _within_item(text: str, e: Enumeration, found: list[Enumeration], grams: dict[str, float]) -> bool:
    """`e` is sentences inside one paragraph that stand within an item of a numbered list ("一是…。…。二是") that
    the question does not ask of beyond its peers."""
    return _in_paragraph(e) and any(f.style in NUMBERED and f.items[i].start <= e.start < _item_extent(text, f, i)
                                    and _asked_item(text, f, grams) != i
                                    for f in found for i in range(len(f.items)))


def _item_extent(text: str, e: Enumeration, i: int) -> int:
    """Where item `i` of a list numbered within paragraphs ends: at the next item, the last at its paragraph's end."""
    if i + 1 < len(e.items):
        return e.items[i + 1].start
    end = text.find("\n", e.items[i].end)
    return len(text) if end < 0 else end


def _in_paragraph(e: Enumeration) -> bool:
    return e.style == TOPIC or e.style.startswith(SENTENCE_LED)


def _alike_runs(parts: list[tuple[int, str]]) -> list[tuple[list[tuple[int, int]], str]]:
    """Runs of at least three clauses sharing their first or last two characters: each clause's (start, end) in the
    sentence and the characters shared. The first clause may lead up to them ("要坚持…、坚持…")."""
    runs = []
    for end_alike in (False, True):
        n = 0
        while n < len(parts):
            key = _key(parts[n][1], end_alike) if end_alike or n + 1 >= len(parts) else _key(parts[n + 1][1], False)
            m = n + 1
            while m < len(parts) and _key(parts[m][1], end_alike) == key:
                m += 1
            first_pos, first = parts[n]
            lead = -1 if end_alike else first.find(key, 0, LED_KEY_CHARS + 2) if key else -1
            if key and m - n >= MIN_LED_ITEMS and (end_alike or lead >= 0):
                spans = [(first_pos + max(lead, 0), first_pos + len(first))]
                spans += [(p, p + len(part)) for p, part in parts[n + 1:m]]
                tail = parts[m][1].find(key) if end_alike and m < len(parts) else -1
                if 0 < tail <= MAX_TAIL_CHARS:  # the last one runs on ("…、重点生态功能区县城差异化支持政策"): up to what it shares
                    spans.append((parts[m][0], parts[m][0] + tail + len(key)))
                    m += 1
                runs.append((spans, key))
                n = m
            else:
                n += 1
    return runs


def _key(part: str, end_alike: bool) -> str:
    part = part.strip()
    if len(part) <= LED_KEY_CHARS:
        return ""
    return part[-LED_KEY_CHARS:] if end_alike else part[:LED_KEY_CHARS]


def _inline_style(mark: re.Match[str]) -> str:
    return "是其第"[next(i for i, g in enumerate(mark.groups()) if g)]


def _next_line(lines: list[str], n: int) -> str:
    return next((line for line in lines[n + 1:] if line.strip()), "")


def _heading_ordinal(line: str) -> int | None:
    return _number(line[:_marker_length(line)].strip("（()）、.．"))


def _number(numeral: str) -> int | None:
    """"十二" or "12" as 12; None for anything else."""
    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError):
        return None


def strip_marker(line: str) -> str:
    """A heading line without its numbering ("24、依法行政" -> "依法行政")."""
    line = line.strip()
    line = line[_marker_length(line):] if marker_kind(line) else line
    inline = LIST_ITEM.match(line)  # "二是提供更好的教育"
    return line[inline.end():] if inline else line


def _marker_length(line: str) -> int:
    m = _MARKER.match(line)
    return m.end() if m else 0


def _item_end(text: str, start: int) -> int:
    """Where an item's own words end: its first sentence end, trailing commas dropped."""
    m = _ITEM_END.search(text, start)
    end = m.start() if m else len(text)
    while end > start and text[end - 1] in "，, 　":
        end -= 1
    return end


def _heading_label(line: str) -> str:
    return line[:_item_end(line, 0)]


def _lead(text: str, start: int) -> str:
    """The words leading into an item at `start`: back to the previous sentence end of its own paragraph, or the
    paragraph before it when it starts one."""
    before = text[max(0, start - LEAD_CHARS):start]
    own = before.rsplit("\n", 1)[-1]
    if own.strip():
        return re.split("[。！？]", own.rstrip())[-1] if not own.rstrip().endswith("。") else own.rstrip()
    lines = [line for line in before.split("\n") if line.strip()]
    return lines[-1].strip() if lines else ""


# ---------------------------------------------------------------------------------------------- answering

# How a list is scored against the question (search.eval_lists on tests/eval/lists_blind2.jsonl, the tuning set):
# the share of the question's words (IDF-weighed bigrams) in its lead, plus
HEADINGS_WEIGHT = 0.5    # ... in the heading just above it, which says less of it than the words leading into it;
                         # not the outer ones, which a list under each item shares with the list of the items
                         # ("二、…主要任务" above "（二）突出升级…" above "以改革促升级。…": lists_blind 0.84 → 0.87)
NEAR_WEIGHT = 0.3        # a list holding a passage the search ranked high, by 1/rank
YEAR_WEIGHT = 0.3        # the year asked named in its lead or headings ("一、2021年主要工作情况"); minus, another year
TENSE_WEIGHT = 0.3       # its headings name a review when results are asked, a plan when plans are
SHORTCOMING_WEIGHT = 0.5  # a question for problems: the share of items naming a shortcoming ("仍然脆弱")
ITEM_WEIGHT = 0.5        # minus, the question's words one item holds beyond the next ("抢新赛道…哪些产业": "（三）抢抓…新赛道…"
                         # is asked of, not the list of "（一）…（八）")
QUOTED_WEIGHT = 0.5      # the share of items holding the words quoted ("哪几个“着力”": "（一）着力加快转型升级")
COUNT_WEIGHT = 0.3       # as many items as the question says ("哪六个方面"); minus, another number
PAIR, PAIR_WEIGHT = 2, 0.2  # minus, two items unless two are asked: ("一、过去五年回顾 二、今年的建议": 2003's outline)
TARGET_WEIGHT = 0.3      # minus, a list of targets when none are asked
KEYED_WEIGHT = 1.0       # clauses each holding the key of the counted name asked, as many as it counts: that name
                         # spelled out ("三个突破": "…突破2000亿美元，…突破4000亿元，…突破4万元"), not the topic sentences after it
STRUCTURE_WEIGHT = 0.3   # numbered headings, when the question asks how the report is divided ("分成哪几大块")
# A list one of whose items holds this much more of the question's words than any other is the outline above what
# is asked: the list under that item answers ("对当年政府工作提了哪些建议": the items of "二、对今年政府工作的建议").
DESCEND_MARGIN = 0.05
# Below this by words no list is given ("precision over coverage"): the year alone, or one word of the question.
MIN_SCORE = 0.3
# The best few lists by words are reread by meaning: the question's cosine with each one's heading and lead
# (blind2: recall 0.90 → 0.93; a list question took 0.25 s more on 2 cores).
CLOSE_READ = 4
CLOSE_WEIGHT = 1.0


@dataclass(frozen=True)
class Asked:
    """What a list question says of the list besides its words: the years, results or plans, shortcomings."""
    years: tuple[int, ...] = ()          # the years the list is of
    tense: int = 0
    shortcomings: bool = False
    report_years: tuple[int, ...] = ()   # every year named, those naming the report too ("2020年…政府工作报告")
    count: int | None = None             # how many items: "哪六个方面", "哪十项"
    quoted: tuple[str, ...] = ()         # the words every item holds: "哪几个“着力”"
    structure: bool = False              # how the report is divided: "分成哪几大块", "从哪几个方面总结"
    counted: bool = False                # the quoted words are what is counted: "四个“历史新高”", "哪几个“着力”"
    asking: str = ""                     # the clause of the question that asks for the list
    key: str = ""                        # what each item of a counted name holds: "“六保”是哪六保" (保), with `count`
    targets: bool = False                # targets are asked ("主要预期目标有哪些"), not the tasks or measures

    @classmethod
    def of(cls, query: Query) -> "Asked":
        # "存在哪些不足" asks for shortcomings; "存在不足，报告分析的原因有哪几条" for reasons: the last clause asking
        # decides.
        asking = next((c for c in reversed(re.split("[，,。；;]", query.text)) if _ASKS_LIST.search(c)), query.text)
        count = _ASKED_COUNT.search(asking)
        name = _counted_name(query, asking)
        number = _number(count.group(1)) if count else name[1] if name else None
        return cls(query.fact_years, query.tense, bool(SHORTCOMING.search(asking)), query.years, number,
                   query.quoted, bool(_ASKS_STRUCTURE.search(asking)), bool(_COUNTED_QUOTE.search(asking)), asking,
                   name[0] if name else "", query.target_named or query.insists_target)


def _counted_name(query: Query, asking: str) -> tuple[str, int] | None:
    """The key and count of a counted name the question asks to spell out, quoted ("“三个突破”，是哪三个": 突破, 3)
    or after 哪 ("是哪六保": 保, 6); not a name the question only mentions ("揭批“四人帮”中…要把哪些整顿好")."""
    for text in (*query.quoted, *re.findall(f"哪([{ORDINAL_NUMERALS}]{{1,2}}[\u4e00-\u9fff]{{1,2}})", query.text)):
        m = _COUNTED_NAME.fullmatch(text) or _COUNTED_NAME.match(text)
        number = _number(m.group(1)) if m else None
        if m and number and number > 1 and (_spelled_out(text).search(asking) or f"哪{m.group(1)}" in asking):
            return m.group(2), number
    return None


def _spelled_out(name: str) -> re.Pattern[str]:
    """The name itself asked for ("“三个突破”，是哪三个", "“三农”指什么"), not a name before what is asked ("在解决“三农”
    问题上主要抓了哪些": lists_blind14 L027 spelled out 农业、农村、农民问题)."""
    return re.compile(rf"{re.escape(name)}[”\"]?[，,：:\s]*(?:都|分别|具体|指的?|是|包括|有)*(?:哪|什么|啥)")


def list_answer(index: Reader, hits: tuple[Hit, ...], grams: dict[str, float], doubt: DoubtKind | None,
                asked: Asked = Asked(), place: dict[int, float] | None = None,
                closeness: Closeness | None = None) -> ListAnswer | None:
    """The enumeration that answers the question in the report it is asked of, or None when none does clearly.

    The report is the top result's, or the first result's of a report of the year asked when the top one is of
    another year (_asked_report). `place`: each report's match with the places named."""
    if not hits or doubt in _WRONG_REPORT:
        return None
    first = _asked_report(hits, doubt, asked.report_years, place or {})
    report = first.chunk.report
    if doubt == DoubtKind.UNKNOWN_PLACE and not _best_place(report.id, place or {}):
        return None
    text = index.report_text(report.id)
    title = set(bigrams(report.title))
    # The question's words in the report's title say nothing of which of its lists is asked.
    # Nor do pairs across 的 ("建设的下一步": 设的, 的下), which any item holding "建设的" would seem to be asked of.
    grams = {g: w for g, w in grams.items() if g not in title and _OF not in g}
    near = [h.chunk for h in hits if h.chunk.report.id == report.id]
    found = [e for e in enumerations(text) + keyed_runs(text, asked.key, asked.count) if may_answer(e, asked)]
    # Sentences within one numbered item answer only when that item is asked of ("三是重点领域执法形成高压态势。严厉
    # 打击…"), not when its peers are as much ("一是加快坪山中心区开发建设。…加快推进昌盛路…").
    peers = [e for e in found if not _within_item(text, e, found, grams)]
    scored = sorted(((_score(text, e, grams, near, asked), e) for e in peers), key=lambda p: -p[0])
    scored = [(score, e) for score, e in scored[:CLOSE_READ] if score >= MIN_SCORE]
    if closeness and scored:
        scored = _closer(scored, closeness)
    score, best = max(scored, key=lambda p: p[0], default=(0.0, None))
    if best is None:
        return None
    item = _asked_item(text, best, grams) if best.style in HEADING_KINDS or best.style in NUMBERED else None
    under = _under(best, item, found) if item is not None else []
    if item is not None and not under and best.style in HEADING_KINDS:
        return None  # one heading is asked of and nothing under it is a list: the outline above it is no answer
    if under:
        children = [(_score(text, e, grams, near, asked), e) for e in under]
        score, best = max(_closer(children, closeness) if closeness else children, key=lambda p: p[0])
    chunks = _report_chunks(index, first.chunk)
    items = tuple(ListItem(text[s.start:s.end], s.ordinal, s.start, s.end, _chunk_at(chunks, s.start))
                  for s in best.items)
    return ListAnswer(report.path, report.title, best.lead, items, round(score, 4))


def _asked_report(hits: tuple[Hit, ...], doubt: DoubtKind | None, years: tuple[int, ...],
                  place: dict[int, float]) -> Hit:
    """The top hit, or when it is doubted as another year's, the first hit of a report of the year asked and of
    places as well matched ("2020年国务院政府工作报告由哪几部分组成": the 2008 report's passage ranked first)."""
    top = hits[0]
    if doubt != DoubtKind.OTHER_YEAR:
        return top
    matched = place.get(top.chunk.report.id, 0.0)
    return next((h for h in hits if set(years) & set(h.chunk.report.years)
                 and place.get(h.chunk.report.id, 0.0) >= matched), top)


def _closer(scored: list[tuple[float, Enumeration]], closeness: Closeness) -> list[tuple[float, Enumeration]]:
    """The best-scored lists, each gaining for how close the question's meaning is to its lead and heading."""
    cosines = closeness([f"{e.headings[-1] if e.headings else ''}\n{e.lead}" for _, e in scored])
    return [(score + CLOSE_WEIGHT * cosine, e) for (score, e), cosine in zip(scored, cosines)]


def _asked_item(text: str, e: Enumeration, grams: dict[str, float]) -> int | None:
    """The item of `e` holding the question's words beyond the others, if one does."""
    shared = set(bigrams(e.lead + "".join(e.headings)))  # what the whole list is about says nothing of one item
    held = [_covered(text[s.start:s.end], {g: w for g, w in grams.items() if g not in shared}) for s in e.items]
    i = max(range(len(held)), key=held.__getitem__)
    return i if held[i] - sorted(held)[-2] >= DESCEND_MARGIN else None


def _under(e: Enumeration, i: int, found: list[Enumeration]) -> list[Enumeration]:
    """The outermost lists within item `i` of `e` (its section, for a heading)."""
    start, end = e.items[i].start, e.items[i + 1].start if i + 1 < len(e.items) else e.until
    inside = [f for f in found if start <= f.start < end and f is not e]
    outermost = min((len(f.headings) for f in inside), default=0)
    return [f for f in inside if len(f.headings) == outermost]


def _shortcoming_share(text: str, e: Enumeration) -> float:
    return sum(bool(SHORTCOMING.search(text[s.start:s.end])) for s in e.items) / len(e.items)


def _covered(words: str, grams: dict[str, float]) -> float:
    """The share of the question's words (IDF-weighed bigrams) in `words`."""
    own = set(bigrams(words))
    return sum(w for g, w in grams.items() if g in own) / (sum(grams.values()) or 1.0)


def _best_place(report: int, place: dict[int, float]) -> bool:
    """The report is of a place the question names, matched as well as any ("大鹏新区…工作回顾里提到新区…": "提到新区"
    is no place a report covers, and no reason to doubt 大鹏新区's report)."""
    return place.get(report, 0.0) > 0 and place[report] >= max(place.values())


def _score(text: str, e: Enumeration, grams: dict[str, float], near: list[StoredChunk], asked: Asked) -> float:
    context = e.lead + "".join(e.headings)
    score = _covered(e.lead, grams) + HEADINGS_WEIGHT * _covered(e.headings[-1] if e.headings else "", grams)
    score += NEAR_WEIGHT * max((1.0 / (i + 1) for i, c in enumerate(near) if c.start < e.until and e.start < c.end),
                               default=0.0)
    named = {int(y) for y in YEAR_IN.findall(context)}
    if asked.years and named:
        score += YEAR_WEIGHT if named & set(asked.years) else -YEAR_WEIGHT
    tense = heading_tense(list(e.headings))
    if asked.tense and tense:
        score += TENSE_WEIGHT if tense == asked.tense else -TENSE_WEIGHT
    # Only a lead-in ending at the colon after the targets' name: one speaking of targets earlier ("…力争…。重点做好
    # 十个方面工作。") lost two lists of lists_blind2/5.
    if e.lead.rstrip().endswith(("：", ":")) and introduces_targets(e.lead) and not asked.targets:
        score -= TARGET_WEIGHT  # "重点工作都有哪些": not the year's targets ("主要预期目标是：…") before them
    if asked.structure and e.style in HEADING_KINDS:
        score += STRUCTURE_WEIGHT
    if asked.count:
        score += COUNT_WEIGHT if len(e.items) == asked.count else -COUNT_WEIGHT
    elif len(e.items) <= PAIR:
        score -= PAIR_WEIGHT
    if asked.shortcomings:
        score += SHORTCOMING_WEIGHT * _shortcoming_share(text, e)
    # One item holding the question's words more than the others is what is asked of: the list under it answers.
    held = sorted((_covered(text[s.start:s.end], grams) for s in e.items), reverse=True)
    score -= ITEM_WEIGHT * (held[0] - held[1])
    if asked.quoted:
        # A list of terms before the name they make up holds that name in each ("绿色低碳、…“五大发展战略”").
        holding = len(e.items) if (e.style.startswith(NAMED) and e.style[1:] in asked.quoted) or e.style.startswith(KEYED) \
            else sum(any(q in text[s.start:s.end] for q in asked.quoted) for s in e.items)
        score += QUOTED_WEIGHT * holding / len(e.items)
        # "四个“历史新高”" named nowhere near the list: not the list counted; unless the quote is the items' own
        # numbering ("哪几个“一要、二要……”"), which items do not hold once their markers are read.
        if asked.counted and not holding and not any(q in context or q[0] in ORDINAL_NUMERALS for q in asked.quoted):
            return 0.0
    if e.style.startswith(KEYED):
        score += KEYED_WEIGHT
    return score


def _report_chunks(index: Reader, chunk: StoredChunk) -> list[StoredChunk]:
    """The report's passages in order: a build stores a report's passages under consecutive ids."""
    count = chunk.report.chunks
    around = index.chunks(list(range(max(1, chunk.id - count), chunk.id + count + 1)))
    return sorted((c for c in around.values() if c.report.id == chunk.report.id), key=lambda c: c.start)


def _chunk_at(chunks: list[StoredChunk], offset: int) -> StoredChunk | None:
    """The passage holding the offset, or for a heading line (which passages leave out, their breadcrumb names it)
    the passage after it."""
    return next((c for c in chunks if offset < c.end), None)
