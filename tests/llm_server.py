"""A stand-in for a local model server (Ollama, vLLM): the OpenAI chat-completions protocol over real HTTP with
server-sent events, answering from the passages it is sent by a script the model name chooses. No model weights
can be installed on these machines; everything else in the exchange is real.

    python tests/llm_server.py PORT        then POST http://127.0.0.1:PORT/v1/chat/completions

Models: echo (copies a sentence with a figure from passage [1], cited [1]), invent (the same with the figure
changed), miscite (passage [1]'s sentence cited as [2]), think (reasoning first, then echo), whole (no streaming:
one JSON completion), cut (the stream stops mid-answer), slow (silent after the first words), malformed (a chunk
that is not JSON), length (stops at max_tokens), reasoning (vLLM's reasoning_content, then echo), ping (keep-alive
comments first), open (finishes but leaves the connection open, no [DONE]), closethink (thoughts whose <think> the
template opened, then echo), parts (content as a list of text parts), llamacpp-error ("error:" line mid-stream),
vllm-error ({"object": "error"} chunk), nodelta (a delta that is not an object), binary500 (HTTP 500, body not
UTF-8). Any other model name: 404 as Ollama answers. GET /requests lists what was received; POST /script {"model": NAME} makes every
later request behave as model NAME whatever it asks for (a page started with one --llm-model tries them all).
"""
from __future__ import annotations

import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECEIVED: list[dict] = []
SCRIPT: dict[str, str] = {}  # "model": the behaviour that overrides the model asked for
_PASSAGE = re.compile(r"^\[(\d+)\]《[^》]*》\n(.*?)(?=\n\n\[\d+\]《|\Z)", re.S | re.M)


def passages(request: dict) -> dict[int, str]:
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    return {int(n): text for n, text in _PASSAGE.findall(user)}


def sentence_with_figure(text: str) -> str:
    for sentence in re.findall(r"[^。！？\n]+[。！？]?", text):
        if re.search(r"\d", sentence):
            return sentence.strip().rstrip("。")
    return text.strip().split("。")[0]


def changed(sentence: str) -> str:
    """The same sentence with its first figure one larger: an invented number."""
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1), sentence, count=1)


def script(model: str, request: dict) -> list[str]:
    found = passages(request)
    first = sentence_with_figure(found.get(1, ""))
    if model == "invent":
        return _pieces(f"{changed(first)}[1]。")
    if model == "miscite":
        return _pieces(f"{first}[2]。")
    if model == "think":
        return _pieces(f"<think>用户问的是2099年的情况，共999起。</think>{first}[1]。")
    if model == "closethink":
        return _pieces(f"用户问的是2099年的情况，共999起。</think>{first}[1]。")
    return _pieces(f"{first}[1]。")


def _pieces(text: str, size: int = 2) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def chunk(text: str | None = None, finish: str | None = None, reasoning: str | None = None) -> bytes:
    delta = {} if text is None and reasoning is None else {"role": "assistant"}
    if text is not None:
        delta["content"] = text
    if reasoning is not None:
        delta["reasoning_content"] = reasoning
    body = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()), "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._send(200, json.dumps(RECEIVED, ensure_ascii=False).encode(), "application/json")

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/script":
            SCRIPT.update(request)
            self._send(200, b"{}", "application/json")
            return
        RECEIVED.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": request})
        model = SCRIPT.get("model") or request.get("model", "")
        if model == "whole":
            answer = "".join(script("echo", request))
            body = {"id": "c", "object": "chat.completion", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}]}
            self._send(200, json.dumps(body, ensure_ascii=False).encode(), "application/json")
            return
        if model == "binary500":
            self._send(500, b"\xff\xfe internal \xc3", "text/plain")
            return
        if model not in ("echo", "invent", "miscite", "think", "cut", "slow", "malformed", "length", "reasoning",
                         "ping", "open", "closethink", "parts", "llamacpp-error", "vllm-error", "nodelta"):
            self._send(404, json.dumps({"error": {"message": f"model '{model}' not found"}}).encode(),
                       "application/json")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        pieces = script(model, request)
        if model == "reasoning":
            self._write(chunk(reasoning="先想一想：2099年。"))
        if model == "ping":
            self._write(b": ping\n\n: ping\n\n")
        for n, piece in enumerate(pieces):
            if model == "llamacpp-error" and n == 2:
                self._write(b'error: {"code": 500, "message": "context size exceeded"}\n\n')
                return
            if model == "vllm-error" and n == 2:
                self._write(b'data: {"object": "error", "message": "out of memory", "code": 500}\n\n')
                return
            if model == "nodelta" and n == 2:
                self._write(b'data: {"choices": [{"index": 0, "delta": "x", "finish_reason": null}]}\n\n')
                return
            if model == "parts":
                body = {"choices": [{"index": 0, "delta": {"content": [{"type": "text", "text": piece}]},
                                     "finish_reason": None}]}
                self._write(f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode())
                continue
            if model == "cut" and n == len(pieces) // 2:
                return  # the connection closes mid-answer
            if model == "slow" and n == 2:
                time.sleep(30)
                return
            if model == "malformed" and n == 2:
                self._write(b'data: {"choices": [{"delta": {"content": "\xe5\x8f\x91\n\n')
                return
            self._write(chunk(piece))
        self._write(chunk(finish="length" if model == "length" else "stop"))
        if model == "open":
            time.sleep(30)  # no [DONE], connection open: the answer is complete all the same
            return
        self._write(b"data: [DONE]\n\n")

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()
