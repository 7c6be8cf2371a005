#!/usr/bin/env python3
"""The official MCP Python SDK's own OAuth client against our front-door auth.

`mcp`'s `OAuthClientProvider` does everything a real MCP client does: it calls the server,
reads the 401's `WWW-Authenticate: Bearer resource_metadata=...`, fetches the protected
resource metadata (RFC 9728), discovers the authorization server (RFC 8414 / OpenID),
registers itself (RFC 7591), runs the authorization-code flow with PKCE and the resource
indicator (RFC 8707), and retries with the access token. The authorization server
(scripts/oidc/authorization-server.mjs) signs the user in without a screen, so the
"browser" here is an HTTP client that follows the redirects and stops at our redirect URI.

  mcp_oauth_client.py --url URL [--mode legacy|auto] --call TOOL [--args JSON]
                      [--expect TEXT ...] [--user ACCOUNT]

One line per check on stdout; exit 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from urllib.parse import parse_qs, urljoin, urlparse

import anyio
import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

REDIRECT_URI = "http://127.0.0.1:1/callback"  # never contacted: the "browser" stops here


class MemoryStorage:
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


class Browser:
    """Follows the authorization server's redirects (with its cookies) to the redirect URI."""

    def __init__(self) -> None:
        self.result: AuthorizationCodeResult | None = None
        self.authorization_url: str | None = None

    async def redirect(self, url: str) -> None:
        self.authorization_url = url
        async with httpx2.AsyncClient(follow_redirects=False, timeout=10) as http:
            for _ in range(10):
                response = await http.get(url)
                location = response.headers.get("location")
                if response.status_code not in (302, 303) or not location:
                    raise RuntimeError(f"authorization stopped at {response.status_code}: {response.text[:300]}")
                url = urljoin(url, location)
                if url.startswith(REDIRECT_URI):
                    query = parse_qs(urlparse(url).query)
                    if "error" in query:
                        raise RuntimeError(f"authorization failed: {query}")
                    self.result = AuthorizationCodeResult(
                        code=query["code"][0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0]
                    )
                    return
        raise RuntimeError("too many redirects")

    async def callback(self) -> AuthorizationCodeResult:
        assert self.result is not None, "no authorization code"
        return self.result


async def run(a: argparse.Namespace) -> int:
    failures = 0

    def check(name: str, ok: bool, detail: str = "") -> None:
        nonlocal failures
        print(f"{'ok  ' if ok else 'FAIL'} {name}{(': ' + detail) if detail and not ok else ''}")
        failures += 0 if ok else 1

    # Without a token: 401 naming the resource metadata.
    async with httpx2.AsyncClient(timeout=10) as http:
        response = await http.post(a.url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        header = response.headers.get("www-authenticate", "")
        check("401 without a token", response.status_code == 401, str(response.status_code))
        check("WWW-Authenticate names resource_metadata", "resource_metadata=" in header, header)

    storage = MemoryStorage()
    browser = Browser()
    auth = OAuthClientProvider(
        server_url=a.url,
        client_metadata=OAuthClientMetadata(
            client_name=f"mcp-oauth-interop user={a.user}" if a.user else "mcp-oauth-interop", redirect_uris=[REDIRECT_URI], grant_types=["authorization_code", "refresh_token"],
            response_types=["code"], token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=browser.redirect,
        callback_handler=browser.callback,
    )
    async with httpx2.AsyncClient(auth=auth, timeout=30) as http:
        async with Client(streamable_http_client(a.url, http_client=http), mode=a.mode, cache=None) as client:
            tools = await client.list_tools()
            names = [t.name for t in tools.tools]
            check("tools/list through front-door auth", a.call in names, f"{a.call} not in {names}")
            result = await client.call_tool(a.call, json.loads(a.args))
            text = "".join(getattr(c, "text", "") for c in result.content)
            check("tools/call succeeded", not result.is_error, text)
            for expected in a.expect:
                check(f"result contains {expected!r}", expected in text, text)
    url = browser.authorization_url or ""
    query = parse_qs(urlparse(url).query)
    check("authorization request used PKCE S256", query.get("code_challenge_method") == ["S256"], url)
    check("authorization request named the resource (RFC 8707)", bool(query.get("resource")), url)
    check("client registered dynamically", storage.client is not None and bool(storage.client.client_id))
    return failures


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--mode", default="legacy", choices=["legacy", "auto", "2026-07-28"])
    p.add_argument("--call", required=True)
    p.add_argument("--args", default="{}")
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--user", help="the account the test authorization server signs in (via client_name)")
    a = p.parse_args()
    try:
        failures = anyio.run(run, a)
    except Exception as e:  # noqa: BLE001 - one line, then the trace
        print(f"FAIL {a.url} ({a.mode}): {type(e).__name__}: {e}")
        traceback.print_exc()
        sys.exit(1)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
