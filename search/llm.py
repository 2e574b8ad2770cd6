"""An optional local language model, spoken to over the OpenAI chat-completions protocol with streaming: what
Ollama (http://host:11434/v1), vLLM (http://host:8000/v1), llama.cpp's server and OpenAI-compatible gateways
serve. Off unless a URL is given (--llm-url or POLICY_SEARCH_LLM_URL). This module only talks the protocol;
search/compose.py decides what is asked and checks what comes back."""
from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

import httpx

from index.errors import UserError

URL_ENV, MODEL_ENV, KEY_ENV, TIMEOUT_ENV = ("POLICY_SEARCH_LLM_URL", "POLICY_SEARCH_LLM_MODEL", "POLICY_SEARCH_LLM_KEY",
                                            "POLICY_SEARCH_LLM_TIMEOUT")
DEFAULT_TIMEOUT = 60.0  # seconds a server may stay silent: a 7B model on a CPU takes ~20 s to its first token
CONNECT_TIMEOUT = 10.0
MAX_SECONDS = 300.0     # a whole answer, however steadily it trickles in
MAX_TOKENS = 800        # a short answer in Chinese is 100-300 tokens; a reasoning model thinks first
CHAT_PATH = "/chat/completions"


class Failure(str, Enum):
    """How a generation went wrong (compose.FAILURES says it in words)."""
    UNREACHABLE = "unreachable"    # no server at the URL
    REFUSED = "refused"            # the server answered with an HTTP error (wrong model name, key)
    TIMEOUT = "timeout"            # silent longer than the timeout, or longer than MAX_SECONDS in all
    INTERRUPTED = "interrupted"    # the stream ended before the model said it had finished
    MALFORMED = "malformed"        # not the protocol: JSON that does not parse or has no choices
    TRUNCATED = "truncated"        # the model stopped at MAX_TOKENS
    EMPTY = "empty"                # the model finished without saying anything


class LLMError(Exception):
    def __init__(self, failure: Failure, detail: str = "") -> None:
        super().__init__(f"{failure.value}: {detail}" if detail else failure.value)
        self.failure, self.detail = failure, detail


@dataclass(frozen=True)
class LLMConfig:
    url: str                          # the server's base address, e.g. http://127.0.0.1:11434/v1
    model: str                        # e.g. qwen2.5:7b (Ollama), Qwen/Qwen2.5-7B-Instruct (vLLM)
    key: str = ""                     # sent as "Authorization: Bearer …" when set
    timeout: float = DEFAULT_TIMEOUT

    @property
    def endpoint(self) -> str:
        """People give the base (…/v1), the bare server (…:11434) or the whole endpoint; all mean the same."""
        url = self.url.rstrip("/")
        if url.endswith(CHAT_PATH):
            return url
        return url + CHAT_PATH if url.endswith("/v1") else url + "/v1" + CHAT_PATH


def llm_config(url: str | None = None, model: str | None = None, key: str | None = None,
               timeout: str | float | None = None) -> LLMConfig | None:
    """Options first, then the environment; None when no URL is given (the LLM is off)."""
    url = (url or os.environ.get(URL_ENV) or "").strip()
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise UserError(f"模型服务地址应以 http:// 或 https:// 开头：{url} / The LLM URL must start with http:// or https://")
    model = (model or os.environ.get(MODEL_ENV) or "").strip()
    if not model:
        raise UserError(f"已给出模型服务地址，还需要模型名称：--llm-model 或环境变量 {MODEL_ENV}（如 qwen2.5:7b） / "
                        f"With an LLM URL, name the model too: --llm-model or {MODEL_ENV}")
    try:
        httpx.URL(url).port  # noqa: B018 - parsing is the check ("http://host:1:2" has no port)
    except (httpx.InvalidURL, ValueError):
        raise UserError(f"模型服务地址格式不对：{url} / The LLM URL is not a valid address") from None
    key = (key or os.environ.get(KEY_ENV) or "").strip()
    if not key.isascii() or any(c.isspace() for c in key):
        raise UserError("密钥只能包含英文字母、数字和符号，不能有空格 / The LLM key must be ASCII with no spaces")
    raw_timeout = timeout if timeout is not None else os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT
    try:
        seconds = float(raw_timeout)
    except ValueError:
        raise UserError(f"超时应为秒数：{raw_timeout} / The LLM timeout is a number of seconds") from None
    if seconds <= 0:
        raise UserError(f"超时应大于 0 秒：{seconds} / The LLM timeout must be more than 0 seconds")
    return LLMConfig(url, model, key, seconds)


def add_llm_options(parser: argparse.ArgumentParser) -> None:
    """--llm-url and friends, the same for the page and the command line."""
    group = parser.add_argument_group("本地大模型（可选）/ local LLM (optional)")
    group.add_argument("--llm-url", metavar="URL", default=None,
                       help=f"OpenAI 兼容的模型服务地址，如 Ollama http://127.0.0.1:11434/v1 、vLLM http://127.0.0.1:8000/v1；"
                            f"不给则不用大模型（也可用环境变量 {URL_ENV}）/ an OpenAI-compatible server; off when not given")
    group.add_argument("--llm-model", metavar="NAME", default=None,
                       help=f"模型名称，如 qwen2.5:7b（或 {MODEL_ENV}）/ the model's name")
    group.add_argument("--llm-key", metavar="KEY", default=None,
                       help=f"密钥（或 {KEY_ENV}；本机服务通常不需要）/ API key, if the server wants one")
    group.add_argument("--llm-timeout", metavar="SECONDS", default=None,
                       help=f"模型多久没有输出算超时（默认 {DEFAULT_TIMEOUT:g} 秒，或 {TIMEOUT_ENV}）/ "
                            f"seconds of silence before giving up (default {DEFAULT_TIMEOUT:g})")


def stream_chat(config: LLMConfig, messages: list[dict[str, str]]) -> Iterator[str]:
    """The answer's text as it arrives. Raises LLMError for every way the exchange can go wrong, after yielding
    what did arrive; a model's hidden reasoning (vLLM's and DeepSeek's reasoning_content) is not yielded."""
    headers = {"Accept": "text/event-stream"}
    if config.key:
        headers["Authorization"] = f"Bearer {config.key}"
    body = {"model": config.model, "messages": messages, "stream": True, "temperature": 0, "max_tokens": MAX_TOKENS}
    timeout = httpx.Timeout(config.timeout, connect=min(CONNECT_TIMEOUT, config.timeout))
    deadline = time.monotonic() + MAX_SECONDS
    try:
        with httpx.Client(timeout=timeout, trust_env=False) as client, \
                client.stream("POST", config.endpoint, json=body, headers=headers) as response:
            if response.status_code >= 400:
                raise LLMError(Failure.REFUSED, f"HTTP {response.status_code} {_error_text(response)}")
            if "text/event-stream" not in response.headers.get("content-type", ""):
                yield from _whole_answer(response)  # a server that ignores "stream": one JSON completion
                return
            yield from _deltas(response.iter_lines(), deadline)
    except httpx.TimeoutException as problem:
        raise LLMError(Failure.TIMEOUT, f"{config.timeout:g} s") from problem
    except (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.InvalidURL) as problem:
        raise LLMError(Failure.UNREACHABLE, str(problem)) from problem
    except httpx.DecodingError as problem:
        raise LLMError(Failure.MALFORMED, str(problem)) from problem
    except httpx.HTTPError as problem:  # the connection broke: RemoteProtocolError, ReadError, …
        raise LLMError(Failure.INTERRUPTED, str(problem)) from problem


def _deltas(lines: Iterator[str], deadline: float) -> Iterator[str]:
    """Server-sent events: "data: {chunk}" lines up to "data: [DONE]" or a finish_reason. Keep-alive comments and
    reasoning count against the deadline too: a server may stay busy without ever answering."""
    for line in lines:
        if time.monotonic() > deadline:
            raise LLMError(Failure.TIMEOUT, f"> {MAX_SECONDS:.0f} s")
        if line.startswith("error:"):  # llama.cpp's server reports a failure mid-stream this way
            raise LLMError(Failure.REFUSED, line[6:].strip()[:200])
        if not line.startswith("data:"):
            continue  # comments (": ping"), event names, blank separators
        data = line[5:].strip()
        if data == "[DONE]":
            return
        chunk = _parse(data)
        if "error" in chunk or chunk.get("object") == "error":  # OpenAI-style, and vLLM's error object
            raise LLMError(Failure.REFUSED, str(chunk.get("error") or chunk.get("message"))[:200])
        choice = _first_choice(chunk)
        delta = choice.get("delta") or {}
        if not isinstance(delta, dict):
            raise LLMError(Failure.MALFORMED, f"delta: {str(delta)[:80]}")
        if text := _text(delta.get("content")):
            yield text
        reason = choice.get("finish_reason")
        if reason == "length":
            raise LLMError(Failure.TRUNCATED, f"max_tokens={MAX_TOKENS}")
        if reason:
            return  # some servers leave the connection open, or close it without [DONE], after the last chunk
    raise LLMError(Failure.INTERRUPTED, "stream ended before [DONE]")


def _text(content: object) -> str:
    """A delta's or message's content: a string, or (some gateways) a list of {"type": "text", "text": …} parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) and isinstance(p.get("text", ""), str) for p in content):
        return "".join(p.get("text", "") for p in content)
    raise LLMError(Failure.MALFORMED, f"content: {str(content)[:80]}")


def _parse(data: str) -> dict:
    try:
        chunk = json.loads(data)
    except json.JSONDecodeError:
        raise LLMError(Failure.MALFORMED, data[:120]) from None
    if not isinstance(chunk, dict):
        raise LLMError(Failure.MALFORMED, data[:120])
    return chunk


def _first_choice(chunk: dict) -> dict:
    choices = chunk.get("choices")
    if not isinstance(choices, list):
        raise LLMError(Failure.MALFORMED, "no choices: " + json.dumps(chunk, ensure_ascii=False)[:120])
    if not choices:
        return {}  # a usage-only chunk (stream_options.include_usage) comes with choices: []
    if not isinstance(choices[0], dict):
        raise LLMError(Failure.MALFORMED, "choice is not an object")
    return choices[0]


def _whole_answer(response: httpx.Response) -> Iterator[str]:
    response.read()
    choice = _first_choice(_parse(response.content.decode("utf-8", "replace")))
    message = choice.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("content"), (str, list)):
        raise LLMError(Failure.MALFORMED, "no message content")
    yield _text(message["content"])
    if choice.get("finish_reason") == "length":
        raise LLMError(Failure.TRUNCATED, f"max_tokens={MAX_TOKENS}")


def _error_text(response: httpx.Response) -> str:
    response.read()
    text = response.content.decode("utf-8", "replace")
    try:
        error = json.loads(text).get("error", "")
        return str(error.get("message", error) if isinstance(error, dict) else error)[:200]
    except (json.JSONDecodeError, AttributeError):
        return text[:200]
