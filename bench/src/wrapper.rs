//! `arcade-bench wrapper`: the criterion wrapper bench's call, timed without criterion.

use std::time::Instant;

use serde_json::{Value, json};

use crate::{Error, Opts, quantile, sorted};

/// Echo the input text.
#[arcade_tdk::tool]
fn echo(
    /// Text to echo back
    text: String,
) -> String {
    text
}

/// Polls a future that completes without waiting (trivial tools do).
fn run_ready<F: std::future::Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut fut = std::pin::pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("a trivial tool completes at once"),
    }
}

/// The wrapper bench's call: parse, look up, validate, run, encode `ToolCallOutput`.
fn wrapper_call(catalog: &arcade_tdk::Catalog, name: &str, input: &str) -> String {
    let entry = catalog.get(name).expect("tool exists");
    let args: serde_json::Map<String, Value> = serde_json::from_str(input).expect("an object");
    let output = run_ready(arcade_tdk::executor::execute(
        entry,
        args,
        arcade_tdk::ToolContext::default(),
    ))
    .into_output();
    serde_json::to_string(&output).expect("serializable")
}

pub(crate) fn wrapper(args: &[String]) -> Result<Value, Error> {
    use std::hint::black_box;
    let opts = Opts::parse(args)?;
    let batches = (opts.num("calls", 200_000)? / 1000).max(10);
    let catalog = arcade_tdk::Catalog::new(arcade_tdk::Toolkit::new("Bench").tool(echo::tool()))?;
    let out = wrapper_call(&catalog, "Bench.Echo", r#"{"text":"hello"}"#);
    if out != r#"{"value":"hello","logs":null,"error":null,"requires_authorization":null}"# {
        return Err(format!("unexpected output {out}").into());
    }
    let mut per_call = Vec::new();
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..1000 {
            black_box(wrapper_call(
                &catalog,
                black_box("Bench.Echo"),
                black_box(r#"{"text":"hello"}"#),
            ));
        }
        per_call.push(t.elapsed().as_secs_f64() * 1e6 / 1000.0);
    }
    let per_call = sorted(per_call);
    Ok(json!({
        "calls": batches * 1000,
        "call_us_median": quantile(&per_call, 0.5),
        "call_us_p99": quantile(&per_call, 0.99),
        "output": serde_json::from_str::<Value>(&out)?,
    }))
}
