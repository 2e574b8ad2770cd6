"""The server: the page (page/wiring.py), its MCP tools and the REST API (page/rest.py) on one address."""
from __future__ import annotations

import gradio as gr
import uvicorn
from starlette.middleware import Middleware

from page.auth import Login, LoginBrake
from page.library import MAX_UPLOAD_BYTES, Library
from page.rest import rest_api
from page.wiring import CSS, HEAD, build_page, theme
from search.llm import LLMConfig

MCP_PATH = "/gradio_api/mcp/"


def server_app(library: Library, logins: list[Login], llm: LLMConfig | None = None):
    """One ASGI app: the REST API and its docs under /api, the page at /, and, without logins, the page's `search`
    as an MCP tool (Gradio's MCP server calls the page's own API, which a login would refuse)."""
    page = build_page(library, llm).queue(default_concurrency_limit=2)
    # Gradio checks that a file named in an API call was uploaded (not "/etc/x.txt") only once the Blocks "has
    # launched", which mounting never sets; without it any server file could be added to the library.
    page.has_launched = True
    return gr.mount_gradio_app(
        rest_api(library, logins, llm), page, path="/", theme=theme(), css=CSS, head=HEAD,
        show_error=True,  # Gradio's own refusals (a malformed API call) say why instead of {"error": null};
        # our handlers never let an exception out (wiring.guard), so no traceback text reaches a client
        max_file_size=4 * MAX_UPLOAD_BYTES,  # hard stop; the friendly 50 MB check happens after upload
        auth=logins or None, auth_message="请登录 / Please log in", footer_links=["api"],
        app_kwargs={"middleware": [Middleware(LoginBrake)]} if logins else None, mcp_server=not logins)


def serve(library: Library, host: str, port: int, logins: list[Login], llm: LLMConfig | None = None) -> None:
    """Serve until the process is stopped."""
    # Without a limit, a stop (Ctrl+C, SIGTERM) waits for every open page's event stream to close, i.e. forever
    # while a browser tab is open (seen: 30 s until the tests' kill). Builds are crash-safe, so 5 s is enough.
    uvicorn.run(server_app(library, logins, llm), host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
