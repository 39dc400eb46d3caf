"""The documentation tells the truth: its examples run, and the site builds.

Every ```` ```python ```` block in ``README.md`` and ``docs/**/*.md`` is executed, each on
its own in a fresh namespace, against one emulator started for this module. The blocks
read the server from the environment, as a user's program would: this module sets
``OPENAI_BASE_URL`` to the emulator's URL and ``OPENAI_API_KEY`` to a throwaway key
(``Client()`` reads both; blocks that name the URL use ``os.environ["OPENAI_BASE_URL"]``).

A block that cannot run on its own (a signature, a protocol sketch, code that needs files
or services the reader supplies) is a fragment: the line before its fence is
``<!-- fragment: NAME -->``, and NAME is listed in ``FRAGMENTS`` below with the reason.
Each fragment shows up as a test skipped by its name; a marked block that is not listed,
a listed name that is not marked, and an unmarked block that fails are all failures.
``docs/contributing.md`` documents the convention.

``mkdocs build --strict`` runs into a temporary folder, with proxies that point nowhere,
so a plugin that fetched anything at build time would fail the build.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runs_emulator import EmulatorThread, start_in_thread

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
API_KEY = "sk-docs-examples"

# Fragments, by name: the page they are on and why they do not run on their own.
FRAGMENTS: dict[str, tuple[str, str]] = {
    "stream-manager-signatures": ("docs/stream-helpers.md", "constructor signatures"),
    "custom-sessions": (
        "docs/transports.md",
        "needs the reader's proxy (proxy:3128), CA bundle files and a running event loop",
    ),
    "transport-protocol": ("docs/transports.md", "a protocol sketch with `...` bodies"),
}

# Pages whose examples must run (others may have some too): guards against a parser
# that finds no block, which would make every other test here pass vacuously.
EXAMPLE_PAGES = {
    "README.md",
    *(f"docs/{page}.md" for page in ("architecture", "core-alone", "emulator", "sse")),
    *(f"docs/{page}.md" for page in ("servers", "stream-helpers", "transports")),
}

PYTHON = {"python", "py"}
NOT_RUN = {"", "console", "sh", "shell", "bash", "text", "diff", "toml", "yaml", "json"}
NOT_RUN |= {"markdown", "md"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
MARK = re.compile(r"^\s*<!--\s*fragment:\s*(?P<name>[\w-]+)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository root
    line: int  # of the opening fence, 1-based
    lang: str
    source: str
    fragment: str | None

    @property
    def id(self) -> str:
        return f"fragment:{self.fragment}" if self.fragment else f"{self.page}:{self.line}"


def blocks_of(path: Path) -> Iterator[Block]:
    """The fenced code blocks of one Markdown page, with the fragment mark before each."""
    page = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        # a fence indented in a list item: its lines carry (up to) the same indentation
        inside = lines[index + 1 : end]
        body = [line[min(indent, len(line) - len(line.lstrip())) :] for line in inside]
        before = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        mark = MARK.match(before)
        yield Block(
            page=page,
            line=index + 1,
            lang=(opening["info"].split() or [""])[0].lower(),
            source=textwrap.dedent("\n".join(body)) + "\n",
            fragment=mark["name"] if mark else None,
        )
        index = end + 1


ALL_BLOCKS = [block for path in PAGES for block in blocks_of(path)]
PYTHON_BLOCKS = [block for block in ALL_BLOCKS if block.lang in PYTHON]
RUNNABLE = [block for block in PYTHON_BLOCKS if block.fragment is None]


def run_block(block: Block) -> None:
    code = compile(block.source, f"{block.page}:{block.line}", "exec")
    exec(code, {"__name__": "__main__", "__file__": str(ROOT / block.page)})


@pytest.fixture(scope="module")
def docs_emulator() -> Iterator[EmulatorThread]:
    with start_in_thread() as running:
        yield running


@pytest.fixture
def docs_env(docs_emulator: EmulatorThread, monkeypatch: pytest.MonkeyPatch) -> EmulatorThread:
    """The environment every example expects: the emulator as the server, any key."""
    monkeypatch.setenv("OPENAI_BASE_URL", docs_emulator.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    for name in ("RUNS_TRANSPORT", "RUNS_LOG", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    return docs_emulator


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[block.id for block in PYTHON_BLOCKS])
def test_python_block_runs_against_the_emulator(block: Block, docs_env: EmulatorThread) -> None:
    if block.fragment is not None:
        page, why = FRAGMENTS.get(block.fragment, (block.page, "NOT LISTED in FRAGMENTS"))
        pytest.skip(f"fragment {block.fragment} ({page}:{block.line}): {why}")
    run_block(block)


def test_fragments_are_exactly_the_listed_ones() -> None:
    marked = [block for block in ALL_BLOCKS if block.fragment is not None]
    names = [block.fragment for block in marked]
    assert len(names) == len(set(names)), f"a fragment name is used twice: {sorted(names)}"
    found = {block.fragment: block.page for block in marked}
    assert found == {name: page for name, (page, _why) in FRAGMENTS.items()}
    not_python = [block.id for block in marked if block.lang not in PYTHON]
    assert not not_python, f"only Python blocks run, so only they can be fragments: {not_python}"


def test_every_block_has_a_known_language() -> None:
    unknown = [block.id for block in ALL_BLOCKS if block.lang not in PYTHON | NOT_RUN]
    assert not unknown, f"neither run nor known not to be Python (a typo?): {unknown}"


def test_the_pages_have_examples_to_run() -> None:
    assert {block.page for block in RUNNABLE} >= EXAMPLE_PAGES


def test_the_readme_example_points_the_client_at_the_emulator() -> None:
    first = next(block for block in RUNNABLE if block.page == "README.md")
    assert "start_in_thread()" in first.source
    assert "base_url=emulator.base_url" in first.source


def test_client_keywords_named_in_the_docs_exist() -> None:
    from runs_adapters import ClientOptions

    known = {"transport", *ClientOptions.__optional_keys__}
    named = {
        (path.relative_to(ROOT).as_posix(), keyword)
        for path in PAGES
        for keyword in re.findall(r"(?<![\w.])(?:Async)?Client\((\w+)=", path.read_text("utf-8"))
    }
    assert named, "the pattern found nothing"
    assert {(page, keyword) for page, keyword in named if keyword not in known} == set()


def test_the_limits_table_gives_the_defaults_the_code_has() -> None:
    from runs_core import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_TRAILING_BYTES

    units = {"MiB": 2**20, "Mi characters": 2**20, "KiB": 2**10}
    table = (ROOT / "docs" / "hardening.md").read_text(encoding="utf-8")
    documented = {
        option: int(number) * units[unit]
        for number, unit, option in re.findall(
            r"^\| [^|]+ \| (\d+) (MiB|Mi characters|KiB) \| `Client\((\w+)=", table, re.M
        )
    }
    assert documented == {
        "max_body_bytes": DEFAULT_MAX_BODY_BYTES,
        "max_event_size": DEFAULT_MAX_EVENT_SIZE,
        "max_trailing_bytes": DEFAULT_MAX_TRAILING_BYTES,
    }


def the_block(page: str, containing: str) -> Block:
    found = [block for block in RUNNABLE if block.page == page and containing in block.source]
    assert len(found) == 1, f"{len(found)} runnable blocks in {page} contain {containing!r}"
    return found[0]


def serve_in_pieces(listener: socket.socket, pieces: list[bytes], heads: list[bytes]) -> None:
    """Read one request, answer it with ``pieces``, each in a packet of its own, and close."""
    conn, _ = listener.accept()
    with conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        received = b""
        while b"\r\n\r\n" not in received:
            received += conn.recv(65536)
        head, _, body = received.partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length: *(\d+)", head)
        while length and len(body) < int(length[1]):
            body += conn.recv(65536)
        heads.append(head)
        for piece in pieces:
            conn.sendall(piece)
            time.sleep(0.05)  # long enough for the client to read each piece on its own


def test_the_socket_example_reads_every_event_when_the_head_arrives_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    block = the_block("docs/sse.md", "socket.create_connection")
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
    events = b'event: thread.run.created\ndata: {"id":"run_1"}\n\nevent: done\ndata: [DONE]\n\n'
    # the head split in two packets and then alone; the body cut mid-line and mid-event
    pieces = [head[:9], head[9:], events[:7], events[7:40], events[40:]]
    heads: list[bytes] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=serve_in_pieces, args=(listener, pieces, heads))
        server.start()
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{listener.getsockname()[1]}/v1")
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        try:
            run_block(block)
        finally:
            server.join(timeout=10)
    assert heads and heads[0].startswith(b"POST /v1/threads/thread_abc123/runs HTTP/1.0\r\n")
    printed = capsys.readouterr().out.splitlines()
    assert printed == ['thread.run.created {"id":"run_1"}', "done [DONE]", "2 events, clean end"]


def test_the_core_examples_choose_http_or_https_from_the_url() -> None:
    # the emulator is plain HTTP: a hard-coded HTTPSConnection cannot talk to it
    blocks = [b for b in RUNNABLE if b.page == "docs/core-alone.md" and "http.client" in b.source]
    assert blocks
    for block in blocks:
        assert 'url.scheme == "https"' in block.source, block.id


def test_the_site_builds_strictly_and_offline(tmp_path: Path) -> None:
    site = tmp_path / "site"
    nowhere = "http://127.0.0.1:9"
    proxies = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
    env = {
        **os.environ,
        **dict.fromkeys(proxies, nowhere),
        "NO_PROXY": "",
        "no_proxy": "",
        "NO_MKDOCS_2_WARNING": "1",
    }
    config = str(ROOT / "mkdocs.yml")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(site)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # the API reference is generated from the docstrings
    reference = (site / "reference" / "runs_adapters" / "index.html").read_text(encoding="utf-8")
    assert 'id="runs_adapters.Client"' in reference
    assert "Stream a run to its end, answering tool calls" in reference  # run_tools' docstring
    core = (site / "reference" / "runs_core" / "index.html").read_text(encoding="utf-8")
    assert 'id="runs_core.RequestBuilder"' in core
    assert ":class:`" not in reference + core  # Sphinx roles are shown as code
    # the README is the home page
    assert "2026-08-26" in (site / "index.html").read_text(encoding="utf-8")
