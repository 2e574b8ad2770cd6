"""The REST API beside the page, for Dify, MaxKB, RAGFlow or an agent that wants an exactly-cited retriever: the same
search as the page and `python -m search --json`, and the list of reports. OpenAPI docs at /api/docs are served from
the installed package (fastapi-offline), not a CDN: offices are offline. With logins, every call needs HTTP Basic
with the same users, and wrong passwords meet the same brake as the page's login."""
from __future__ import annotations

import logging
import secrets
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field

from index.errors import UserError
from page.auth import Login, LoginBrake
from page.library import Library
from page.render import source_label, years_label
from page.wiring import ENTER_QUESTION, FRIENDLY_ERROR, make_filters, parse_mode, run_search
from search.compose import composed_answer
from search.llm import LLMConfig
from search.present import composed_json, result_json

log = logging.getLogger("policy_search.app")
PREFIX = "/api/v1"
DOCS = "/api/docs"
OPENAPI = "/api/openapi.json"
MAX_K = 50
NO_LLM = "服务启动时没有配置本地大模型（--llm-url） / No local model is configured (start with --llm-url)"


class SearchRequest(BaseModel):
    question: str = Field(..., description="问题或找表述的请求 / the question or wording request",
                          examples=["2023年化解了多少起矛盾纠纷？"])
    k: int = Field(5, ge=1, le=MAX_K, description="返回的段落数 / passages returned")
    mode: str = Field("", description="answer/wording（或 问答/找表述）；留空由问题决定 / empty: the question decides")
    year: str = Field("", description="2023 或 2020-2023 / a year or a range")
    body: str = Field("", description="发文机关 / issuing body")
    genre: str = Field("", description="报告类型 / report type")
    report: str = Field("", description="报告文件名或路径 / a report's file name or path")
    compose: bool = Field(False, description="同时请本地大模型归纳（需以 --llm-url 启动），结果在 composed 中 / also have the "
                                             "local model write a checked answer (server started with --llm-url)")


def rest_api(library: Library, logins: list[Login], llm: LLMConfig | None = None) -> FastAPI:
    """The API's routes on their own FastAPI app; page/server.py mounts the page beside them."""
    api = FastAPIOffline(title="policy-search", version="1", docs_url=DOCS, openapi_url=OPENAPI, redoc_url=None,
                         description="政策报告检索接口：与网页和命令行相同的检索，每条结果带出处。 / "
                                     "The page's search, every result with its citation.")
    guard = _basic_auth(logins)

    @api.exception_handler(UserError)
    async def user_error(_: Request, problem: UserError) -> JSONResponse:
        return JSONResponse({"error": str(problem)}, status_code=400)

    @api.exception_handler(HTTPException)
    async def refused(_: Request, problem: HTTPException) -> JSONResponse:
        return JSONResponse({"error": problem.detail}, status_code=problem.status_code, headers=problem.headers)

    @api.exception_handler(RequestValidationError)
    async def malformed(_: Request, problem: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in problem.errors())
        return JSONResponse({"error": f"请求参数不对 / Bad request: {where}"}, status_code=400)

    @api.get(f"{PREFIX}/search", dependencies=[Depends(guard)], summary="检索 / search")
    def search_get(q: str = Query(..., description="问题 / the question"), k: int = Query(5, ge=1, le=MAX_K),
                   mode: str = "", year: str = "", body: str = "", genre: str = "", report: str = "",
                   compose: bool = False) -> dict:
        """与 `python -m search --json` 相同的 JSON / the same JSON as `python -m search --json`."""
        return _search(library, SearchRequest(question=q, k=k, mode=mode, year=year, body=body, genre=genre,
                                              report=report, compose=compose), llm)

    @api.post(f"{PREFIX}/search", dependencies=[Depends(guard)], summary="检索 / search")
    def search_post(asked: SearchRequest) -> dict:
        """与 `python -m search --json` 相同的 JSON / the same JSON as `python -m search --json`."""
        return _search(library, asked, llm)

    @api.get(f"{PREFIX}/reports", dependencies=[Depends(guard)], summary="报告列表 / the reports")
    def reports() -> list[dict]:
        return [{"title": r.title, "file": Path(r.path).name, "years": list(r.years), "year_label": years_label(r.years),
                 "body": r.body, "genre": r.genre, "passages": r.chunks, "added": r.added,
                 "source": source_label(library, r.path)} for r in library.reports()]

    return api


def _search(library: Library, asked: SearchRequest, llm: LLMConfig | None) -> dict:
    if not asked.question.strip():
        raise HTTPException(400, detail=ENTER_QUESTION)
    if asked.compose and llm is None:
        raise HTTPException(400, detail=NO_LLM)
    try:
        result, _ = run_search(library, asked.question, asked.k, parse_mode(asked.mode),
                               make_filters(asked.year, asked.body, asked.genre, asked.report))
    except UserError:
        raise
    except Exception:  # noqa: BLE001 - a bug is logged with its traceback, the caller gets one line
        log.exception(FRIENDLY_ERROR)
        raise HTTPException(500, detail=FRIENDLY_ERROR) from None
    data = result_json(result)
    if asked.compose and llm is not None:
        composed = composed_answer(llm, result)
        data["composed"] = composed_json(composed) if composed else None
    return data


def _basic_auth(logins: list[Login]):
    """A dependency: nothing without logins; with them HTTP Basic, wrong passwords braked per client address."""
    if not logins:
        return lambda: None
    known = dict(logins)
    brake = LoginBrake(None)
    basic = HTTPBasic(auto_error=False, description="与网页相同的用户名和密码 / the page's users")

    def check(request: Request, credentials: HTTPBasicCredentials | None = Depends(basic)) -> str:
        client = request.client.host if request.client else "?"
        if (wait := brake.wait(client)) > 0:
            raise HTTPException(429, detail=f"登录失败次数过多，请 {int(wait) + 1} 秒后再试 / Too many failed logins",
                                headers={"Retry-After": str(int(wait) + 1)})
        password = known.get(credentials.username) if credentials else None
        ok = password is not None and secrets.compare_digest(password.encode(), credentials.password.encode())
        if credentials is not None:
            brake.record(client, ok)
        if not ok:
            raise HTTPException(401, detail="需要用户名和密码（HTTP Basic） / Login required (HTTP Basic)",
                                headers={"WWW-Authenticate": "Basic"})
        return credentials.username

    return check
