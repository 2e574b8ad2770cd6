"""The optional local model: the chat-completions exchange over real HTTP with a scripted server (tests/llm_server.py:
no model weights can be installed here), and the check of what a model writes against the passages it cites."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from helpers import free_port, run_cli, scripted_llm
from index.errors import UserError
from search.compose import ClaimKind, Evidence, Support, check, claims_in, compose, split_sentences, visible
from search.eval_compose import evaluate
from search.llm import Failure, LLMConfig, LLMError, llm_config, stream_chat
from search.present import composed_json, composed_text

QUESTION = "2023年化解了多少起矛盾纠纷？"
PASSAGE = ("鲁山县张店乡人民政府关于2023年法治政府建设情况的报告\n乡村建设人民调解中心，2023年化解矛盾26起，"
           "开展普法宣传三十六场，覆盖1.2万人次。2023年3月15日召开专题会议，由王建国同志主持。")
OTHER = "另一份报告\n执法证考试通过率100%，共12人参加，投入资金3.5亿元。"


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    with scripted_llm() as url:
        yield url


def chat(url: str, model: str, timeout: float = 10.0, key: str = "") -> tuple[str, LLMError | None]:
    text = ""
    try:
        for delta in stream_chat(LLMConfig(url, model, key, timeout), [{"role": "user", "content": "[1]《题》\n共26起。"}]):
            text += delta
    except LLMError as problem:
        return text, problem
    return text, None


def received(url: str) -> list[dict]:
    with urllib.request.urlopen(url.removesuffix("/v1") + "/requests", timeout=10) as response:
        return json.loads(response.read())


# ---------------------------------------------------------------------------------------- the protocol


def test_a_streamed_answer_arrives_in_pieces_and_the_request_is_the_protocols(llm_url: str) -> None:
    text, problem = chat(llm_url, "echo", key="sk-local")
    assert problem is None and text == "共26起[1]。"
    last = received(llm_url)[-1]
    assert last["path"] == "/v1/chat/completions"
    assert last["auth"] == "Bearer sk-local"
    assert last["body"]["model"] == "echo" and last["body"]["stream"] is True
    assert last["body"]["messages"][0]["role"] == "user"


@pytest.mark.parametrize("model, failure", [
    ("cut", Failure.INTERRUPTED), ("malformed", Failure.MALFORMED), ("length", Failure.TRUNCATED),
    ("no-such-model", Failure.REFUSED)])
def test_each_way_a_stream_goes_wrong_is_told_apart(llm_url: str, model: str, failure: Failure) -> None:
    text, problem = chat(llm_url, model)
    assert problem is not None and problem.failure is failure
    if model == "no-such-model":
        assert "not found" in problem.detail  # the server's own message, for the log
    if model == "cut":
        assert 0 < len(text) < len("共26起[1]。")  # what did arrive is kept


@pytest.mark.parametrize("model, failure, says", [
    ("llamacpp-error", Failure.REFUSED, "context size exceeded"), ("vllm-error", Failure.REFUSED, "out of memory"),
    ("nodelta", Failure.MALFORMED, "delta"), ("binary500", Failure.REFUSED, "HTTP 500")])
def test_servers_own_ways_of_failing_are_caught_not_raised(llm_url: str, model: str, failure: Failure,
                                                          says: str) -> None:
    _, problem = chat(llm_url, model)
    assert problem is not None and problem.failure is failure and says in problem.detail


@pytest.mark.parametrize("model", ["ping", "open", "parts"])
def test_keep_alives_an_open_connection_after_the_finish_and_content_parts_are_fine(llm_url: str, model: str) -> None:
    assert chat(llm_url, model, timeout=5.0) == ("共26起[1]。", None)  # "open" would time out if read to the end


def test_a_silent_server_times_out(llm_url: str) -> None:
    text, problem = chat(llm_url, "slow", timeout=1.0)
    assert problem is not None and problem.failure is Failure.TIMEOUT
    assert text  # the first words came before the silence


def test_no_server_at_the_address_is_unreachable() -> None:
    _, problem = chat(f"http://127.0.0.1:{free_port()}/v1", "echo", timeout=2.0)
    assert problem is not None and problem.failure is Failure.UNREACHABLE


def test_a_server_that_ignores_streaming_and_reasoning_models_are_understood(llm_url: str) -> None:
    assert chat(llm_url, "whole") == ("共26起[1]。", None)
    assert chat(llm_url, "reasoning") == ("共26起[1]。", None)  # reasoning_content is not the answer
    text, problem = chat(llm_url, "think")
    assert problem is None and visible(text) == "共26起[1]。"  # <think>…</think> is not shown or checked
    text, problem = chat(llm_url, "closethink")
    assert problem is None and visible(text) == "共26起[1]。"  # the template opened <think>; only its end came


@pytest.mark.parametrize("given, endpoint", [
    ("http://127.0.0.1:11434", "http://127.0.0.1:11434/v1/chat/completions"),
    ("http://127.0.0.1:11434/v1/", "http://127.0.0.1:11434/v1/chat/completions"),
    ("http://gw.local/openai/v1/chat/completions", "http://gw.local/openai/v1/chat/completions")])
def test_the_address_may_be_given_with_or_without_its_path(given: str, endpoint: str) -> None:
    assert LLMConfig(given, "m").endpoint == endpoint


def test_the_configuration_comes_from_options_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICY_SEARCH_LLM_URL", raising=False)
    assert llm_config() is None  # off by default
    monkeypatch.setenv("POLICY_SEARCH_LLM_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("POLICY_SEARCH_LLM_MODEL", "Qwen/Qwen2.5-7B-Instruct")
    monkeypatch.setenv("POLICY_SEARCH_LLM_KEY", "token")
    assert llm_config() == LLMConfig("http://127.0.0.1:8000/v1", "Qwen/Qwen2.5-7B-Instruct", "token", 60.0)
    assert llm_config(model="qwen2.5:7b", timeout="5").model == "qwen2.5:7b"
    monkeypatch.delenv("POLICY_SEARCH_LLM_MODEL")
    with pytest.raises(UserError, match="--llm-model"):
        llm_config()
    for url, timeout, key in (("127.0.0.1:11434", None, ""), ("http://x", "soon", ""), ("http://x", "0", ""),
                              ("http://h:1:2/v1", None, ""), ("http://x", None, "密钥"), ("http://x", None, "a b")):
        with pytest.raises(UserError):
            llm_config(url, "m", key, timeout=timeout)


# ---------------------------------------------------------------------------------------- the check


def checked(text: str):
    return check(text, [Evidence.of_text(PASSAGE), Evidence.of_text(OTHER)])


def supports(text: str) -> list[tuple[str, ClaimKind, Support]]:
    return [(c.text, c.kind, c.support) for s in checked(text).sentences for c in s.claims]


def test_figures_written_as_the_passage_writes_them_or_in_other_numerals_are_supported() -> None:
    composed = checked("2023年化解矛盾26起，开展普法宣传36场[1]。覆盖12000人次[1]；2023年3月15日召开会议[1]。")
    assert composed.checked, [(c.text, c.support) for s in composed.sentences for c in s.claims]
    assert supports("共十二人参加，投入3.5亿元[2]。") == [("十二人", ClaimKind.NUMBER, Support.CITED),
                                                     ("3.5亿元", ClaimKind.NUMBER, Support.CITED)]


def test_an_invented_or_changed_figure_date_or_name_is_marked() -> None:
    for text, claim in (("2023年化解矛盾27起[1]。", "27起"), ("覆盖1.2亿人次[1]。", "1.2亿人次"),
                        ("开展普法宣传36次[1]。", "36次"),  # the passage's 36 counts 场, not 次
                        ("2023年4月15日召开会议[1]。", "2023年4月15日"), ("2021年化解矛盾26起[1]。", "2021年"),
                        ("会议由李明同志主持[1]。", "李明"), ("宝安区化解矛盾26起[1]。", "宝安区")):
        composed = checked(text)
        wrong = [c for s in composed.sentences for c in s.claims if c.support is not Support.CITED]
        assert [c.text for c in wrong] == [claim], text
        assert wrong[0].support is Support.ABSENT and not composed.checked


def test_a_citation_that_does_not_hold_the_claim_is_marked_with_where_it_is() -> None:
    composed = checked("执法证考试通过率100%[1]。")
    claim = composed.sentences[0].claims[0]
    assert (claim.text, claim.support, claim.found_in) == ("100%", Support.UNCITED, (2,))
    assert "所引段落中没有，见段落[2]" in composed_text(composed)
    assert checked("化解矛盾26起[7]。").sentences[0].wrong_cites == (7,)  # there is no passage 7
    uncited = checked("化解矛盾26起。")
    assert uncited.problems == 1 and uncited.sentences[0].claims[0].support is Support.UNCITED


@pytest.mark.parametrize("text, claim", [
    ("2023年化解矛盾五起[1]。", "五起"),                 # one Chinese numeral with its unit
    ("覆盖三成人次[1]。", "三成"),
    ("建成美丽庭院380余户[1]。", "380余户"),             # 余 between figure and unit keeps the unit
    ("覆盖1.2人次[1]。", "1.2人次"),                     # 万 dropped: 1.2 is not 1.2万
    ("2023年3月5日召开专题会议[1]。", "2023年3月5日"),
    ("会议于3月1日召开[1]。", "3月1日"),                 # not inside 3月15日
    ("由县公安局王建国同志主持[1]。", "县公安局"),       # an organisation the passage does not name
    ("落实十三五规划，化解矛盾26起[1]。", "十三五"),
])
def test_review_found_holes_are_closed(text: str, claim: str) -> None:
    wrong = [c.text for s in checked(text).sentences for c in s.claims if c.support is not Support.CITED]
    assert claim in wrong, (text, wrong)


def test_a_year_only_in_the_reports_title_does_not_support_a_figures_year() -> None:
    evidence = [Evidence.of_text("全年新开通地铁线路3条。", title="2026年北京市政府工作报告")]
    assert check("2026年北京开通地铁新线3条[1]。", evidence).problems == 1
    assert check("北京市开通地铁线路3条[1]。", evidence).checked  # the title still names the place


def test_full_width_figures_and_other_citation_forms_are_read() -> None:
    evidence = [Evidence.of_text("2023年3月15日，增长5.4％，共26起。"), Evidence.of_text("另有12人。")]
    assert check("２０２３年３月１５日，增长5.4%，共26起[1-2]。另有12人[^2]。", evidence).checked
    assert check("增长5.4％，共26起【1】。", evidence).checked


def test_a_sentence_without_a_citation_is_a_problem_unless_it_says_there_is_no_answer() -> None:
    assert checked("法治建设成效显著。").problems == 1
    assert checked("所给段落中没有找到答案。").checked


def test_marks_after_the_full_stop_belong_to_the_sentence_before() -> None:
    assert split_sentences("化解矛盾26起。[1][2]开展普法宣传三十六场。[1]") == ["化解矛盾26起。[1][2]", "开展普法宣传三十六场。[1]"]
    assert checked("化解矛盾26起。[1] 投入资金3.5亿元。[2]").checked


def test_plan_periods_and_list_ordinals_are_not_figures() -> None:
    text = "一是落实“十四五”规划，二是开展普法，第一责任人"
    kinds = [(text[a:b], kind) for (a, b), kind in claims_in(text)]
    assert all(kind is not ClaimKind.NUMBER for _, kind in kinds), kinds


def test_the_json_says_what_was_checked() -> None:
    data = composed_json(checked("2023年化解矛盾27起[1]。"))
    assert data["checked"] is False and data["status"] == "warn" and data["problems"] == 1
    assert data["text"] == "2023年化解矛盾27起。[1]"
    assert {"text": "27起", "kind": "数字", "supported": False, "found_in": []} in data["sentences"][0]["claims"]


# ---------------------------------------------------------------------------------------- end to end


@pytest.mark.parametrize("model, failure, problems", [
    ("echo", None, 0), ("invent", None, 1), ("miscite", None, 1), ("think", None, 0),
    ("cut", Failure.INTERRUPTED, 0), ("malformed", Failure.MALFORMED, 0)])
def test_a_composed_answer_over_real_search_results(seed_searcher, llm_url: str, model: str,
                                                    failure: Failure | None, problems: int) -> None:
    result = seed_searcher.search(QUESTION, k=5)
    steps = list(compose(LLMConfig(llm_url, model, timeout=10), result.query.text, result.hits))
    last = steps[-1]
    assert all(not s.done for s in steps[:-1]) and last.done
    assert last.failure is failure and last.problems == problems
    assert last.checked == (failure is None and problems == 0)
    sent = received(llm_url)[-1]["body"]["messages"]
    assert "[1]《" in sent[1]["content"] and "[1]" in sent[0]["content"]  # numbered passages; asked to cite


def test_every_wrong_completion_made_from_the_seed_passages_is_caught(seed_searcher) -> None:
    counts = evaluate(seed_searcher, [QUESTION, "张店乡有几个人通过了执法证考试", "2023年开展普法宣传多少次",
                                      "张店乡2024年的工作打算"])
    wrong = sum(v for (_, must, _), v in counts.items() if must)
    caught = sum(v for (_, must, hit), v in counts.items() if must and hit)
    faithful = sum(v for (_, must, _), v in counts.items() if not must)
    flagged = sum(v for (_, must, hit), v in counts.items() if not must and hit)
    assert wrong >= 20 and caught == wrong
    assert faithful >= 8 and flagged == 0


def test_the_command_line_writes_a_checked_answer(seed_index, llm_url: str) -> None:
    # One process (each loads the model): two questions on stdin, one JSON line each; the text form is
    # present.composed_text, tested above.
    proc = run_cli("search", "--index", str(seed_index), "--json", "--llm-url", llm_url, "--llm-model", "invent",
                   stdin=f"{QUESTION}\n找相近的表述：坚持依法行政\n")
    assert proc.returncode == 0, proc.stderr
    answered, wording = (json.loads(line) for line in proc.stdout.splitlines())
    assert answered["results"][0]["answer_span_text"] and answered["composed"]["checked"] is False
    assert answered["composed"]["problems"] == 1 and answered["composed"]["status"] == "warn"
    assert wording["mode"] == "wording" and wording["composed"] is None  # nothing to write for a wording request
