"""One canonical form of Chinese report text, used for stored text and for questions alike (so both sides match).

Full-width digits and letters become ASCII ("２００２年" matches "2002年"), line breaks are one kind, zero-width
and control characters are dropped, and the rest is NFKC except the Chinese punctuation the chunker reads.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)):
        table[cp] = None  # control chars carry no text (NUL from broken converters etc.)
    table[ord("\t")] = "\t"
    table[ord("\n")] = "\n"
    # \r alone (old Mac), VT/FF (page breaks from PDF/Word), NEL and the Unicode separators are all line breaks
    for cp in (0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029):
        table[cp] = "\n"
    for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[cp] = None
    table[0x3000] = " "
    table[0xFF05] = "%"  # "6.0％": a unit, not sentence punctuation; "%" is what people type
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for cp in range(lo, hi + 1):
            table[cp] = chr(cp - 0xFEE0)
    return table


_TABLE = _build_table()

# Chinese punctuation that NFKC would turn into ASCII; the chunker and heading detection rely on it, so it is kept.
# U+2026 is the Chinese ellipsis "……" (NFKC would make it "...").
_PROTECTED_RANGES = ((0x2026, 0x2026), (0x3000, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40),
                     (0xFF5B, 0xFF65))


def _char_class(cps: Iterable[int]) -> str:
    ranges: list[list[int]] = []
    for cp in sorted(cps):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in ranges) + "]"


def _nfkc_triggers() -> frozenset[int]:
    """Code points whose presence means NFKC could change the text (outside the table and protected punctuation).

    Besides chars NFKC maps, that is combining marks (reordering) and the second halves of canonical pairs
    (composition). Text without any of them is already NFKC, which lets the common case skip NFKC entirely.
    Planes 3-16 hold no such code point (checked against the Unicode data), so the scan stops at plane 2.
    """
    found: set[int] = set()
    for cp in range(0x30000):
        c = chr(cp)
        if unicodedata.normalize("NFKC", c) != c or unicodedata.combining(c):
            found.add(cp)
        parts = unicodedata.decomposition(c).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            found.add(int(parts[1], 16))
    found.update(range(0x1161, 0x1176))  # Hangul V and T jamo compose algorithmically, not via decomposition data
    found.update(range(0x11A8, 0x11C3))
    protected = {cp for lo, hi in _PROTECTED_RANGES for cp in range(lo, hi + 1)}
    return frozenset(found - protected - set(_TABLE))


def _split_class(cps: frozenset[int]) -> str:
    # A class holding astral chars makes re test every char against a range list (20x slower on 40 MB), so the
    # astral part sits behind a cheap single-range check
    bmp = _char_class(cp for cp in cps if cp < 0x10000)
    astral = _char_class(cp for cp in cps if cp >= 0x10000)
    return f"{bmp}|[\U00010000-\U0010ffff](?<={astral})"


_FIX_RE = re.compile(_char_class(cp for cp, v in _TABLE.items() if v != chr(cp)))
_NFKC_TRIGGER_RE = re.compile(_split_class(_nfkc_triggers()))
_PROTECTED_RE = re.compile("(" + _char_class(cp for lo, hi in _PROTECTED_RANGES for cp in range(lo, hi + 1)) + "+)")
_TRAILING_WS_RE = re.compile(r"[^\S\n]+$", re.MULTILINE)
# "2．52万公里" in the 1992/2003 reports: a full-width point between digits is a decimal point.
_DECIMAL_POINT_RE = re.compile(r"(?<=\d)．(?=\d)")
# "[bookmark: _GoBack]": a Word bookmark left in text exported from .docx.
_WORD_ARTIFACT_RE = re.compile(r"\[bookmark: [^\]\n]{0,80}\]")


def _nfkc_keep_punct(s: str) -> str:
    """NFKC only the lines holding a trigger char: real reports have a handful (Ⅲ, ㎡, NBSP) in megabytes of text."""
    out: list[str] = []
    last = 0
    for m in _NFKC_TRIGGER_RE.finditer(s):
        if m.start() < last:
            continue
        start = s.rfind("\n", 0, m.start()) + 1  # composition never crosses a line break, so lines are independent
        end = s.find("\n", m.end())
        end = len(s) if end == -1 else end
        out += (s[last:start], _nfkc_segment(s[start:end]))
        last = end
    out.append(s[last:])
    return "".join(out)


def _nfkc_segment(s: str) -> str:
    # split() with a capture group alternates normal text / protected punctuation: only the even pieces are NFKC'd
    pieces = _PROTECTED_RE.split(s)
    pieces[::2] = [unicodedata.normalize("NFKC", p) for p in pieces[::2]]
    return "".join(pieces)


def _fix_char(m: re.Match[str]) -> str:
    return _TABLE[ord(m.group())] or ""


def normalize_text(s: str) -> str:
    """Canonical form used for stored text and for queries (so both sides match)."""
    # re.sub touches only the few chars that change; str.translate would visit every char of a 40 MB file
    s = _FIX_RE.sub(_fix_char, s.replace("\r\n", "\n"))
    s = _nfkc_keep_punct(s)
    s = _WORD_ARTIFACT_RE.sub("", _DECIMAL_POINT_RE.sub(".", s))
    return _TRAILING_WS_RE.sub("", s)
