"""Python's executor on the trivial echo tool, JSON text in to JSON text out: the peer of
`cargo bench -p arcade-tdk --bench wrapper` ("wrapper/echo json->json").

Per call: json.loads the arguments, look the tool up in the catalog, ToolExecutor.run
(pydantic input validation, the call, output validation), ToolCallOutput to JSON.
Prints one JSON object: median and p99 in microseconds over N calls after warm-up.
"""

import asyncio
import json
import statistics
import sys
import time
from typing import Annotated

from arcade_core.catalog import ToolCatalog
from arcade_core.executor import ToolExecutor
from arcade_core.schema import ToolContext
from arcade_tdk import tool


@tool
def echo(text: Annotated[str, "Text to echo back"]) -> Annotated[str, "The same text"]:
    """Echo the input text."""
    return text


async def main(n: int) -> None:
    catalog = ToolCatalog()
    catalog.add_tool(echo, "Bench")
    context = ToolContext()

    async def call(name: str, body: str) -> str:
        args = json.loads(body)
        t = catalog.get_tool_by_name(name)
        out = await ToolExecutor.run(
            func=t.tool,
            definition=t.definition,
            input_model=t.input_model,
            output_model=t.output_model,
            context=context,
            **args,
        )
        return out.model_dump_json()

    first = await call("Bench.Echo", '{"text":"hello"}')
    assert '"hello"' in first, first
    for _ in range(200):
        await call("Bench.Echo", '{"text":"hello"}')
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        await call("Bench.Echo", '{"text":"hello"}')
        times.append((time.perf_counter() - t0) * 1e6)
    times.sort()
    print(json.dumps({
        "calls": n,
        "call_us_median": statistics.median(times),
        "call_us_p99": times[int(0.99 * (n - 1))],
        "output": json.loads(first),
    }))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
