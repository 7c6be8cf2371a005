#!/usr/bin/env python3
"""Interop checks of our MCP server with the official MCP Python SDK (PyPI `mcp`, 2.x).

Connects to a toolkit binary over stdio (`--stdio "CMD ARGS"`) or Streamable HTTP
(`--url URL`), with the 2025 handshake (`--mode legacy`) or the stateless 2026-07-28
revision (`--mode auto`: `server/discover` first), lists and calls tools and asserts on
the results. One line per check on stdout; exit 0 when every check passed, 1 otherwise.

  --kit sample       the sample kit (examples/examples/sample_kit.rs): names, values,
                     structuredContent, tool errors with _meta.arcade, bad arguments,
                     unknown tools, secrets (stdio) or their refusal (HTTP)
  --kit conformance  the conformance fixtures (examples/examples/conformance.rs): the
                     exact content, log and progress notifications each must produce,
                     and the client's elicitation (accept, decline, cancel), sampling
                     and roots callbacks answering the tools that ask (server-to-client
                     requests in legacy mode, input_required rounds in auto mode)
"""

from __future__ import annotations

import argparse
import shlex
import sys
import traceback
from typing import Any, Awaitable, Callable

import anyio
from mcp import Client, MCPError, StdioServerParameters, types

SAMPLE_TOOLS = [
    "SampleKit_AddNumbers",
    "SampleKit_CreateTicket",
    "SampleKit_Echo",
    "SampleKit_Fail",
    "SampleKit_GetFlags",
    "SampleKit_ListIncidentsOauth2",
    "SampleKit_Oauth2ById",
    "SampleKit_OldEcho",
    "SampleKit_PagerdutyWhoami",
    "SampleKit_SecretOnly",
    "SampleKit_TagItems",
    "SampleKit_UseSecrets",
]

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA="
CONFORMANCE_CONTENT = {
    "test_simple_text": [{"type": "text", "text": "This is a simple text response for testing."}],
    "test_image_content": [{"type": "image", "data": PNG, "mimeType": "image/png"}],
    "test_audio_content": [{"type": "audio", "data": WAV, "mimeType": "audio/wav"}],
    "test_embedded_resource": [
        {
            "type": "resource",
            "resource": {
                "uri": "test://embedded-resource",
                "mimeType": "text/plain",
                "text": "This is an embedded resource content.",
            },
        }
    ],
    "test_multiple_content_types": [
        {"type": "text", "text": "Multiple content types test:"},
        {"type": "image", "data": PNG, "mimeType": "image/png"},
        {
            "type": "resource",
            "resource": {
                "uri": "test://mixed-content-resource",
                "mimeType": "application/json",
                "text": '{"test":"data","value":123}',
            },
        },
    ],
}


def dump(obj: Any) -> Any:
    """A pydantic model as wire JSON (camelCase, no None fields)."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(obj, list):
        return [dump(o) for o in obj]
    return obj


class Checks:
    def __init__(self, label: str) -> None:
        self.label = label
        self.failed = 0
        self.passed = 0

    async def run(self, name: str, body: Callable[[], Awaitable[None]]) -> None:
        try:
            await body()
        except Exception as e:  # noqa: BLE001 - every failure is reported
            self.failed += 1
            print(f"FAIL {self.label} {name}: {type(e).__name__}: {e}", flush=True)
        else:
            self.passed += 1
            print(f"ok   {self.label} {name}", flush=True)


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


async def sample_checks(client: Client, checks: Checks, transport: str) -> None:
    async def list_tools() -> None:
        tools = dump((await client.list_tools()).tools)
        names = [t["name"] for t in tools]
        expect(names == SAMPLE_TOOLS, f"tools/list names {names}")
        for t in tools:
            expect(t["inputSchema"].get("type") == "object", f"{t['name']} inputSchema")
            expect(bool(t.get("description")), f"{t['name']} has no description")

    async def echo() -> None:
        r = dump(await client.call_tool("SampleKit_Echo", {"text": "héllo wörld"}))
        expect(not r.get("isError"), f"isError: {r}")
        expect(r["content"] == [{"type": "text", "text": "héllo wörld"}], f"content {r['content']}")
        expect(r.get("structuredContent") == {"result": "héllo wörld"}, f"structuredContent {r}")

    async def add_dotted_name() -> None:
        r = dump(await client.call_tool("SampleKit.AddNumbers", {"a": 2, "b": 0.25}))
        expect(not r.get("isError"), f"isError: {r}")
        expect(r.get("structuredContent") == {"result": 2.25}, f"structuredContent {r}")
        expect(r["content"][0]["text"] == "2.25", f"content {r['content']}")

    async def default_argument() -> None:
        r = dump(await client.call_tool("SampleKit_AddNumbers", {"a": 1}))
        expect(r.get("structuredContent") == {"result": 1.5}, f"structuredContent {r}")

    async def tool_error() -> None:
        r = dump(await client.call_tool("SampleKit_Fail", {"kind": "retry"}))
        expect(r.get("isError") is True, f"not isError: {r}")
        text = r["content"][0]["text"]
        expect("Try again" in text and "use a smaller limit" in text, f"text {text!r}")
        expect("dev details" not in text, "developer message leaked")
        arcade = r.get("_meta", {}).get("arcade", {})
        expect(arcade.get("canRetry") is True, f"_meta.arcade {arcade}")
        expect(arcade.get("retryAfterMs") == 1500, f"_meta.arcade {arcade}")
        expect(bool(arcade.get("errorKind")), f"_meta.arcade {arcade}")

    async def bad_arguments() -> None:
        r = dump(await client.call_tool("SampleKit_AddNumbers", {"a": "two"}))
        expect(r.get("isError") is True, f"not isError: {r}")
        text = r["content"][0]["text"]
        expect("a" in text and "integer" in text.lower(), f"text {text!r}")

    async def unknown_tool() -> None:
        try:
            await client.call_tool("SampleKit_NoSuchTool", {})
        except MCPError as e:
            expect(e.error.code == -32602, f"code {e.error.code}")
            expect("NoSuchTool" in e.error.message, f"message {e.error.message!r}")
        else:
            raise AssertionError("no JSON-RPC error for an unknown tool")

    async def secret() -> None:
        r = dump(await client.call_tool("SampleKit_SecretOnly", {}))
        if transport == "stdio":
            expect(not r.get("isError"), f"isError: {r}")
            expect(r["content"][0]["text"] == "5678", f"content {r['content']}")
        else:
            # Over unauthenticated HTTP, tools that need secrets are refused (as in Arcade).
            expect(r.get("isError") is True, f"not isError over HTTP: {r}")
            expect("Unsupported transport" in r["content"][0]["text"], f"content {r['content']}")

    for name, body in [
        ("tools/list", list_tools),
        ("call Echo", echo),
        ("call Toolkit.Tool name", add_dotted_name),
        ("default argument", default_argument),
        ("tool error + _meta.arcade", tool_error),
        ("bad arguments -> isError", bad_arguments),
        ("unknown tool -> -32602", unknown_tool),
        ("secret (stdio) / refused (http)", secret),
    ]:
        await checks.run(name, body)


async def conformance_checks(client: Client, checks: Checks, logs: list[Any]) -> None:
    async def list_tools() -> None:
        names = {t.name for t in (await client.list_tools()).tools}
        missing = set(CONFORMANCE_CONTENT) - names
        expect(not missing, f"missing fixture tools {missing}")

    def content_check(tool: str, expected: list[Any]) -> Callable[[], Awaitable[None]]:
        async def body() -> None:
            r = dump(await client.call_tool(tool, {}))
            expect(not r.get("isError"), f"isError: {r}")
            expect(r["content"] == expected, f"content {r['content']}")

        return body

    async def error() -> None:
        r = dump(await client.call_tool("test_error_handling", {}))
        expect(r.get("isError") is True, f"not isError: {r}")
        # Arcade's wording: "[TOOL_RUNTIME_FATAL] ToolExecutionError during execution of
        # tool 'TestErrorHandling': <message>".
        text = r["content"][0]["text"]
        expect(text.endswith(": This tool intentionally returns an error for testing"), f"text {text!r}")
        expect(r.get("_meta", {}).get("arcade", {}).get("canRetry") is False, f"_meta {r.get('_meta')}")

    async def logging() -> None:
        logs.clear()
        r = dump(await client.call_tool("test_tool_with_logging", {}))
        expect(not r.get("isError"), f"isError: {r}")
        messages = [entry["data"]["msg"] for entry in logs if entry.get("level") == "info"]
        expect(
            messages == ["Tool execution started", "Tool processing data", "Tool execution completed"],
            f"log messages {logs}",
        )

    async def progress() -> None:
        seen: list[tuple[float, float | None]] = []

        async def on_progress(p: float, total: float | None, _message: str | None) -> None:
            seen.append((p, total))

        r = dump(await client.call_tool("test_tool_with_progress", {}, progress_callback=on_progress))
        expect(not r.get("isError"), f"isError: {r}")
        expect(seen == [(0, 100), (50, 100), (100, 100)], f"progress {seen}")

    await checks.run("tools/list has every fixture", list_tools)
    for tool, expected in CONFORMANCE_CONTENT.items():
        await checks.run(f"call {tool}", content_check(tool, expected))
    await checks.run("call test_error_handling", error)
    await checks.run("call test_tool_with_logging (3 logs)", logging)
    await checks.run("call test_tool_with_progress (0/50/100)", progress)


class Answers:
    """What the client's callbacks answer: the elicitation action is set per check."""

    def __init__(self) -> None:
        self.action = "accept"
        self.asked: list[str] = []

    async def elicitation(self, _context: Any, params: Any) -> Any:
        self.asked.append("elicitation")
        if self.action != "accept":
            return types.ElicitResult(action=self.action)
        return types.ElicitResult(action="accept", content={"username": "ada", "email": "ada@example.com"})

    async def sampling(self, _context: Any, params: Any) -> Any:
        self.asked.append("sampling")
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text="Paris"),
            model="test-model",
            stopReason="endTurn",
        )

    async def roots(self, _context: Any) -> Any:
        self.asked.append("roots")
        return types.ListRootsResult(roots=[types.Root(uri="file:///tmp/project", name="project")])


async def interaction_checks(client: Client, checks: Checks, answers: Answers) -> None:
    def elicit(action: str, expected: str) -> Callable[[], Awaitable[None]]:
        async def body() -> None:
            answers.action = action
            answers.asked.clear()
            r = dump(await client.call_tool("test_elicitation", {"message": "Who are you?"}))
            expect(not r.get("isError"), f"isError: {r}")
            text = r["content"][0]["text"]
            expect(text.startswith(expected), f"text {text!r}")
            expect(answers.asked == ["elicitation"], f"callbacks {answers.asked}")

        return body

    async def sampling() -> None:
        r = dump(await client.call_tool("test_sampling", {"prompt": "Capital of France?"}))
        expect(not r.get("isError"), f"isError: {r}")
        expect(r["content"][0]["text"] == "LLM response: Paris", f"content {r['content']}")

    async def roots() -> None:
        r = dump(await client.call_tool("test_input_required_result_list_roots", {}))
        expect(not r.get("isError"), f"isError: {r}")
        expect(r["content"][0]["text"] == "Client roots: file:///tmp/project", f"content {r['content']}")

    await checks.run("elicitation accepted", elicit("accept", 'User response: <action: accept, content: {"username":"ada","email":"ada@example.com"}>'))
    await checks.run("elicitation declined", elicit("decline", "User response: <action: decline, content: null>"))
    await checks.run("elicitation cancelled", elicit("cancel", "User response: <action: cancel, content: null>"))
    answers.action = "accept"
    await checks.run("sampling answered", sampling)
    await checks.run("roots listed", roots)


async def main_async(a: argparse.Namespace) -> int:
    logs: list[Any] = []

    async def on_log(params: Any) -> None:
        logs.append(dump(params))

    if a.stdio:
        argv = shlex.split(a.stdio)
        env = {"MY_API_KEY": "abcd5678", "PATH": "/usr/bin:/bin"}
        target: Any = StdioServerParameters(command=argv[0], args=argv[1:], env=env)
        transport = "stdio"
    else:
        target = a.url
        transport = "http"
    checks = Checks(f"[{transport} {a.mode}]")
    answers = Answers()
    callbacks: dict[str, Any] = {}
    if a.kit == "conformance":
        callbacks = {
            "elicitation_callback": answers.elicitation,
            "sampling_callback": answers.sampling,
            "list_roots_callback": answers.roots,
        }
    with anyio.fail_after(a.timeout):
        async with Client(
            target, mode=a.mode, logging_callback=on_log, log_level="debug", cache=None, **callbacks
        ) as client:
            version = client.protocol_version
            print(f"     [{transport} {a.mode}] connected: protocol {version}, server {client.server_info.name}")
            if a.mode == "auto":
                expect(version == "2026-07-28", f"server/discover did not select 2026-07-28: {version}")
            if a.kit == "sample":
                await sample_checks(client, checks, transport)
            else:
                await conformance_checks(client, checks, logs)
                await interaction_checks(client, checks, answers)
    print(f"     [{transport} {a.mode}] {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--stdio", metavar="CMD", help="the server command line (shell-quoted)")
    target.add_argument("--url", metavar="URL", help="the Streamable HTTP endpoint")
    p.add_argument("--mode", default="legacy", help="legacy (initialize) or auto (server/discover)")
    p.add_argument("--kit", choices=["sample", "conformance"], default="sample")
    p.add_argument("--timeout", type=float, default=60.0, help="overall timeout in seconds")
    a = p.parse_args()
    try:
        return anyio.run(main_async, a)
    except BaseException as e:  # noqa: BLE001 - a connection failure is a failed check
        if isinstance(e, KeyboardInterrupt):
            raise
        traceback.print_exception(e)
        print(f"FAIL {a.stdio or a.url} ({a.mode}): {type(e).__name__}: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
