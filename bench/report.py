"""Renders bench/run's results.jsonl as the Markdown table in BENCHMARKS.md."""

import argparse
import datetime
import json


def load(path):
    rows = {}
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            rows[(r["row"], r["who"])] = r["data"]
    return rows


def fmt(x, unit):
    if x is None:
        return "–"
    if unit == "ms":
        return f"{x:.1f} ms" if x >= 10 else f"{x:.2f} ms"
    if unit == "us":
        return f"{x:.0f} µs" if x >= 100 else f"{x:.1f} µs"
    if unit == "MB":
        return f"{x / 1024:.1f} MB"
    if unit == "/s":
        return f"{x:,.0f}/s"
    return str(x)


def ratio(peer, ours, higher_is_better=False):
    if not peer or not ours:
        return "–"
    r = ours / peer if higher_is_better else peer / ours
    return f"{r:.1f}×"


def pagerduty_row(R):
    """The PagerDuty listing row, or None when it was not run."""
    o, p = R.get(("pagerduty", "ours")), R.get(("pagerduty", "python"))
    if not o:
        return None
    om, pm = o.get("list_ms_median"), (p or {}).get("list_ms_median")
    return (
        f"| PagerDuty: list all of {o['incidents']:,} incidents from the fake, {o['latency_ms']} ms added per "
        f"request, rate limit {o['rate_limit']} (median of {len(o['runs_ms'])}; 429s ours / Python: "
        f"{o['rate_limit_429s']} / {(p or {}).get('rate_limit_429s', '–')}) — our client (`get_all`, "
        f"{o['page_concurrency']} pages at a time once `total` is known"
        + (f", paced to {o['client_rate_limit']} requests per window" if o.get("client_rate_limit") else "")
        + ") vs `pagerduty` `iter_all` | "
        f"{fmt(om, 'ms')} | {fmt(pm, 'ms')} | {ratio(pm, om)} | – | – | ≥ 3× faster, no 429 for ours |"
    )


def update_pagerduty(R, out):
    """Puts the PagerDuty row into an existing BENCHMARKS.md table, leaving the rest as is."""
    row = pagerduty_row(R)
    text = open(out).read()
    lines = text.split("\n")
    idx = [i for i, line in enumerate(lines) if line.startswith("| PagerDuty:")]
    if idx:
        lines[idx[0]] = row
    else:
        compile_rows = [i for i, line in enumerate(lines) if line.startswith("| compile")]
        table = [i for i, line in enumerate(lines) if line.startswith("|")]
        lines.insert(compile_rows[0] if compile_rows else table[-1] + 1, row)
    open(out, "w").write("\n".join(lines))


def replicas_rows(R):
    """The HAProxy-to-3-replicas rows (16 and 64 clients), or [] when not run."""
    rows = []
    for c in (16, 64):
        d, h = R.get((f"replicas{c}", "direct")), R.get((f"replicas{c}", "haproxy"))
        if not d or not h:
            continue
        dc, hc = d.get("calls_per_s"), h.get("calls_per_s")
        share = f"{hc / dc:.2f}× of direct" if dc and hc else "–"
        errors = (d.get("errors") or 0) + (h.get("errors") or 0)
        rows.append(
            f"| Replicas, {c} clients: calls/s through HAProxy to 3 `--stateless` replicas / one replica "
            f"directly (2 cores shared by proxy and replicas: the proxy's cost, not scale-out); median latency "
            f"{fmt(h.get('call_us_median'), 'us')} / {fmt(d.get('call_us_median'), 'us')}"
            + (f"; {errors} errors" if errors else "")
            + f" | {fmt(hc, '/s')} / {fmt(dc, '/s')} | | {share} | | | report |"
        )
    return rows


def update_replicas(R, out):
    """Puts the replicas rows into an existing BENCHMARKS.md table, leaving the rest as is."""
    rows = replicas_rows(R)
    lines = [line for line in open(out).read().split("\n") if not line.startswith("| Replicas,")]
    compile_rows = [i for i, line in enumerate(lines) if line.startswith("| compile")]
    table = [i for i, line in enumerate(lines) if line.startswith("|")]
    at = compile_rows[0] if compile_rows else table[-1] + 1
    lines[at:at] = rows
    open(out, "w").write("\n".join(lines))


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def door_pairs(R, k):
    """The front door's alternating off/on runs of cell `k`, as (on, off) pairs."""
    pairs, i = [], 1
    while (k, f"door-on-{i}") in R and (k, f"door-off-{i}") in R:
        on, off = R[(k, f"door-on-{i}")], R[(k, f"door-off-{i}")]
        if on.get("calls_per_s") and off.get("calls_per_s"):
            pairs.append((on, off))
        i += 1
    return pairs


PEER_PROTOCOLS = (("20251125", "2025-11-25 session"), ("20260728", "2026-07-28 stateless"))


def peers_rows(R):
    """Ours vs rmcp's Streamable HTTP server (NODELAY on / off), and front-door auth on vs
    off, at 1/16/64 clients for each protocol; [] when not run."""
    rows, door = [], []
    for tag, name in PEER_PROTOCOLS:
        for c in (1, 16, 64):
            k = f"peer{tag}-{c}"
            o, a = R.get((k, "ours")), R.get((k, "auth"))
            n, r = R.get((k, "rmcp-nodelay")), R.get((k, "rmcp"))
            if not o:
                continue
            cps = lambda d: (d or {}).get("calls_per_s")  # noqa: E731
            lat = lambda d: fmt((d or {}).get("call_us_median"), "us")  # noqa: E731
            errors = sum((d or {}).get("errors") or 0 for d in (o, a, n, r))
            rows.append(
                f"| HTTP vs rmcp's StreamableHttpService, {name}, {c} client(s): calls/s ours | "
                f"{fmt(cps(o), '/s')} | | | {fmt(cps(n), '/s')} NODELAY / {fmt(cps(r), '/s')} as its examples "
                f"(no NODELAY); median {lat(o)} / {lat(n)} / {lat(r)}" + (f"; {errors} errors" if errors else "")
                + f" | {ratio(cps(n), cps(o), True)} (vs NODELAY) | ≥ 1.5× rmcp (NODELAY) |"
            )
            pairs = door_pairs(R, k)
            if pairs:
                # The alternating pairs: the median of their ratios, the range beside it.
                on = median([cps(p_on) for p_on, _ in pairs])
                off = median([cps(p_off) for _, p_off in pairs])
                ratios = sorted(cps(p_on) / cps(p_off) for p_on, p_off in pairs)
                lat_on = median([p_on.get("call_us_median") for p_on, _ in pairs])
                lat_off = median([p_off.get("call_us_median") for _, p_off in pairs])
                errs = sum((p_on.get("errors") or 0) + (p_off.get("errors") or 0) for p_on, p_off in pairs)
                door.append(
                    f"| Front door on / off (RS256 JWT checked on every request), {name}, {c} client(s): "
                    f"calls/s, median of {len(pairs)} alternating off/on pairs; median latency "
                    f"{fmt(lat_on, 'us')} / {fmt(lat_off, 'us')}" + (f"; {errs} errors" if errs else "")
                    + f" | {fmt(on, '/s')} / {fmt(off, '/s')} | | {median(ratios):.2f}× of off "
                    f"(pairs {ratios[0]:.2f}–{ratios[-1]:.2f}×) | | | within 10 % |"
                )
            elif a:
                share = f"{cps(a) / cps(o):.2f}× of off" if cps(a) and cps(o) else "–"
                door.append(
                    f"| Front door on / off (RS256 JWT checked on every request), {name}, {c} client(s): "
                    f"calls/s; median {lat(a)} / {lat(o)} | {fmt(cps(a), '/s')} / {fmt(cps(o), '/s')} | | "
                    f"{share} | | | within 10 % |"
                )
    return rows + door


def update_peers(R, out):
    """Puts the peers rows into an existing BENCHMARKS.md table, leaving the rest as is."""
    rows = peers_rows(R)
    lines = [line for line in open(out).read().split("\n")
             if not line.startswith(("| HTTP vs rmcp", "| Front door on"))]
    compile_rows = [i for i, line in enumerate(lines) if line.startswith("| compile")]
    table = [i for i, line in enumerate(lines) if line.startswith("|")]
    at = compile_rows[0] if compile_rows else table[-1] + 1
    lines[at:at] = rows
    open(out, "w").write("\n".join(lines))


def stdio_rows(R):
    """The stdio rows (ours, Python, rmcp's macro server); a row of the tools-pagerduty
    server's start and memory when the PagerDuty-path row ran."""
    g = lambda row, who, key: (R.get((row, who)) or {}).get(key)  # noqa: E731
    lines = []

    def row(what, key, unit, target):
        o, p, m = g("stdio", "ours", key), g("stdio", "python", key), g("stdio", "rmcp", key)
        lines.append(
            f"| {what} | {fmt(o, unit)} | {fmt(p, unit)} | {ratio(p, o)} | "
            f"{fmt(m, unit)} | {ratio(m, o)} | {target} |"
        )

    row("stdio: process start → first `tools/list` answer (median of N starts)", "start_ms_median", "ms",
        "< 10 ms; ≥ 50× faster than Python")
    row("stdio: `tools/call` echo, median of 1000 sequential", "call_us_median", "us",
        "< 50 µs; ≥ 20× faster than Python; faster than rmcp")
    row("stdio: `tools/call` echo, p99 of 1000 sequential", "call_us_p99", "us", "")
    row("stdio: resident memory after the calls (VmRSS)", "rss_kb", "MB", "< 10 MB; ≥ 5× less; ≤ rmcp")
    return lines


def update_stdio(R, out):
    """Puts the stdio rows into an existing BENCHMARKS.md table, leaving the rest as is."""
    replace_rows(out, ("| stdio:",), stdio_rows(R), before="| wrapper:")


def pdpath_rows(R):
    """The PagerDuty path (ours through MCP vs the same request straight to the sandbox)
    and ours vs PagerDuty's own MCP server (`pagerduty-mcp`); [] when not run."""
    o, m = R.get(("pdpath", "ours")), R.get(("pdpath", "pdmcp"))
    if not o:
        return []
    us = lambda d, k, q: ((d or {}).get(k) or {}).get(q)  # noqa: E731
    rows = [
        "| PagerDuty path: `ListIncidents` (limit 25) through our stdio server (tools-pagerduty, release) "
        "minus the same `GET /incidents` straight to the sandbox over one keep-alive connection, "
        f"alternating, {o['calls']} calls: added median / p95 (call {fmt(us(o, 'call_us', 'median'), 'us')} vs "
        f"direct {fmt(us(o, 'direct_us', 'median'), 'us')} median) | "
        f"+{fmt(us(o, 'added_us', 'median'), 'us')} / +{fmt(us(o, 'added_us', 'p95'), 'us')} | | | | | "
        "≤ 0.3 ms added |"
    ]
    if m:
        def row(what, k, unit, q=None, target=""):
            a = o.get(k) if q is None else us(o, k, q)
            b = m.get(k) if q is None else us(m, k, q)
            rows.append(f"| PagerDuty MCP, {what} — ours / PyPI `pagerduty-mcp` {m.get('version', '')}, same sandbox "
                        f"| {fmt(a, unit)} | {fmt(b, unit)} | {ratio(b, a)} | | | {target} |")
        row("process start → first `tools/list` (median)", "start_ms_median", "ms", target="≥ 20×")
        row("list incidents (limit 25), median", "call_us", "us", "median", "≥ 20×")
        row("list incidents (limit 25), p95", "call_us", "us", "p95")
        row("resident memory after the calls (VmRSS)", "rss_kb", "MB", target="≥ 20×")
    return rows


def update_pdpath(R, out):
    """Puts the PagerDuty-path rows into an existing BENCHMARKS.md table."""
    replace_rows(out, ("| PagerDuty path:", "| PagerDuty MCP,"), pdpath_rows(R), before="| Replicas,")


def replace_rows(out, prefixes, rows, before):
    """Replaces the table rows starting with `prefixes` by `rows`, where the first was,
    or before the first row starting with `before` (else before the compile rows)."""
    lines = open(out).read().split("\n")
    old = [i for i, line in enumerate(lines) if line.startswith(prefixes)]
    lines = [line for line in lines if not line.startswith(prefixes)]
    if old:
        at = old[0]
    else:
        anchor = [i for i, line in enumerate(lines) if line.startswith((before, "| compile"))]
        table = [i for i, line in enumerate(lines) if line.startswith("|")]
        at = anchor[0] if anchor else table[-1] + 1
    lines[at:at] = rows
    open(out, "w").write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("out")
    ap.add_argument("--command", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--only-pagerduty", action="store_true",
                    help="replace just the PagerDuty row of an existing table (BENCH_ONLY=pagerduty)")
    ap.add_argument("--only-replicas", action="store_true",
                    help="replace just the replicas rows of an existing table (BENCH_ONLY=replicas)")
    ap.add_argument("--only-stdio", action="store_true",
                    help="replace just the stdio rows of an existing table (BENCH_ONLY=stdio)")
    ap.add_argument("--only-pdpath", action="store_true",
                    help="replace just the PagerDuty-path rows of an existing table (BENCH_ONLY=pdpath)")
    ap.add_argument("--only-peers", action="store_true",
                    help="replace just the rmcp HTTP and front-door rows of an existing table (BENCH_ONLY=peers)")
    a = ap.parse_args()
    R = load(a.results)
    # One group of rows replaced in an existing table (BENCH_ONLY=...).
    for only, update in ((a.only_pagerduty, update_pagerduty), (a.only_replicas, update_replicas),
                         (a.only_peers, update_peers), (a.only_stdio, update_stdio),
                         (a.only_pdpath, update_pdpath)):
        if only:
            update(R, a.out)
            return
    g = lambda row, who, key: (R.get((row, who)) or {}).get(key)  # noqa: E731

    lines = [
        "| what | ours | Python peer | ratio vs Python | rmcp macro server | ratio vs rmcp | target |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(what, key, unit, target, row="stdio", hib=False):
        o, p, m = g(row, "ours", key), g(row, "python", key), g(row, "rmcp", key)
        lines.append(
            f"| {what} | {fmt(o, unit)} | {fmt(p, unit)} | {ratio(p, o, hib)} | "
            f"{fmt(m, unit)} | {ratio(m, o, hib)} | {target} |"
        )

    lines.extend(stdio_rows(R))
    row("wrapper: one call of echo, JSON in → JSON out (ours: the criterion bench's call; Python: `ToolExecutor.run`)",
        "call_us_median", "us", "≥ 50× faster", row="wrapper")
    for c in (1, 16, 64):
        row(f"Streamable HTTP: calls/s, {c} concurrent client(s)", "calls_per_s", "/s",
            "≥ 10× more, no errors" if c == 1 else "", row=f"http{c}", hib=True)
        row(f"Streamable HTTP: median latency, {c} client(s)", "call_us_median", "us", "", row=f"http{c}")
        errs = (g(f"http{c}", "ours", "errors"), g(f"http{c}", "python", "errors"))
        if any(e for e in errs if e):
            lines.append(f"| Streamable HTTP: errors, {c} client(s) | {errs[0]} | {errs[1]} | | | | no errors |")
    runs = ["http1", "http16", "http64"]
    runs += sorted((k for (k, who) in R if who == "ours" and k.startswith("http64r")),
                   key=lambda k: int(k[len("http64r"):]))
    rss = [g(r, "ours", "rss_kb") for r in runs]
    prss = [g(r, "python", "rss_kb") for r in runs]
    if any(rss):
        settle = g("http64", "ours", "settle_ms") or 0
        again = len(runs) - 3
        lines.append(
            f"| Streamable HTTP: resident memory {settle / 1000:g} s after the 1 / 16 / 64-client runs"
            + (f", then after {again} more 64-client run(s)" if again else "") + " | "
            + " / ".join(fmt(x, "MB") for x in rss) + " | "
            + " / ".join(fmt(x, "MB") for x in prss) + " | "
            + ratio(min((p for p in prss[2:] if p), default=None), max(r or 0 for r in rss[2:]))
            + " (our largest vs Python's smallest after 64 clients) | | | ≥ 5× less, flat |"
        )
        end = [g(r, "ours", "rss_kb_at_end") for r in runs[2:]]
        pend = [g(r, "python", "rss_kb_at_end") for r in runs[2:]]
        if any(end):
            lines.append(
                "| Streamable HTTP: resident memory at the end of each 64-client run, before settling | "
                + " / ".join(fmt(x, "MB") for x in end) + " | "
                + " / ".join(fmt(x, "MB") for x in pend) + " | "
                + ratio(min((p for p in pend if p), default=None), max(e or 0 for e in end)) + " | | | |"
            )
        hwm, phwm = g(runs[-1], "ours", "hwm_kb"), g(runs[-1], "python", "hwm_kb")
        if hwm:
            lines.append(
                f"| Streamable HTTP: peak resident memory (VmHWM) over all runs | {fmt(hwm, 'MB')} | "
                f"{fmt(phwm, 'MB')} | {ratio(phwm, hwm)} | | | |"
            )

    pd = pagerduty_row(R)
    if pd:
        lines.append(pd)
    lines.extend(pdpath_rows(R))
    lines.extend(replicas_rows(R))
    lines.extend(peers_rows(R))

    comp = R.get(("compile", "ours"))
    if comp:
        full = comp.get("clean_all_s")
        lines.append(
            "| compile, generated 100-tool toolkit (debug): rebuild after editing one tool "
            f"(median of 3) | {comp['touch_one_tool_s']:.1f} s | (no peer) | | | | under 5 s |"
        )
        lines.append(
            "| compile, same toolkit: the toolkit crate from clean, dependencies built"
            f" | {comp['clean_crate_s']:.1f} s | (no peer) | | | | report |"
        )
        if full:
            lines.append(
                "| compile, same toolkit: everything from an empty target directory (every dependency, debug)"
                f" | {full:.0f} s | (no peer) | | | | report |"
            )

    starts = (g("stdio", "ours", "starts"), g("stdio", "python", "starts"), g("stdio", "rmcp", "starts"))
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = f"""# Benchmarks

Reproduce with one command from the repository root:

```sh
{a.command}
```

Last run: {now}, machine: {a.machine}.
Peers: {a.peers}.

Every ratio compares figures measured in the same run (this machine is shared; absolute
times vary by ±30 % between runs). "Ratio" is how many times better ours is (faster,
more calls, less memory). stdio is timed by `arcade-bench` (a native client: blocking
pipes, no runtime), which spawns each server, so the client's own cost stays far below a
server's; process starts: ours/Python/rmcp {starts[0]}/{starts[1]}/{starts[2]}, median
reported. Python runs with `ARCADE_USAGE_TRACKING=0` and `log_level="WARNING"`, serving the
same 12-tool sample kit (`bench/peers/arcade_server.py`); rmcp's peer is `bench/src/bin/rmcp_echo.rs`
(its `#[tool]` macros, `transport::stdio()`, multi-thread runtime).

{chr(10).join(lines)}

Raw figures (median, p99, mean, memory at start and high-water mark) of every row, with
the run's date, command, machine and commit, are kept in `BENCHMARKS-results.jsonl`
(written by each full `bench/run`; runs before 2026-12-01 kept them only in `.cache/`).
"""
    extra = ""
    try:
        extra = open(a.out).read().split("<!-- notes -->", 1)[1]
        extra = "\n<!-- notes -->" + extra
    except (OSError, IndexError):
        pass
    open(a.out, "w").write(body + extra)


if __name__ == "__main__":
    main()
