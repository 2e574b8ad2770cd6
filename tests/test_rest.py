"""The REST API and the MCP server beside the page: a real app.py over the real corpus and model, called over HTTP
and through the `mcp` package's own client."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from helpers import script_llm, scripted_llm, serve_app
from page.auth import AUTH_ENV

pytestmark = pytest.mark.slow

QUESTION = "2023年化解了多少起矛盾纠纷"


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    with scripted_llm() as url:
        yield url


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, llm_url: str) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("rest")
    # The model by environment, as a service file would set it (the page's test gives it by options).
    env = {**os.environ, "POLICY_SEARCH_LLM_URL": llm_url, "POLICY_SEARCH_LLM_MODEL": "echo"}
    with serve_app(workdir, env=env) as url:
        log = (workdir / "app.log").read_text(errors="replace")
        assert f"REST API docs: {url}api/docs" in log and f"MCP server: {url}gradio_api/mcp/" in log
        yield url


def call(url: str, body: dict | None = None, auth: tuple[str, str] | None = None) -> tuple[int, dict | list, dict]:
    """(status, JSON body, headers) of a GET, or of a POST when a body is given."""
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def search_url(base: str, **params: str) -> str:
    return f"{base}api/v1/search?{urllib.parse.urlencode(params)}"


def test_rest_search_answers_as_the_cli_does(app_url: str) -> None:
    status, got, _ = call(search_url(app_url, q=QUESTION, k="3"))
    assert status == 200 and got["confident"] is True and 0.75 <= got["confidence"] <= 1
    assert "化解矛盾26起" in got["results"][0]["text"] and len(got["results"]) <= 3
    assert {"query", "mode", "reason", "note", "conflicts"} <= set(got)
    status, posted, _ = call(app_url + "api/v1/search", {"question": "张店乡有几个人通过了执法证考试", "k": 2})
    assert status == 200 and posted["confident"] and posted["results"][0]["title"].startswith("鲁山县张店乡")
    status, flagged, _ = call(search_url(app_url, q="火星基地建设进展如何"))
    assert status == 200 and flagged["confident"] is False and flagged["reason"]


def test_rest_search_with_compose_adds_the_checked_answer(app_url: str, llm_url: str) -> None:
    status, got, _ = call(app_url + "api/v1/search", {"question": QUESTION})
    assert status == 200 and "composed" not in got  # only when asked for
    status, got, _ = call(app_url + "api/v1/search", {"question": QUESTION, "compose": True})
    assert status == 200 and got["composed"]["checked"] is True and got["composed"]["text"].endswith("[1]")
    script_llm(llm_url, "invent")
    try:
        status, got, _ = call(search_url(app_url, q=QUESTION, compose="true"))
    finally:
        script_llm(llm_url, "echo")
    assert got["composed"]["checked"] is False and got["composed"]["problems"] == 1
    assert "化解矛盾26起" in got["results"][0]["text"]  # the extractive answer is there either way


@pytest.mark.parametrize("params, says", [
    ({"q": " "}, "请输入问题"),
    ({"q": QUESTION, "year": "2023-2020"}, "年份范围"),
    ({"q": QUESTION, "k": "0"}, "请求参数不对"),
])
def test_rest_refuses_bad_input_with_one_chinese_line(app_url: str, params: dict, says: str) -> None:
    status, got, _ = call(search_url(app_url, **params))
    assert status == 400 and says in got["error"] and " / " in got["error"]


def test_rest_lists_the_reports(app_url: str) -> None:
    status, reports, _ = call(app_url + "api/v1/reports")
    assert status == 200 and len(reports) == 1
    assert reports[0]["file"] == "zhangdian_2023.txt" and reports[0]["years"] == [2023]
    assert reports[0]["passages"] > 5 and reports[0]["source"] == "报告文件夹"


def test_the_openapi_docs_are_served_without_a_cdn(app_url: str) -> None:
    status, spec, _ = call(app_url + "api/openapi.json")
    assert status == 200 and {"/api/v1/search", "/api/v1/reports"} <= set(spec["paths"])
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/search"])
    with urllib.request.urlopen(app_url + "api/docs", timeout=30) as response:
        page = response.read().decode()
    assert "swagger" in page.lower() and "cdn." not in page and "unpkg" not in page
    script = next(part.split('"')[1] for part in page.split("src=")[1:] if part.startswith('"'))
    with urllib.request.urlopen(urllib.parse.urljoin(app_url, script), timeout=30) as response:
        assert response.status == 200 and len(response.read()) > 10_000  # the Swagger UI bundle, from the package


def test_an_mcp_client_finds_and_calls_the_search_tool(app_url: str) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def session() -> tuple[list[str], dict, dict]:
        async with streamable_http_client(app_url + "gradio_api/mcp/") as (read, write, _):
            async with ClientSession(read, write) as client:
                await client.initialize()
                tools = (await client.list_tools()).tools
                search = next(t for t in tools if t.name == "search")
                answer = await client.call_tool("search", {"question": QUESTION, "k": 2})
                assert not answer.isError, answer.content
                return [t.name for t in tools], search.inputSchema, _payload(answer.content[0].text)

    names, schema, answer = asyncio.run(session())
    assert names == ["search"]  # uploads stay with the page and the Gradio API
    assert {"question", "k", "year"} <= set(schema["properties"])
    assert answer["confident"] is True and "化解矛盾26起" in answer["results"][0]["text"]
    assert answer["results"][0]["title"].startswith("鲁山县张店乡")  # the citation travels with the text


def _payload(text: str) -> dict:
    """Gradio's MCP tool returns the endpoint's dict as text (JSON, or a Python literal in some versions)."""
    import ast

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return ast.literal_eval(text)


@pytest.fixture(scope="module")
def login_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("rest-login")
    with serve_app(workdir, env={**os.environ, AUTH_ENV: "reader:pw-1"}) as url:
        yield url


def test_without_a_local_model_compose_is_refused_with_a_reason(login_url: str) -> None:
    # before the brake test below, whose wrong passwords lock this client out for a while
    status, got, _ = call(login_url + "api/v1/search", {"question": QUESTION, "compose": True}, auth=("reader", "pw-1"))
    assert status == 400 and "--llm-url" in got["error"]


def test_with_logins_rest_takes_http_basic_and_brakes_wrong_passwords(login_url: str) -> None:
    status, got, headers = call(search_url(login_url, q=QUESTION))
    assert status == 401 and "需要用户名和密码" in got["error"] and headers["www-authenticate"] == "Basic"
    status, got, _ = call(search_url(login_url, q=QUESTION), auth=("reader", "pw-1"))
    assert status == 200 and got["confident"] is True
    assert [call(login_url + "api/v1/reports", auth=("reader", "wrong"))[0] for _ in range(5)] == [401] * 5
    status, got, headers = call(login_url + "api/v1/reports", auth=("reader", "pw-1"))  # braked now, even right
    assert status == 429 and int(headers["retry-after"]) >= 1 and "登录失败次数过多" in got["error"]


def test_with_logins_the_mcp_server_is_off(login_url: str) -> None:
    # Gradio's MCP tools call the page's API, which the login refuses; off rather than broken.
    request = urllib.request.Request(login_url + "gradio_api/mcp/", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code in (401, 404)


def gradio_call(base: str, endpoint: str, data: list) -> tuple[str, object]:
    """A raw call of a named Gradio endpoint (POST, then read its event stream): (event, data)."""
    status, started, _ = call(f"{base}gradio_api/call/{endpoint}", {"data": data})
    assert status == 200, started
    with urllib.request.urlopen(f"{base}gradio_api/call/{endpoint}/{started['event_id']}", timeout=120) as stream:
        lines = stream.read().decode("utf-8").splitlines()
    event = next(line.split(": ", 1)[1] for line in lines if line.startswith("event: "))
    return event, json.loads(next(line.split(": ", 1)[1] for line in lines if line.startswith("data: ")))


def test_the_upload_api_adds_no_file_that_was_not_uploaded(app_url: str, tmp_path) -> None:
    # A path on the server named in the call ("/etc/…", a report in another folder) is refused by Gradio's own check,
    # which serving the page beside the REST API must keep on (page/server.py).
    secret = tmp_path / "内部文件.txt"
    secret.write_text("内部文件\n一、内容\n不应被检索到的内部数字12345。\n", encoding="utf-8")
    event, data = gradio_call(app_url, "upload", [[{"path": str(secret), "meta": {"_type": "gradio.FileData"}}]])
    assert event == "error" and "not uploaded" in data["error"]
    assert len(call(app_url + "api/v1/reports")[1]) == 1


def test_a_malformed_gradio_call_says_what_is_wrong(app_url: str) -> None:
    event, data = gradio_call(app_url, "search", [QUESTION, 5])  # 2 of the 7 inputs
    assert event == "error" and data["error"] and "input" in data["error"]  # not {"error": null}
    event, data = gradio_call(app_url, "search", [QUESTION, 5, "", "2023-2020", "", "", ""])
    assert event == "error" and "年份范围" in data["error"]
