"""Understand a question: quoted wording, years, whether it asks for a quantity or for precedent wording."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.read import normalize_text

_QUOTED = re.compile(r"[“\"「『‘'《]([^”\"」』’'》]{2,60})[”\"」』’'》]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|(?!\d))")
_QUANTITY = re.compile(r"多少|几[个起次人家项件所条座名位户万亿千百十]?|多大|多高|多长|多久|比例|百分之|百分比|占比|增长|增速|下降|"
                       r"提高了|达到|规模|总量|金额|数量|人数|面积|产值|收入|投资额|率[是为]?")
_WORDING = re.compile(r"怎么写|如何写|怎样写|怎么表述|如何表述|怎样表述|写法|表述|提法|措辞|怎么说|如何说|范文|参考|"
                      r"别的(?:乡镇|地方|单位|区|县|市|部门)|其他(?:乡镇|地方|单位|区|县|市|部门)")
MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class Query:
    text: str                   # normalised question, trimmed to a sensible length
    quoted: tuple[str, ...]     # phrases that must appear verbatim
    years: tuple[int, ...]      # years named explicitly ("去年" is deliberately ignored)
    wants_quantity: bool
    wants_wording: bool


def parse_query(question: str) -> Query:
    text = " ".join(normalize_text(question).split())[:MAX_QUERY_CHARS]
    quoted = tuple(dict.fromkeys(q.strip() for q in _QUOTED.findall(text) if q.strip()))
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))
    return Query(
        text=text,
        quoted=tuple(q for q in quoted if not q.startswith(("http", "www"))),
        years=years,
        wants_quantity=bool(_QUANTITY.search(text)),
        wants_wording=bool(_WORDING.search(text)),
    )
