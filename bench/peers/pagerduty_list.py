"""The PagerDuty row's peer: the official `pagerduty` package lists every incident.

    python pagerduty_list.py BASE_URL

`RestApiV2Client.iter_all("incidents")` (its own pagination: pages of 100, sequential,
429s retried after `ratelimit-reset` / backoff) against the fake PagerDuty at BASE_URL.
Prints `{"count": N, "secs": S}`, timed from the client's construction to the last
incident, like ours.
"""

import json
import sys
import time

import pagerduty


def main():
    url = sys.argv[1]
    t = time.perf_counter()
    client = pagerduty.RestApiV2Client("bench-token")
    # The `url` setter insists on https://; the fake serves plain HTTP on loopback.
    client._url = url.rstrip("/")
    count = sum(1 for _ in client.iter_all("incidents"))
    secs = time.perf_counter() - t
    print(json.dumps({"count": count, "secs": secs}))


if __name__ == "__main__":
    main()
