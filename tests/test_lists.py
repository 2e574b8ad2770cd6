"""List answers (search/lists.py): the enumerations a report holds, read on real snippets of the reports, and the
list a question gets from a real index of corpus/zhangdian_2023.txt."""
from __future__ import annotations



from search.lists import Asked, _score, asks_for_list, enumerations, keyed_runs, may_answer, strip_marker
from search.present import result_json, result_text
from search.query import parse_query



def _items(text: str) -> list[list[str]]:
    return [[text[s.start:s.end] for s in e.items] for e in enumerations(text)]


def test_inline_items_end_at_their_first_sentence_or_clause_list() -> None:
    # zhangdian_2023.txt: items after "；", and a second list ("其原因：") starting again at 一是.
    text = ("标题\n二、2023年度推进法治政府建设存在的不足和原因\n"
            "虽然我乡的法治政府建设工作取得一定成效，但我们深知问题还有很多。一是工作开展不平衡。部分机关人员依法行政思维"
            "还不够强；二是法治村创建主动性不够。仍需加大力度引导干部群众投身其中。其原因：一是缺乏系统性的培训和学习机制。"
            "由于缺乏系统的培训和学习机制，导致执法人员无法及时更新。二是缺乏对法治建设的重视。一些村干部认识不足。\n")
    found = enumerations(text)
    assert _items(text) == [["工作开展不平衡", "法治村创建主动性不够"], ["缺乏系统性的培训和学习机制", "缺乏对法治建设的重视"]]
    assert found[1].lead == "其原因：" and found[0].headings == ("二、2023年度推进法治政府建设存在的不足和原因",)


def test_items_one_sentence_holds_end_at_the_next_item() -> None:
    # gzbg_2026_beijing.txt
    text = ("标题\n《纲要草案》明确了今后五年的发展目标：一是首都功能持续提升，二是高质量发展迈上新台阶，"
            "三是全面深化改革取得新突破。\n")
    assert _items(text) == [["首都功能持续提升", "高质量发展迈上新台阶", "全面深化改革取得新突破"]]


def test_numbered_headings_are_a_list_of_their_level_only() -> None:
    # zhangdian_2023.txt: "（一）…（三）" under "二、", each with its own body; the top level "一、二、" is another list.
    text = ("标题\n一、2023年度党政主要负责人履行推进法治建设第一责任人职责的情况\n正文。\n"
            "二、2024年度推进法治政府建设的主要工作安排\n"
            "（一）继续加强法治培训、加强普法教育，全面提高依法行政意识\n深入抓好领导干部学法用法。一是学。二是用。\n"
            "（二）加强政务信息透明度、强化行政监督\n建设法治政府的最终目的是执政为民。\n"
            "（三）进一步完善法治政府建设，加强廉政建设\n进一步完善相关法治法规和制度。\n")
    found = enumerations(text)
    assert _items(text) == [
        ["2023年度党政主要负责人履行推进法治建设第一责任人职责的情况", "2024年度推进法治政府建设的主要工作安排"],
        ["继续加强法治培训、加强普法教育，全面提高依法行政意识", "加强政务信息透明度、强化行政监督", "进一步完善法治政府建设，加强廉政建设"],
        ["学", "用"]]
    assert found[1].headings == ("二、2024年度推进法治政府建设的主要工作安排",)
    assert found[1].until == len(text)  # the last item's body is the list's too


def test_items_go_on_across_paragraphs_and_after_a_heading_on_the_same_line() -> None:
    # gzbg_shenzhen_pingshan_2014.txt: the list starts on its heading's line and goes on in the next paragraphs.
    text = ("标题\n（七）着力开展党的群众路线教育实践活动，建设“两型一化”政府。一是推进服务型政府建设。坚持为民务实清廉。\n"
            "二是推进智慧型政府建设。依靠“织网工程”实现信息互联互通。三是推进法治化政府建设。加快建设“一流法治城区”。\n"
            "（八）下一节\n")
    found = [e for e in enumerations(text) if e.style == "是"]
    assert [[text[s.start:s.end] for s in e.items] for e in found] == [
        ["推进服务型政府建设", "推进智慧型政府建设", "推进法治化政府建设"]]
    assert found[0].headings == ("（七）着力开展党的群众路线教育实践活动，建设“两型一化”政府",)


def test_ordinal_lines_and_paragraphs_led_alike() -> None:
    # gzbg_guowuyuan_1978.txt ("第一，…"), gzbg_2026_jilin.txt ("当好…。" paragraphs).
    text = ("标题\n认真解决好一些关系到国民经济全局的问题。\n第一，全国动员，大办农业。\n农业是国民经济的基础。\n"
            "第二，加快发展基础工业，发挥工业的主导作用。\n随着国民经济的发展。\n")
    assert _items(text) == [["全国动员，大办农业", "加快发展基础工业，发挥工业的主导作用"]]
    text = ("标题\n四、全面提升政府治理效能\n各级政府及工作人员必须旗帜鲜明讲政治。\n当好创造性执行者。坚守政府执行机关定位。\n"
            "当好更加有为的行动派。越是困难多，越要迎难而上。\n当好为民施政的勤务员。民之所盼，政之所向。\n")
    led = [e for e in enumerations(text) if e.style == "当好"]
    assert [[text[s.start:s.end] for s in e.items] for e in led] == [
        ["当好创造性执行者", "当好更加有为的行动派", "当好为民施政的勤务员"]]


def test_paragraphs_led_by_topic_sentences_up_to_the_next_heading() -> None:
    # gzbg_guowuyuan_2020.txt: every paragraph of the section opens with a short sentence.
    text = ("标题\n三、加大宏观政策实施力度，着力稳企业保就业\n保障就业和民生，必须稳住上亿市场主体，尽力帮助企业特别是中小微企业渡过难关。\n"
            "加大减税降费力度。强化阶段性政策。\n推动降低企业生产经营成本。降低工商业电价5%政策延长到年底。\n"
            "强化对稳企业的金融支持。中小微企业贷款延期还本付息。\n四、依靠改革激发市场主体活力\n正文。\n")
    topics = [e for e in enumerations(text) if e.style == "。"]
    assert [[text[s.start:s.end] for s in e.items] for e in topics] == [
        ["加大减税降费力度", "推动降低企业生产经营成本", "强化对稳企业的金融支持"]]
    # gzbg_shenzhen_pingshan_2024.txt: the speaker turning to the delegates ends the part.
    text = ("标题\n（十）持续加强政府自身建设\n坚持以政治建设为统领。认真贯彻。\n加快建设法治政府。践行法治思想。\n"
            "强化为民服务宗旨。牢固树立。\n各位代表，重任在肩，更须砥砺奋进。让我们更加紧密地团结在以习近平同志为核心的党中央周围。\n")
    assert [[text[s.start:s.end] for s in e.items] for e in enumerations(text) if e.style == "。"] == [
        ["坚持以政治建设为统领", "加快建设法治政府", "强化为民服务宗旨"]]
    # gzbg_2026_henan.txt: short sentences before a first subheading lead into it; they are no list.
    text = ("标题\n一、工作回顾\n过去的五年极不寻常。在省委坚强领导下。\n综合实力稳步提升。全省生产总值增长。\n"
            "产业转型提质增效。制造业增加值增长。\n刚刚过去的2025年很不平凡。我们主要做了以下工作。\n"
            "（一）千方百计稳就业\n（二）全面加快融入全国统一大市场\n")
    assert not [e for e in enumerations(text) if e.style == "。"]


def test_paragraphs_led_by_a_dash() -> None:
    # gzbg_guowuyuan_2003.txt
    text = ("标题\n五年来，改革开放取得突破性进展，社会主义市场经济体制初步建立。\n"
            "——所有制结构进一步调整和完善。公有制经济不断发展壮大。\n——现代市场体系建设全面展开。商品市场进一步发展。\n"
            "——金融、财税、投融资体制改革继续深化。实行稳健的货币政策。\n正文另起一段。\n")
    found = enumerations(text)
    assert _items(text) == [["所有制结构进一步调整和完善", "现代市场体系建设全面展开", "金融、财税、投融资体制改革继续深化"]]
    assert found[0].lead == "五年来，改革开放取得突破性进展，社会主义市场经济体制初步建立。"


def test_no_list_in_a_word_that_reads_like_an_item() -> None:
    assert enumerations("标题\n统一是关键。二是说明。\n") == []


def test_which_questions_ask_for_lists() -> None:
    assert asks_for_list("张店乡2023年在依法行政上采取了哪些措施？")
    assert asks_for_list("光明区2021年法治政府建设还有哪些薄弱环节")
    assert asks_for_list("2024年的主要工作安排有哪些？")
    assert not asks_for_list("张店乡2023年化解矛盾多少起？")
    # A number of things asked to be named, with no "哪".
    assert asks_for_list("深圳市2021年政府重点要干的十个方面是什么")
    assert asks_for_list("盐田区2014年说的“十大亮点”都是啥")
    assert asks_for_list("广东省2014年要办好的十件民生实事是什么？")  # lists_blind14 L023: one sentence, 0 of 10
    assert asks_for_list("罗湖区2014年的主要任务分几块？")  # lists_blind16 L026
    assert asks_for_list("龙华区经济社会发展面临的主要问题是什么？（2020年政府工作报告）")  # lists_blind16 L025
    assert Asked.of(parse_query("广东省2014年要办好的十件民生实事是什么？")).count == 10
    assert not asks_for_list("2021年地区生产总值是多少？")
    assert asks_for_list("光明区2022年法治政府建设下一步怎么安排")
    # lists_blind17: problems and lessons asked as one thing, or counted ("有几条"), are several
    assert asks_for_list("内蒙古政府工作报告指出的主要问题是什么？")
    assert asks_for_list("罗湖区2022年政府工作报告讲到的困难和不足有几条？")
    assert asks_for_list("2008年国务院政府工作报告总结过去五年的主要体会有几条？")
    assert not asks_for_list("张店乡有几个行政村？")


def test_what_a_list_question_says_of_the_list() -> None:
    asked = Asked.of(parse_query("福田区2021年主要抓了哪六个方面的工作？"))
    assert asked.count == 6 and asked.years == (2021,) and not asked.shortcomings
    assert Asked.of(parse_query("内蒙古2026年要全力抓好的七项重点工作是什么")).count == 7
    assert Asked.of(parse_query("深圳2013年政府工作重点提了哪几个“着力”")).quoted == ("着力",)
    assert Asked.of(parse_query("鲁山县张店乡2023年法治政府建设还存在哪些不足？")).shortcomings
    # The clause asking decides: these are reasons, not shortcomings.
    assert not Asked.of(parse_query("张店乡法治政府建设存在不足，报告分析的原因有哪几条？")).shortcomings


def test_a_list_question_gets_the_list_in_order_with_citations(seed_searcher) -> None:
    result = seed_searcher.search("张店乡2023年在依法行政上采取了哪些措施？")
    assert result.list is not None
    assert [i.text for i in result.list.items] == ["严格落实重大行政决策程序", "坚持政务公开制度", "组建综合执法队伍",
                                                   "坚持矛盾调解制度"]
    assert [i.ordinal for i in result.list.items] == [1, 2, 3, 4]
    assert all(i.chunk is not None and i.chunk.start <= i.start < i.chunk.end for i in result.list.items)
    listed = result_json(result)["list"]
    assert listed["doc"].endswith("zhangdian_2023.txt") and listed["items"][0]["chunk"] == result.list.items[0].chunk.id
    assert "（二）狠抓落实，全面推进依法行政" in listed["items"][0]["section"]
    assert "1. 严格落实重大行政决策程序" in result_text(result)


def test_the_plan_list_and_the_shortcomings_list(seed_searcher) -> None:
    plan = seed_searcher.search("张店乡2024年的主要工作安排有哪些？").list
    assert plan is not None and [i.text for i in plan.items] == [
        "继续加强法治培训、加强普法教育，全面提高依法行政意识", "加强政务信息透明度、强化行政监督", "进一步完善法治政府建设，加强廉政建设"]
    # A heading is in no passage's text: its item cites the passage under it, whose breadcrumb names it.
    assert all(i.chunk is not None and i.text in i.chunk.section for i in plan.items)
    weak = seed_searcher.search("张店乡2023年法治政府建设还存在哪些不足？").list
    assert weak is not None and [i.text for i in weak.items] == ["工作开展不平衡", "法治村创建主动性不够"]


def test_a_single_answer_question_gets_no_list(seed_searcher) -> None:
    result = seed_searcher.search("张店乡2023年化解矛盾多少起？")
    assert result.list is None and result_json(result)["list"] is None


def test_eval_reads_the_list_answer_item_by_item() -> None:
    from search.eval_lists import score_list

    row = {"id": "L", "doc": "a.txt", "items": ["一项", "二项", "三项"]}
    listed = {"items": [{"doc": "corpus/a.txt", "text": "一项，说明"}, {"doc": "corpus/a.txt", "text": "四项"},
                        {"doc": "corpus/a.txt", "text": "三项"}]}
    score = score_list(row, {"results": [], "list": listed})
    assert (score.found, score.gold, score.returned, score.relevant) == (2, 3, 3, 2)


def test_lists_past_ten_in_semicolon_clauses_after_labels_and_numbered_within_a_paragraph() -> None:
    ten = "；".join(f"{n}是任务{n}" for n in "一二三四五六七八九十") + "；十一是任务十一；十二是任务十二。"
    assert _items(f"标题\n（二）重点任务。主要包括：{ten}\n")[-1][-2:] == ["任务十一", "任务十二"]
    clauses = "标题\n我们也清醒认识到，还存在不少问题：外部环境变化影响加深；有效需求仍显不足；风险隐患较多。\n"
    assert ["外部环境变化影响加深", "有效需求仍显不足", "风险隐患较多"] in _items(clauses)
    labels = "标题\n教育优质均衡发展：新增学位5700个。\n卫生事业软硬并重：新增床位300张。\n交通服务高效便捷：更新公交。\n"
    assert ["教育优质均衡发展", "卫生事业软硬并重", "交通服务高效便捷"] in _items(labels)
    numbered = "标题\n抓好以下3项改革：（1）建立职能调整机制；（2）推进预算绩效管理；（3）改革资金扶持方式。\n"
    assert ["建立职能调整机制", "推进预算绩效管理", "改革资金扶持方式"] in _items(numbered)
    opening = ("标题\n我们妥善处理“小”与“大”的关系，努力以最小代价实现最大效果。\n我们妥善处理“内”与“外”的关系，严防输入。\n"
               "我们妥善处理“稳”与“进”的关系，统筹发展。\n")
    assert len(next(i for i in _items(opening) if i[0].startswith("我们妥善处理“小”"))) == 3


def test_numbering_going_on_from_the_section_before_is_a_list() -> None:
    """南山 2014 numbers its items across sections: "二、自主创新" then "6、政策与措施…"."""
    text = "标题\n一、经济发展\n1、主要指标：增长。\n2、质量效益：提高。\n二、自主创新\n3、政策与措施：落实。\n4、创新实力：增强。\n"
    assert ["政策与措施", "创新实力"] in _items(text)


def test_a_question_on_how_a_report_is_divided_and_counts_in_digits() -> None:
    assert Asked.of(parse_query("大鹏新区2023年的工作成绩分成哪几大块来讲的？")).structure
    assert not Asked.of(parse_query("张店乡2023年在依法行政上采取了哪些措施？")).structure
    assert Asked.of(parse_query("南山区2022年主要工作分几部分？")).structure  # lists_blind17 E116
    # "哪几块" inside one section is no outline of the report (lists_blind5 M092)
    assert not Asked.of(parse_query("李强2024年政府工作报告里坚定不移深化改革、增强发展内生动力具体包括哪几块")).structure
    assert asks_for_list("宝安区2015年要抓好的8项重点改革分别是什么？")
    assert Asked.of(parse_query("宝安区2015年要抓好的8项重点改革分别是什么？")).count == 8
    assert asks_for_list("张店乡2023年法治政府建设存在什么不足？")
    assert strip_marker("24、依法行政") == "依法行政" and strip_marker("二是提供更好的教育") == "提供更好的教育"
    assert strip_marker("抓重点、补短板") == "抓重点、补短板"


def test_the_list_under_the_heading_asked_of(shared_index_searcher) -> None:
    """"自主创新方面的成绩分了哪几项" is asked of "二、自主创新": its items (numbered on from the section before,
    "6、政策与措施"…), not the review's four parts."""
    result = shared_index_searcher.search("南山区2013年自主创新方面的成绩分了哪几项来讲？")
    assert result.list is not None
    assert [i.text for i in result.list.items][:2] == ["政策与措施", "创新实力"]


def test_topic_paragraphs_end_at_the_first_paragraph_not_led_by_one() -> None:
    # gzbg_2026_henan.txt "（十）有力有效防范化解重点领域风险": four topic paragraphs, then two that are not.
    text = ("标题\n（十）有力有效防范化解重点领域风险\n加强安全生产管理。全力打好治本攻坚三年行动。\n"
            "提高防灾减灾能力。完善自然灾害风险监测。\n防范财政金融风险。完善债务监测。\n提升社会治理水平。加强党建引领。\n"
            "加强国防动员和后备力量建设，突出抓好数智动员、新域新质民兵力量，扎实推进征兵工作、人民防空建设，深化全民国防教育。\n"
            "（十一）下一节\n正文。\n")
    assert ["加强安全生产管理", "提高防灾减灾能力", "防范财政金融风险", "提升社会治理水平"] in _items(text)
    # gzbg_guangdong_2014.txt: a heading's own words after its full stop are no empty first item.
    heading = "标题\n（九）加快绿色低碳发展。坚持把生态文明建设放在更加突出位置。\n加强环境保护。甲。\n狠抓节能减排。乙。\n发展环保产业。丙。\n"
    assert ["加强环境保护", "狠抓节能减排", "发展环保产业"] in _items(heading)


def test_topic_sentences_and_sentences_led_alike_inside_one_paragraph() -> None:
    # gzbg_shenzhen_longgang_2022.txt: a section of one paragraph, its topics short sentences within it.
    text = ("标题\n（二）积极应对形势变化，经济高质量发展迈上新台阶\n经济运行总体稳健。在全球疫情持续蔓延的情况下，地区生产总值增长。"
            "产业新增长点加快培育。高标准打造龙岗东、西两大产业园区，引进项目12个。创新动能持续增强。新增国家高新技术企业，"
            "总数达到2000家以上。\n")
    assert ["经济运行总体稳健", "产业新增长点加快培育", "创新动能持续增强"] in _items(text)
    # gzbg_2026_jiangsu.txt: after a dash the paragraph's first sentence leads into its topics.
    dash = ("标题\n——“向新”的动能持续增强。科技创新取得新进步。两院院士增至123位，位居全国前列。产业发展彰显新成效。"
            "新增制造业单项冠军企业52家。新兴消费迸发新活力。引进首店1809家。\n")
    assert ["科技创新取得新进步", "产业发展彰显新成效", "新兴消费迸发新活力"] in _items(dash)
    # gzbg_2026_jiangsu.txt: sentences starting with the same two characters.
    led = ("标题\n我们将着力建设人民满意的政府。着力提高政治能力，坚持党中央集中统一领导。着力厚植为民情怀，始终以百姓心为心。"
           "着力推进依法行政，严格行政决策程序。\n")
    assert ["着力提高政治能力，坚持党中央集中统一领导", "着力厚植为民情怀，始终以百姓心为心",
            "着力推进依法行政，严格行政决策程序"] in _items(led)


def test_sentences_inside_an_item_are_not_its_peers() -> None:
    # gzbg_guowuyuan_2020.txt: "积极利用外资。" leads its paragraph, an item of the section's topic paragraphs; the
    # short sentences inside that paragraph are a list only without it.
    text = ("标题\n七、推进更高水平对外开放\n促进外贸基本稳定。出口转内销。\n积极利用外资。大幅缩减外资准入负面清单。"
            "深化经济特区改革开放。出台新一轮改革措施。加快海南自由贸易港建设。支持海南。\n"
            "高质量共建“一带一路”。坚持共商共建共享。\n推动贸易和投资自由化便利化。维护多边贸易体制。\n")
    items = _items(text)
    assert ["促进外贸基本稳定", "积极利用外资", "高质量共建“一带一路”", "推动贸易和投资自由化便利化"] in items
    assert not [i for i in items if i[0] == "积极利用外资" and len(i) == 3]


def test_the_problems_after_words_naming_shortcomings() -> None:
    # gzbg_2026_henan.txt: clauses over two sentences naming shortcomings, up to one turning back to them.
    text = ("标题\n我们也清醒认识到，发展中还存在不少矛盾和问题：经济运行中不确定因素较多，有效需求依然不足，一些企业生产经营困难。"
            "一些地方和干部推动高质量发展能力亟待提高，作风建设还需进一步加强。对此，我们一定高度重视，切实加以解决。\n")
    problems = [[text[s.start:s.end] for s in e.items] for e in enumerations(text) if e.style == "问"]
    assert problems == [["经济运行中不确定因素较多", "有效需求依然不足", "一些企业生产经营困难",
                         "一些地方和干部推动高质量发展能力亟待提高", "作风建设还需进一步加强"]]
    # gzbg_shenzhen_longgang_2022.txt: sentences led alike are the items, "等等" none.
    led = ("标题\n龙岗发展还面临不少困难和挑战：从经济发展上看，龙头企业持续遭受打压，经济下行压力加大。从空间承载力上看，"
           "资源集约利用不够充分。从民生事业上看，公共服务供给还存在短板，等等。我们一定正视问题。\n")
    assert [[led[s.start:s.end] for s in e.items] for e in enumerations(led) if e.style == "问"] == [
        ["从经济发展上看，龙头企业持续遭受打压，经济下行压力加大", "从空间承载力上看，资源集约利用不够充分",
         "从民生事业上看，公共服务供给还存在短板，等等"]]


def test_quoted_words_the_question_counts() -> None:
    assert Asked.of(parse_query("福田区2021年经济发展创造的四个“历史新高”是什么？")).counted
    assert Asked.of(parse_query("江苏省政府今年加强自身建设有哪五个“着力”？")).counted
    assert not Asked.of(parse_query("南山区应对“0309疫情”时妥善处理了哪几对关系？")).counted


def test_clauses_alike_answer_when_the_question_names_what_they_share() -> None:
    # gzbg_shenzhen_city_2021.txt, gzbg_2026_henan.txt (the last clause runs on past "县城").
    text = ("标题\n办好人民满意的教育。完善教育经费保障体系、校长教师发展体系、教育教学研究体系、监测督导评价体系。\n"
            "完善大城市周边县城、区域重点县城、专业功能县城、重点生态功能区县城差异化支持政策。\n"
            "取得的成绩，是党中央坚强领导的结果，是科学理论指引的结果，是全省人民团结奋斗的结果。\n")
    alike = {e.style: [text[s.start:s.end] for s in e.items] for e in enumerations(text) if e.style.startswith("、")}
    assert alike["、体系"] == ["完善教育经费保障体系", "校长教师发展体系", "教育教学研究体系", "监测督导评价体系"]
    assert alike["、县城"][-1] == "重点生态功能区县城"
    asks = Asked.of(parse_query("深圳2021年办好人民满意的教育，要完善哪几个体系？"))
    found = enumerations(text)
    assert [e.style for e in found if may_answer(e, asks) and e.style.startswith("、")] == ["、体系"]


def test_a_count_read_only_where_one_is_asked() -> None:
    assert Asked.of(parse_query("2008年国务院报告在加大节能减排和环境保护力度上，一条条列了哪些措施？")).count is None
    assert asks_for_list("北京“十五五”规划纲要草案具体部署了哪13项任务举措？")
    assert asks_for_list("2008年推进卫生事业改革和发展，重点抓哪四件事？")
    assert asks_for_list("罗湖2022年政府工作报告里的“一主两区三带”分别指什么？")
    assert not asks_for_list("深圳各区2021年地区生产总值分别是多少")


def test_clauses_after_a_colon_when_the_question_names_what_the_colon_follows() -> None:
    # gzbg_2026_beijing.txt: the year's targets; gzbg_shenzhen_nanshan_2022.txt asks for the year's work, not them.
    text = "标题\n今年经济社会发展主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长4%左右，城镇调查失业率5%以内。\n"
    commas = [e for e in enumerations(text) if e.style == "，目标"]
    assert [[text[s.start:s.end] for s in e.items] for e in commas] == [
        ["地区生产总值增长5%左右", "一般公共预算收入增长4%左右", "城镇调查失业率5%以内"]]
    assert may_answer(commas[0], Asked.of(parse_query("北京市2026年经济社会发展的主要预期目标都有哪些？")))
    assert not may_answer(commas[0], Asked.of(parse_query("南山区2022年政府工作主要安排了哪几方面？")))
    assert asks_for_list("陕西2026年优化三大区域布局、促进城乡融合发展，咋干？")
    assert asks_for_list("河北2026年推动雄安新区高标准高质量建设有啥具体打算？")


def test_terms_before_the_quoted_name_that_counts_them() -> None:
    # gzbg_shenzhen_guangming_2016.txt; gzbg_guowuyuan_1978.txt names four people before a name that counts no list.
    text = ("标题\n回顾过去五年的工作，光明新区始终坚持绿色低碳、园区集聚、大项目带动、自主创新、全民共享“五大发展战略”，"
            "实现了经济总量跨越式发展。\n终于粉碎了王洪文、张春桥、江青、姚文元“四人帮”。\n")
    named = [e for e in enumerations(text) if e.style.startswith("名")]
    assert [e.style for e in named] == ["名五大发展战略"]
    assert [text[s.start:s.end] for s in named[0].items][1:] == ["园区集聚", "大项目带动", "自主创新", "全民共享"]
    assert may_answer(named[0], Asked.of(parse_query("光明新区始终坚持的“五大发展战略”是哪五个？")))
    assert not may_answer(named[0], Asked.of(parse_query("光明新区2015年有哪些发展战略？")))


def test_tasks_asked_as_one_thing_are_several() -> None:
    assert asks_for_list("吉林省2026年统筹生态环境保护、厚植绿色低碳发展底色，重点任务是什么？")
    assert asks_for_list("盐田区2023年旅游、消费、物流“三件大事”都干成了啥？")
    assert not asks_for_list("2023年化解了多少起矛盾纠纷")


def test_sentences_after_one_naming_their_count() -> None:
    # gzbg_shenzhen_pingshan_2024.txt
    text = ("标题\n认真落实“三大工程”。加快推进保障性住房建设工程，全年筹集建设3800套。扎实推进城中村改造工程，坚持拆治并举。"
            "积极稳步推进“平急两用”公共基础设施建设，补齐应急设施短板。\n"
            "抓好“两件大事”。办好民生实事，兜牢底线。推进城市更新，改善人居环境。加强社区治理。\n")
    named = [e for e in enumerations(text) if e.style.startswith("名")]
    assert [e.style for e in named] == ["名三大工程"]  # three sentences follow "两件大事": no list of two
    assert [text[s.start:s.end] for s in named[0].items] == [
        "加快推进保障性住房建设工程", "扎实推进城中村改造工程", "积极稳步推进“平急两用”公共基础设施建设"]


def test_eval_lists_names_the_questions_not_fully_right() -> None:
    from search.eval_lists import CompareScore, ListScore, format_misses

    lines = format_misses([ListScore("L1", 3, 3, 3, 3), ListScore("L2", 2, 3, 3, 2)],
                          [CompareScore("C1", 4, 4, 4, 4), CompareScore("C2", 3, 4, 3, 2)])
    assert [line.split(":")[0] for line in lines] == ["L2", "C2"]


def test_a_counted_name_spelled_out_by_clauses_holding_its_key() -> None:
    """"“六保”是哪六保": the six clauses each holding 保; "“三个突破”，是哪三个": the three holding 突破 after the
    clause quoting the name. A name only mentioned ("揭批“四人帮”中…把哪些整顿好") asks for no such run."""
    assert asks_for_list("2020年国务院政府工作报告提出的“六保”具体是哪六保？")
    assert asks_for_list("四个全面指什么")
    assert not asks_for_list("在哪两年实现的")
    six = Asked.of(parse_query("2020年国务院政府工作报告提出的“六保”具体是哪六保？"))
    assert (six.key, six.count) == ("保", 6)
    text = ("加大“六稳”工作力度，保居民就业、保基本民生、保市场主体、保粮食能源安全、保产业链供应链稳定、保基层运转，"
            "坚定实施扩大内需战略。")
    [run] = keyed_runs(text, six.key, six.count)
    assert [text[s.start:s.end] for s in run.items][::5] == ["保居民就业", "保基层运转"] and may_answer(run, six)
    three = Asked.of(parse_query("深圳市2013年政府工作报告提到2012年主要指标实现了“三个突破”，是哪三个？"))
    text = "主要指标实现“三个突破”，本市生产总值突破2000亿美元，社会消费品零售总额突破4000亿元，人均可支配收入突破4万元。"
    [run] = keyed_runs(text, three.key, three.count)
    assert text[run.items[0].start:run.items[0].end] == "本市生产总值突破2000亿美元"
    assert keyed_runs(text, three.key, 4) == []  # as many as the name counts, no fewer
    assert Asked.of(parse_query("1978年报告要求在揭批“四人帮”中搞好各条战线的整顿，具体要把哪些整顿好？")).key == ""


def test_the_years_tasks_not_its_targets(shared_index_searcher) -> None:
    """"重点工作都有哪些": the section's ten headings, not the targets listed in its opening ("主要预期目标是：…")."""
    result = shared_index_searcher.search("江苏2026年的重点工作都有哪些？请按报告顺序列出。")
    assert result.list is not None and result.list.items[0].text.startswith("不断巩固拓展经济稳中向好势头")
    assert Asked.of(parse_query("江苏2026年经济社会发展的主要预期目标有哪些")).targets


def test_a_counted_name_is_spelled_out_only_when_it_is_what_is_asked() -> None:
    """"在解决“三农”问题上主要抓了哪些" asks the measures, not 农业、农村、农民 (lists_blind14 L027: 0 → 6 of 6)."""
    assert Asked.of(parse_query("2003年国务院政府工作报告回顾过去五年，在解决“三农”问题上主要抓了哪些？")).key == ""
    assert Asked.of(parse_query("2020年政府工作报告里的“六保”是哪六保？")).key == "保"
    assert Asked.of(parse_query("报告提出的“三个突破”，是哪三个？")).key == "突破"


def test_a_heading_is_not_asked_of_for_words_across_de(shared_index_searcher) -> None:
    """"法治政府建设的下一步工作计划": the pair 设的 across 的 made "（一）…加强党对法治政府建设的领导" the item asked of,
    and no list was given (lists_blind15 Y003: 0 → 4 of 4; lists_blind5 M028: 0 → 8 of 8)."""
    result = shared_index_searcher.search("光明区2022年法治政府建设的下一步工作计划分哪几个方面？")
    assert result.list is not None
    assert [i.text for i in result.list.items][0].startswith("坚持学习贯彻习近平法治思想")


def test_a_counted_quoted_name_held_nowhere_near_a_list_rules_it_out() -> None:
    """"四个“历史新高”是什么": four topic sentences that never say 历史新高 are not what is counted (lists_blind6
    P056 once the question's pairs across 的 went)."""
    text = "标题\n（二）经济发展稳中竞进\n创新活力加速迸发。内容一。产业结构持续优化。内容二。消费市场回暖。内容三。\n"
    asked = Asked.of(parse_query("福田区2021年经济发展创造的四个“历史新高”是什么？"))
    grams = {"经济": 1.0, "发展": 1.0, "历史": 2.0, "新高": 2.0}
    assert all(_score(text, e, grams, [], asked) == 0.0 for e in enumerations(text))
    named = ("标题\n（二）经济发展\n实现四个“历史新高”：一是税收创历史新高，增长10%；二是利润创历史新高；"
             "三是投资创历史新高；四是消费创历史新高。\n")
    assert any(_score(named, e, grams, [], asked) > 0.0 for e in enumerations(named))
    # the quote may be the items' numbering, which items read without their markers do not hold (lists_blind15 Y030)
    markers = "标题\n（三）生态\n一要守住底线，加强保护。二要提升质量，加强修复。三要创新机制，加强监管。\n"
    numbered = Asked.of(parse_query("内蒙古2026年在生态安全屏障方面提了哪几个“一要、二要……”？"))
    assert any(_score(markers, e, {"生态": 1.0}, [], numbered) > 0.0 for e in enumerations(markers))
