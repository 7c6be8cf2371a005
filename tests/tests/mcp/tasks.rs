//! The MCP tasks extension (SEP-2663) on the wire, over stateless 2026-07-28 HTTP
//! requests, with the conformance kit's task fixtures (`examples/src/conformance/tasks.rs`):
//! the capability, task creation, `tasks/get` until the result, a tool error and a panic,
//! `tasks/cancel`, `tasks/update` answering a question, -32021 for a required-task tool
//! without the extension, and the removed `tasks/result`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arcade_examples::conformance;
use arcade_tdk::Catalog;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{HttpOptions, McpOptions, http_router, serve_http_listener};
use arcade_tdk::store::MemoryStore;
use serde_json::{Value, json};

const TASKS: &str = "io.modelcontextprotocol/tasks";

async fn start() -> SocketAddr {
    let catalog = Arc::new(Catalog::new(conformance::full_toolkit()).unwrap());
    let options = McpOptions::new("conformance", "1.0.0")
        .with_environment(Arc::new(LocalEnvironment::from_vars(
            Vec::<(String, String)>::new(),
        )))
        .with_store(Arc::new(MemoryStore::new()));
    let router = http_router(catalog, options, HttpOptions::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_http_listener(
        router,
        listener,
        std::future::pending(),
    ));
    addr
}

/// A stateless request declaring `capabilities`; its JSON-RPC answer.
async fn request(addr: SocketAddr, method: &str, mut params: Value, capabilities: Value) -> Value {
    params["_meta"] = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                             "io.modelcontextprotocol/clientCapabilities": capabilities});
    let mut headers = vec![
        ("mcp-protocol-version", "2026-07-28".to_owned()),
        ("mcp-method", method.to_owned()),
    ];
    if let Some(name) = params
        .get("name")
        .or_else(|| params.get("taskId"))
        .and_then(Value::as_str)
    {
        headers.push(("mcp-name", name.to_owned()));
    }
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let url = format!("http://{addr}/mcp");
    let text = arcade_tests::mcp::post(&url, &headers, body.to_string())
        .await
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|m| m.get("id") == Some(&json!(1)))
            .unwrap_or_else(|| panic!("no response in {text}"))
    })
}

fn with_tasks() -> Value {
    json!({"elicitation": {}, "extensions": {TASKS: {}}})
}

async fn call(addr: SocketAddr, name: &str, arguments: Value) -> Value {
    let params = json!({"name": name, "arguments": arguments});
    request(addr, "tools/call", params, with_tasks()).await
}

/// `tasks/get` until `done` says the state is the one waited for (at most 20 s).
async fn poll(addr: SocketAddr, task_id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let got = request(addr, "tasks/get", json!({"taskId": task_id}), with_tasks()).await;
        if done(&got["result"]) {
            return got["result"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("task {task_id} did not reach the state");
}

fn terminal(task: &Value) -> bool {
    ["completed", "failed", "cancelled"].contains(&task["status"].as_str().unwrap_or(""))
}

#[tokio::test]
async fn the_extension_is_declared_and_a_task_runs_to_its_result() {
    let addr = start().await;
    let discover = request(addr, "server/discover", json!({}), json!({})).await;
    assert!(
        discover["result"]["capabilities"]["extensions"][TASKS].is_object(),
        "{discover}"
    );

    let created = call(addr, "slow_compute", json!({"seconds": 0, "label": "t1"})).await;
    let result = &created["result"];
    assert_eq!(result["resultType"], "task", "{created}");
    assert_eq!(result["status"], "working", "{created}");
    assert!(result["ttlMs"].as_u64().is_some(), "{created}");
    let id = result["taskId"].as_str().unwrap();
    let done = poll(addr, id, terminal).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        done["result"]["content"][0]["text"], "Computed for 0s (t1)",
        "{done}"
    );

    // The same tool without the extension: a plain result.
    let params = json!({"name": "slow_compute", "arguments": {"seconds": 0}});
    let plain = request(addr, "tools/call", params, json!({})).await;
    assert_eq!(plain["result"]["resultType"], "complete", "{plain}");
    assert!(plain["result"].get("taskId").is_none(), "{plain}");
}

#[tokio::test]
async fn a_tool_error_completes_and_a_panic_fails() {
    let addr = start().await;
    let created = call(addr, "failing_job", json!({})).await;
    let id = created["result"]["taskId"].as_str().unwrap().to_owned();
    let done = poll(addr, &id, terminal).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["isError"], true, "{done}");

    let created = call(addr, "protocol_error_job", json!({})).await;
    let id = created["result"]["taskId"].as_str().unwrap().to_owned();
    let done = poll(addr, &id, terminal).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["error"]["code"], -32603, "{done}");
    assert!(done.get("result").is_none(), "{done}");
    // The panic's message stays on the server.
    assert!(!done.to_string().contains("on purpose"), "{done}");
}

#[tokio::test]
async fn a_cancelled_task_settles_as_cancelled() {
    let addr = start().await;
    let created = call(addr, "slow_compute", json!({"seconds": 60})).await;
    let id = created["result"]["taskId"].as_str().unwrap().to_owned();
    let ack = request(addr, "tasks/cancel", json!({"taskId": id}), with_tasks()).await;
    assert_eq!(ack["result"], json!({"resultType": "complete"}), "{ack}");
    let done = poll(addr, &id, terminal).await;
    assert_eq!(done["status"], "cancelled", "{done}");
}

#[tokio::test]
async fn a_task_waits_for_the_answer_of_tasks_update() {
    let addr = start().await;
    let created = call(addr, "confirm_delete", json!({"filename": "a.txt"})).await;
    let id = created["result"]["taskId"].as_str().unwrap().to_owned();
    let waiting = poll(addr, &id, |t| t["status"] == "input_required").await;
    let requests = waiting["inputRequests"].as_object().unwrap();
    assert_eq!(requests.len(), 1, "{waiting}");
    let (key, asked) = requests.iter().next().unwrap();
    assert_eq!(asked["method"], "elicitation/create", "{waiting}");
    let answer = json!({"taskId": id, "inputResponses":
        {key.clone(): {"action": "accept", "content": {"confirm": true}}}});
    let ack = request(addr, "tasks/update", answer, with_tasks()).await;
    assert_eq!(ack["result"], json!({"resultType": "complete"}), "{ack}");
    let done = poll(addr, &id, terminal).await;
    assert_eq!(
        done["result"]["content"][0]["text"], "Deleted a.txt",
        "{done}"
    );
}

#[tokio::test]
async fn errors_required_task_unknown_id_and_removed_methods() {
    let addr = start().await;
    // A required-task tool from a client without the extension.
    let params = json!({"name": "failing_job", "arguments": {}});
    let refused = request(addr, "tools/call", params, json!({})).await;
    assert_eq!(refused["error"]["code"], -32021, "{refused}");
    assert!(
        refused["error"]["data"]["requiredCapabilities"]["extensions"][TASKS].is_object(),
        "{refused}"
    );
    // An unknown id.
    let unknown = request(addr, "tasks/get", json!({"taskId": "nope"}), with_tasks()).await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    // tasks/get without the extension.
    let gated = request(addr, "tasks/get", json!({"taskId": "nope"}), json!({})).await;
    assert_eq!(gated["error"]["code"], -32021, "{gated}");
    // Removed in this revision of the extension.
    for method in ["tasks/result", "tasks/list"] {
        let removed = request(addr, method, json!({"taskId": "nope"}), with_tasks()).await;
        assert_eq!(removed["error"]["code"], -32601, "{method}: {removed}");
    }
}

/// `tools/call` of `test_tool_with_task` (a task that is created only once the user's
/// name is known), with `extra` params (the answers of a round).
async fn call_deferred(addr: SocketAddr, extra: Value) -> Value {
    let mut params = json!({"name": "test_tool_with_task", "arguments": {}});
    params
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    request(addr, "tools/call", params, with_tasks()).await
}

#[tokio::test]
async fn an_input_required_round_then_a_task_that_does_not_ask_again() {
    let addr = start().await;
    // Round 1: a question, no task yet.
    let round1 = call_deferred(addr, json!({})).await;
    let result = &round1["result"];
    assert_eq!(result["resultType"], "input_required", "{round1}");
    assert!(result.get("taskId").is_none(), "{round1}");
    assert_eq!(
        result["inputRequests"]["user_name"]["method"], "elicitation/create",
        "{round1}"
    );
    let state = result["requestState"].as_str().unwrap().to_owned();

    // Round 2 with the answer: the task, without the MRTR fields.
    let answer = json!({"user_name": {"action": "accept", "content": {"name": "Alice"}}});
    let round2 = call_deferred(
        addr,
        json!({"inputResponses": answer, "requestState": state}),
    )
    .await;
    let created = &round2["result"];
    assert_eq!(created["resultType"], "task", "{round2}");
    assert_eq!(created["status"], "working", "{round2}");
    assert!(created.get("requestState").is_none(), "{round2}");
    assert!(created.get("inputRequests").is_none(), "{round2}");
    let id = created["taskId"].as_str().unwrap();
    // The task runs the tool again with the name it was given: it does not ask again.
    let done = poll(addr, id, |t| terminal(t) || t["status"] == "input_required").await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        done["result"]["content"][0]["text"], "Hello, Alice! (from the task)",
        "{done}"
    );
}

#[tokio::test]
async fn a_declined_round_ends_without_a_task_and_a_forged_state_is_refused() {
    let addr = start().await;
    let round1 = call_deferred(addr, json!({})).await;
    let state = round1["result"]["requestState"]
        .as_str()
        .unwrap()
        .to_owned();
    let declined = json!({"user_name": {"action": "decline"}});
    let round2 = call_deferred(
        addr,
        json!({"inputResponses": declined, "requestState": state.clone()}),
    )
    .await;
    assert_eq!(round2["result"]["resultType"], "complete", "{round2}");
    assert!(round2["result"].get("taskId").is_none(), "{round2}");
    assert_eq!(
        round2["result"]["content"][0]["text"], "No name given (decline)",
        "{round2}"
    );

    // A state changed by one character does not open.
    let mut forged = state.into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let answer = json!({"user_name": {"action": "accept", "content": {"name": "Mallory"}}});
    let refused = call_deferred(
        addr,
        json!({"inputResponses": answer, "requestState": forged}),
    )
    .await;
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
}

#[tokio::test]
async fn in_a_2025_session_the_question_goes_to_the_session_and_the_task_follows() {
    use arcade_tdk::interaction::{ClientRequest, Elicitation};
    use arcade_tdk::testing::{ClientScript, mcp};

    let script = ClientScript::new().elicitation(Elicitation::Accept(json!({"name": "Bob"})));
    let options = McpOptions::new("conformance", "1.0.0").with_store(Arc::new(MemoryStore::new()));
    let client =
        mcp::connect_with_client(conformance::full_toolkit(), options, script.clone()).await;
    let meta = json!({"io.modelcontextprotocol/clientCapabilities":
        {"elicitation": {}, "extensions": {TASKS: {}}}});
    let params = json!({"name": "test_tool_with_task", "arguments": {}, "_meta": meta});
    let created = client.request("tools/call", params).await.unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    let id = created["taskId"].as_str().unwrap();
    let mut done = Value::Null;
    for _ in 0..200 {
        let params = json!({"taskId": id, "_meta": meta});
        done = client.request("tasks/get", params).await.unwrap();
        if terminal(&done) || done["status"] == "input_required" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        done["result"]["content"][0]["text"], "Hello, Bob! (from the task)",
        "{done}"
    );
    // Asked once, on the session, before the task; the task did not ask again.
    let asked = script.requests();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(matches!(&asked[0], ClientRequest::Elicit(p) if p["message"] == "What is your name?"));
}

/// `execution.taskSupport` of each tool in a `tools/list` answer, by name.
fn task_support(list: &Value) -> std::collections::BTreeMap<String, Value> {
    list["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| {
            let support = t["execution"]["taskSupport"].clone();
            (t["name"].as_str().unwrap().to_owned(), support)
        })
        .collect()
}

#[tokio::test]
async fn tools_list_declares_task_support_on_both_paths() {
    let addr = start().await;
    let lean = request(addr, "tools/list", json!({}), json!({})).await;
    let lean = task_support(&lean["result"]);

    let options = McpOptions::new("conformance", "1.0.0").with_store(Arc::new(MemoryStore::new()));
    let client = arcade_tdk::testing::mcp::connect(conformance::full_toolkit(), options).await;
    let in_process = client.request("tools/list", json!({})).await.unwrap();
    let in_process = task_support(&in_process);
    let session = task_support(&session_tools_list(addr).await["result"]);

    for support in [&lean, &in_process, &session] {
        assert_eq!(support["test_tool_with_task"], "required");
        assert_eq!(support["failing_job"], "required");
        assert_eq!(support["slow_compute"], "optional");
        // A tool that never runs as a task has no `execution`.
        assert_eq!(support["test_simple_text"], Value::Null);
    }
    assert_eq!(lean, in_process, "the lean path and rmcp's answer alike");
    assert_eq!(lean, session, "the lean path and a 2025 HTTP session alike");
}

/// `tools/list` in a 2025-11-25 HTTP session (rmcp's session path), its JSON-RPC answer.
async fn session_tools_list(addr: SocketAddr) -> Value {
    let url = format!("http://{addr}/mcp");
    let session = arcade_tests::mcp::HttpSession::open(&url, "2025-11-25").await;
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let text = session.post(list.to_string()).await.text().await.unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .find(|m| m["id"] == 1)
        .unwrap_or_else(|| panic!("no answer in {text}"))
}

/// The `notifications/tasks` the client got for task `id`, once one says `status`
/// (at most 10 s).
async fn statuses_until(
    client: &arcade_tdk::testing::mcp::McpTestClient,
    id: &str,
    status: &str,
) -> Vec<Value> {
    for _ in 0..100 {
        let got: Vec<Value> = client
            .notifications_named("notifications/tasks")
            .into_iter()
            .filter(|p| p["taskId"] == id)
            .collect();
        if got.iter().any(|p| p["status"] == status) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no notifications/tasks with status {status} for {id}");
}

#[tokio::test]
async fn a_2025_session_is_told_when_its_task_waits_and_when_it_ends() {
    use arcade_tdk::testing::mcp;

    let options = McpOptions::new("conformance", "1.0.0").with_store(Arc::new(MemoryStore::new()));
    let client = mcp::connect(conformance::full_toolkit(), options).await;
    let meta = json!({"io.modelcontextprotocol/clientCapabilities":
        {"elicitation": {}, "extensions": {TASKS: {}}}});
    let params =
        json!({"name": "confirm_delete", "arguments": {"filename": "b.txt"}, "_meta": meta});
    let created = client.request("tools/call", params).await.unwrap();
    let id = created["taskId"].as_str().unwrap().to_owned();

    // Told it waits, with the question (as tasks/get would answer), before any poll.
    let told = statuses_until(&client, &id, "input_required").await;
    let waiting = told
        .iter()
        .find(|p| p["status"] == "input_required")
        .unwrap();
    let (key, asked) = waiting["inputRequests"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    assert_eq!(asked["method"], "elicitation/create", "{waiting}");

    let answer = json!({"taskId": id, "_meta": meta, "inputResponses":
        {key.clone(): {"action": "accept", "content": {"confirm": false}}}});
    client.request("tasks/update", answer).await.unwrap();
    // Told it ended, with the result inlined.
    let told = statuses_until(&client, &id, "completed").await;
    let done = told.iter().find(|p| p["status"] == "completed").unwrap();
    assert_eq!(done["result"]["content"][0]["text"], "Kept b.txt", "{done}");
    assert!(
        told.iter()
            .all(|p| ["input_required", "completed"].contains(&p["status"].as_str().unwrap())),
        "{told:?}"
    );
}
