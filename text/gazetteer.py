"""China's administrative divisions down to townships (省 › 市 › 县 › 乡/镇/街道), from a maintained gazetteer.

The data is the gazetteer that the jionlp package ships inside its wheel (dictionary/china_location.zip:
46,680 divisions down to townships, plus villages, which are left out here); it is read as data, jionlp's own code
is never imported. Functional zones that are no divisions (开发区, 园区, 农场 …) are left out too, since officials
write those words about their own places ("经济开发区建设").
"""
from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from text.lexicon import words
from text.places import LEVELS, is_division, level

_DATA = ("dictionary", "china_location.zip")
# A report places itself by naming its city or county again and again (深圳 about 40 times in 南山区's report);
# a place it names a few times is one it speaks of.
MIN_NAMED = 5
_MAX_NAME = 12          # longest division name looked for in a question, in characters
_ONE_CHAR_SUFFIXES = frozenset(s for s in LEVELS if len(s) == 1)
_ZONE = re.compile("(?:" + "|".join(words("zone_suffixes")) + ")$")


@dataclass(frozen=True)
class Division:
    chain: tuple[str, ...]   # from the province down: ("河南省", "平顶山市", "鲁山县", "张店乡")
    level: int               # 1 province, 2 prefecture (city), 3 county, 4 township
    short: str = ""          # the name people use without its suffix, where the gazetteer gives one ("河南")

    @property
    def name(self) -> str:
        return self.chain[-1]

    def names(self) -> tuple[str, ...]:
        return (self.name, self.short) if self.short else (self.name,)


class Gazetteer:
    """Look divisions up by name, resolve a body's divisions to one chain, find the divisions a text names."""

    def __init__(self, divisions: list[Division]) -> None:
        self.by_name: dict[str, list[Division]] = {}
        self._levels: dict[int, list[Division]] = {}
        for d in divisions:
            for name in d.names():
                self.by_name.setdefault(name, []).append(d)
        # Short forms of counties and townships ("南山", "张店") are everyday words too often to be searched for.
        self._findable = {name for name, found in self.by_name.items()
                          if any(name == d.name or d.level <= 2 for d in found)}

    def lookup(self, name: str) -> list[Division]:
        return self.by_name.get(name, [])

    def resolve(self, units: list[str]) -> Division | None:
        """The one division named by the last unit and lying within all the others ("深圳市", "南山区" → 广东省 ›
        深圳市 › 南山区, not 鹤岗市's 南山区); None when there is no such division, or more than one."""
        if not units:
            return None
        found = [d for d in self.lookup(units[-1])
                 if all(any(u in (c, *self._shorts(c)) for c in d.chain[:-1]) for u in units[:-1])]
        return found[0] if len(found) == 1 else None

    def resolve_in(self, units: list[str], text: str) -> Division | None:
        """As resolve, and where the units alone leave it open, the division the report's own text places: of
        several of that name (南山区 of 深圳市 or of 鹤岗市), the one whose parents the text names most; for a
        name the gazetteer lacks (大鹏新区, a functional zone), a division under the one above its level that the
        text names most. The text must name it at least MIN_NAMED times and more than any other."""
        if division := self.resolve(units):
            return division
        if not units or not text:
            return None
        found = self.lookup(units[-1])
        if found:
            return _most_named(found, lambda d: sum(self._count(c, text) for c in d.chain[:-1]))
        above = level(units[-1]) - 1
        if above < 1:
            return None
        parent = _most_named(self._at_level(above),
                             lambda d: self._count(d.name, text))
        return Division((*parent.chain, units[-1]), above + 1) if parent else None

    def _at_level(self, at: int) -> list[Division]:
        if at not in self._levels:
            self._levels[at] = list(dict.fromkeys(d for ds in self.by_name.values() for d in ds if d.level == at))
        return self._levels[at]

    def _count(self, name: str, text: str) -> int:
        """How often the text names a division, by its full name or a short one findable in questions."""
        return sum(text.count(n) for n in {name, *(s for s in self._shorts(name) if s in self._findable)})

    def _shorts(self, name: str) -> tuple[str, ...]:
        return tuple(d.short for d in self.lookup(name) if d.short and d.name == name)

    def named_in(self, words: list[str]) -> list[str]:
        """The division names in a text cut into `words` (by a word segmenter), in order: full names at any level
        and the short names of provinces and cities ("河南", "深圳"), longest first where they overlap.

        A name must start and end where words do: "新城镇" is a township, but not in "新城镇化建设", nor is
        "深圳市" in "深圳市长质量奖". A word made of names only ("上海市浦东新区") is split into them.
        """
        text = "".join(words)
        bounds, starts, pos = {0}, set(), 0
        for word in words:
            bounds.update(pos + cut for cut in self._cuts(word))
            if len(word) > 1 and word[0] in _ONE_CHAR_SUFFIXES:
                starts.add(pos + 1)  # "光明区玉塘街道" cut 光明 / 区玉塘 / 街道: a name may start after the 区
            pos += len(word)
        starts |= bounds
        spans = [(start, end) for end in sorted(bounds) for start in range(max(0, end - _MAX_NAME), end - 1)
                 if start in starts and text[start:end] in self._findable]
        taken: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
        return [text[a:b] for a, b in sorted(taken)]

    def completed(self, stem: str, text: str) -> str | None:
        """The full division name a place word jieba tagged is written as in the text ("兰陵" in "兰陵县代村",
        where the segmenter joined the suffix to the next word: "县代"), if the gazetteer knows it."""
        for suffix in sorted(LEVELS, key=len, reverse=True):
            name = stem + suffix
            if name in text and name in self._findable and any(d.name == name for d in self.by_name[name]):
                return name
        return None

    def _cuts(self, word: str) -> list[int]:
        """Where a word ends, and inside it where the names it is made of end (if it is made of names only)."""
        cuts, pos = [], 0
        while pos < len(word):
            end = next((e for e in range(min(len(word), pos + _MAX_NAME), pos + 1, -1) if word[pos:e] in self._findable),
                       None)
            if end is None:
                return [len(word)]
            cuts.append(end)
            pos = end
        return cuts


def _most_named(candidates: list[Division], named: Callable[[Division], int]) -> Division | None:
    counts = sorted(((named(d), d) for d in dict.fromkeys(candidates)), key=lambda c: -c[0])
    if not counts or counts[0][0] < MIN_NAMED or (len(counts) > 1 and counts[1][0] >= counts[0][0]):
        return None
    return counts[0][1]


def _load(path: Path) -> list[Division]:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8")
    divisions: list[Division] = []
    stack: list[str] = []
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 3 or not line.strip():
            continue  # villages (depth 4) and blank lines
        fields = line.strip().split("\t")
        stack = stack[:depth] + [fields[0]]
        chain = tuple(n for i, n in enumerate(stack) if i == 0 or n != stack[i - 1])  # 北京市 › 北京市 › 东城区
        name = chain[-1]
        if (divisions and chain == divisions[-1].chain) or (depth > 0 and (_ZONE.search(name) or not is_division(name))):
            continue
        divisions.append(Division(chain, depth + 1, fields[2] if len(fields) > 2 else ""))
    return divisions


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read once per process (about a second); empty, with a warning, if jionlp is not installed."""
    spec = importlib.util.find_spec("jionlp")
    path = Path(spec.submodule_search_locations[0]).joinpath(*_DATA) if spec and spec.submodule_search_locations \
        else None
    if path is None or not path.is_file():
        print("警告：找不到行政区划数据（jionlp 软件包），库外地名将无法识别；请重新安装依赖 / Warning: the gazetteer "
              "(package jionlp) is missing; places outside the library will not be recognised", file=sys.stderr)
        return Gazetteer([])
    return Gazetteer(_load(path))
