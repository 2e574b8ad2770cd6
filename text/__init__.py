"""The language layer below index/ and search/: everything the project knows about how Chinese reports and
officials' questions are written, each kind of knowledge in one module, word lists in text/data/.

    normalize  one canonical form of text (full-width digits, line breaks, NFKC that keeps Chinese punctuation)
    sentences  sentence ends, clause breaks, where long passages may be cut
    years      "2023年", "二〇二三年", "23年", "上一年"
    numbers    numbers with units, Chinese numerals (cn2an)
    places     administrative divisions, their suffixes and levels, issuing bodies
    tense      results vs plans, in questions, headings and sentences
    question   what a question asks for: quantities, wording, names of office holders, rates; its frame words
    tokens     keyword tokens (jieba words, number-unit tokens, character bigrams), place and person names
    lexicon    the one loader of text/data/
"""

HAN_RANGE = "\u4e00-\u9fff"  # CJK unified ideographs: the hanzi of simplified Chinese text
HAN = f"[{HAN_RANGE}]"
# Marks ending a clause of a question, and a character inside one, for patterns that stay within a clause.
CLAUSE_MARKS = "，,。？?；;！!"
IN_CLAUSE = f"[^{CLAUSE_MARKS}]"
# What refuses the words before it ("规划目标不算", "占GDP比重、产值都不算").
REFUSED_AFTER = "(?:不算|不要|除外|不计)"
# Words refusing what follows them in a question ("不要今年的目标", "只要总额，不要增速"); "是不是…" asks instead.
# "报告里只给增速的标一下没有": a report giving only that is to be listed as not stating what is asked (not "只给增速的
# 也行", "只有几个市…"). "别把…当成…" only opening a clause: not "分别把…定在", "特别把", "区别把握".
REFUSAL = (f"(?:不要|(?<![^{CLAUSE_MARKS}\\s])别[把拿]|(?<!是)不是|而非|并非|不看|不含|只(?:给|有|写)了?"
           f"(?={IN_CLAUSE}{{0,6}}?的{IN_CLAUSE}{{0,6}}?(?:没有|不列|别列|不用|{REFUSED_AFTER})))")
CHINESE_DIGITS = "〇零一二三四五六七八九"  # 0-9 as hanzi (two ways to write zero), as in "二〇二三年", "一九五四年"
