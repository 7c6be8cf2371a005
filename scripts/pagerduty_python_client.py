"""PagerDuty's Python client library (PyPI `pagerduty`) against the sandbox.

    python scripts/pagerduty_python_client.py BASE_URL TOKEN

For every area the toolkit covers it lists the area with the library's own pagination
(`iter_all`, `iter_cursor` for cursor-paged alert grouping settings) and reads one
record with `rget`, then checks what came back. Prints one line per check and ends with
`N passed, N failed`; the exit status is 1 when any failed.
"""

import sys
import traceback

import pagerduty

CHECKS = []


def check(name):
    def wrap(fn):
        CHECKS.append((name, fn))
        return fn
    return wrap


def ids(items):
    return [i["id"] for i in items]


def client_for(base, token):
    client = pagerduty.RestApiV2Client(token, auth_type="oauth2")
    # The `url` setter insists on https://; the sandbox serves plain HTTP on loopback.
    client._url = base.rstrip("/")
    # Pages of 5, so that every list below takes several requests.
    client.default_page_size = 5
    return client


def listed_and_one(pd, path, expect_min, key=None):
    items = list(pd.iter_all(path))
    assert len(items) >= expect_min, f"{path}: {len(items)} < {expect_min}"
    assert len(set(ids(items))) == len(items), f"{path}: duplicates across pages"
    one = pd.rget(f"{path}/{items[0]['id']}")
    assert one["id"] == items[0]["id"], one
    return items


def register(pd):
    @check("incidents: iter_all and rget")
    def _():
        items = listed_and_one(pd, "incidents", 30)
        assert any(i["status"] == "triggered" for i in items)

    @check("incident alerts, notes and log entries")
    def _():
        assert list(pd.iter_all("incidents/PINC001/alerts"))
        assert list(pd.iter_all("incidents/PINC001/log_entries"))
        assert pd.rget("incidents/PINC002/notes") is not None

    @check("log entries: iter_all")
    def _():
        assert len(list(pd.iter_all("log_entries"))) > 5

    @check("users: iter_all and rget")
    def _():
        listed_and_one(pd, "users", 8)

    @check("users/me")
    def _():
        assert pd.rget("users/me")["id"] == "PUSR001"

    @check("teams: iter_all, rget and members")
    def _():
        listed_and_one(pd, "teams", 3)
        assert list(pd.iter_all("teams/PTEAM01/members"))

    @check("schedules: iter_all and rget")
    def _():
        listed_and_one(pd, "schedules", 3)

    @check("escalation policies: iter_all and rget")
    def _():
        listed_and_one(pd, "escalation_policies", 3)

    @check("services: iter_all and rget")
    def _():
        listed_and_one(pd, "services", 5)

    @check("priorities: iter_all")
    def _():
        assert len(list(pd.iter_all("priorities"))) == 5

    @check("on-calls: iter_all")
    def _():
        assert list(pd.iter_all("oncalls"))

    @check("change events: iter_all")
    def _():
        assert list(pd.iter_all("change_events"))

    @check("maintenance windows: iter_all")
    def _():
        list(pd.iter_all("maintenance_windows", params={"filter": "all"}))

    @check("incident workflows: iter_all")
    def _():
        assert len(list(pd.iter_all("incident_workflows"))) == 3

    @check("status pages: iter_all, severities, impacts, statuses")
    def _():
        pages = list(pd.iter_all("status_pages"))
        assert ids(pages) == ["PSTP001", "PSTP002"], ids(pages)
        for part in ["severities", "impacts", "statuses"]:
            items = list(pd.iter_all(f"status_pages/PSTP001/{part}"))
            assert items, part
            # `rget` guesses the wrapper from the path (`statuse` for `statuses`);
            # PagerDuty's answer, like the sandbox's, wraps one in `status`.
            one = pd.jget(f"status_pages/PSTP001/{part}/{items[0]['id']}")
            assert list(one.values())[0]["id"] == items[0]["id"], part

    @check("status page posts and post updates")
    def _():
        posts = list(pd.iter_all("status_pages/PSTP001/posts"))
        assert len(posts) == 3
        post = pd.rget(f"status_pages/PSTP001/posts/{posts[0]['id']}")
        assert post["title"]
        updates = list(pd.iter_all(f"status_pages/PSTP001/posts/{posts[0]['id']}/post_updates"))
        assert updates and updates[0]["message"]

    @check("event orchestrations: iter_all, rget, router, global, unrouted")
    def _():
        items = list(pd.iter_all("event_orchestrations"))
        assert len(items) == 12, len(items)
        one = pd.rget(f"event_orchestrations/{items[0]['id']}")
        assert one["id"] == items[0]["id"]
        for part in ["router", "global", "unrouted"]:
            path = pd.rget(f"event_orchestrations/{items[0]['id']}/{part}")
            assert path["type"] == part, path

    @check("service orchestrations")
    def _():
        # Not an entity wrapper the library knows (it would expect `service`).
        path = pd.jget("event_orchestrations/services/PSVC001")["orchestration_path"]
        assert path["type"] == "service", path

    @check("business services: iter_all and rget")
    def _():
        listed_and_one(pd, "business_services", 2)

    @check("service dependencies: technical and business")
    def _():
        tech = pd.jget("service_dependencies/technical_services/PSVC001")
        assert len(tech["relationships"]) == 3, tech
        biz = pd.jget("service_dependencies/business_services/PBSV001")
        assert len(biz["relationships"]) == 2, biz

    @check("alert grouping settings: iter_alert_grouping_settings (cursor) and rget")
    def _():
        items = list(pd.iter_alert_grouping_settings(limit=1))
        assert ids(items) == ["PAGS001", "PAGS002", "PAGS003"], ids(items)
        assert pd.rget("alert_grouping_settings/PAGS002")["type"] == "intelligent"

    @check("webhook subscriptions: iter_all and rget")
    def _():
        listed_and_one(pd, "webhook_subscriptions", 12)

    @check("extension schemas: iter_all and rget")
    def _():
        listed_and_one(pd, "extension_schemas", 2)

    @check("v3 schedules: iter_all, rget, rotations, events, custom shifts, overrides")
    def _():
        items = list(pd.iter_all("v3/schedules"))
        assert ids(items) == ["PSHS001", "PSHS002", "PSHS003"], ids(items)
        one = pd.rget("v3/schedules/PSHS001")
        assert [r["id"] for r in one["rotations"]] == ["PSHR001D", "PSHR001N"], one
        rotations = list(pd.iter_all("v3/schedules/PSHS001/rotations"))
        assert ids(rotations) == ["PSHR001D", "PSHR001N"], ids(rotations)
        events = list(pd.iter_all("v3/schedules/PSHS001/rotations/PSHR001D/events"))
        assert ids(events) == ["PSHE001D"], ids(events)
        window = {"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"}
        shifts = list(pd.iter_all("v3/schedules/PSHS001/custom_shifts", params=window))
        assert ids(shifts) == ["PSCS001", "PSCS002"], ids(shifts)
        overrides = list(pd.iter_all("v3/schedules/PSHS001/overrides", params=window))
        assert ids(overrides) == ["PSOV001", "PSOV002"], ids(overrides)
        shift = pd.jget("v3/schedules/PSHS001/custom_shifts/PSCS001")["custom_shift"]
        assert shift["assignments"][0]["member"]["user_id"] == "PUSR005", shift

    @check("errors: an unknown incident is the library's 404")
    def _():
        try:
            pd.rget("incidents/PNOPE99")
        except pagerduty.Error as e:
            assert e.response is not None and e.response.status_code == 404, e
        else:
            raise AssertionError("no error")


def main():
    base, token = sys.argv[1], sys.argv[2]
    pd = client_for(base, token)
    register(pd)
    passed = failed = 0
    for name, fn in CHECKS:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
