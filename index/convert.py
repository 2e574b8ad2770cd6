"""Formats read through a converter: .doc and .wps (WPS Office saves an OLE document much like Word 97's) through
LibreOffice headless, to .docx, which index/read.py then reads as any Word file."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from index.errors import ReadError

CONVERTED_SUFFIXES = frozenset({".doc", ".wps"})
# A 100-page report converts in 2–5 s on 2 cores (a fresh LibreOffice profile included); a file still converting
# after this is damaged or asks for a password that headless mode cannot give.
CONVERT_TIMEOUT_S = 120
INSTALL_HINT = ("读取 .doc/.wps 文件需要 LibreOffice，请安装（Debian/Ubuntu：sudo apt install libreoffice-writer-nogui；"
                "Windows：安装 LibreOffice 并把 program 文件夹加入 PATH） / Reading .doc/.wps needs LibreOffice: install "
                "it (Debian/Ubuntu: sudo apt install libreoffice-writer-nogui; Windows: install LibreOffice and add its "
                "program folder to PATH)")


# What a .doc/.wps holds in practice: an OLE compound file (Word 97, WPS Office), RTF, a renamed .docx, or the HTML/MHT
# that web sites and older tools save under .doc. Anything else LibreOffice would import as text garbage.
_DOCUMENT_STARTS = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"pk\x03\x04", b"<", b"mime-version")


def libreoffice() -> str | None:
    """The LibreOffice command on this machine, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, name: str) -> bytes:
    """The file converted to .docx by LibreOffice, in a private folder and profile, so that several conversions
    (two uploads, a build beside the page) never share LibreOffice's profile lock."""
    if not data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_DOCUMENT_STARTS):
        raise ReadError(f"文件内容不是 Word/WPS 文档（可能已损坏或扩展名有误）：{name} / "
                        f"Not a Word/WPS document (damaged, or a wrong extension): {name}")
    command = libreoffice()
    if command is None:
        raise ReadError(f"{INSTALL_HINT}：{name}")
    with tempfile.TemporaryDirectory(prefix="policy-search-convert-") as folder:
        source = Path(folder) / f"report{Path(name).suffix.lower()}"
        source.write_bytes(data)
        out = Path(folder) / "out"
        _run([command, "--headless", "--norestore", f"-env:UserInstallation={(Path(folder) / 'profile').as_uri()}",
              "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)], name)
        converted = out / "report.docx"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise ReadError(f"LibreOffice 无法转换该文件（文件可能已损坏或加密）：{name} / "
                               f"LibreOffice could not convert the file (damaged or encrypted?): {name}")
        return converted.read_bytes()


def _run(args: list[str], name: str) -> None:
    # Its own process group, so that a timeout ends LibreOffice's child process (soffice.bin) too.
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=CONVERT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ReadError(f"转换超时（{CONVERT_TIMEOUT_S} 秒），文件可能已损坏或加密：{name} / Conversion timed out "
                           f"({CONVERT_TIMEOUT_S} s); the file may be damaged or encrypted: {name}") from None
    except BaseException:
        _kill_group(process)
        raise


def _kill_group(process: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # Windows: no process groups; the child ends with its parent
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()
