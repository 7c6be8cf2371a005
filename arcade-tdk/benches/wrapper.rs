//! One call of a trivial tool through the generated wrapper and the executor, JSON text
//! in to JSON text out: parse, validate, decode, run, encode Arcade's ToolCallOutput.
//!
//! `cargo bench -p arcade-tdk --bench wrapper`. The goal is a median under 2 µs.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use arcade_tdk::{Catalog, ToolContext, Toolkit, executor, tool};
use criterion::{Criterion, criterion_group, criterion_main};

/// Echo the input text.
#[tool]
fn echo(
    /// Text to echo back
    text: String,
) -> String {
    text
}

/// Add two integers.
#[tool]
async fn add(
    /// First addend
    a: i64,
    /// Second addend
    b: i64,
) -> i64 {
    a + b
}

/// Polls a future that completes without waiting (trivial tools do).
fn run_ready<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("a trivial tool completes at once"),
    }
}

fn call(catalog: &Catalog, name: &str, input: &str) -> String {
    let entry = catalog.get(name).expect("tool exists");
    let args: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(input).expect("an object");
    let output = run_ready(executor::execute(entry, args, ToolContext::default())).into_output();
    serde_json::to_string(&output).expect("serializable")
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::new(Toolkit::new("Bench").tool(echo::tool()).tool(add::tool())).unwrap();
    assert_eq!(
        call(&catalog, "Bench.Echo", r#"{"text":"hello"}"#),
        r#"{"value":"hello","logs":null,"error":null,"requires_authorization":null}"#
    );
    c.bench_function("wrapper/echo json->json", |b| {
        b.iter(|| {
            call(
                &catalog,
                black_box("Bench.Echo"),
                black_box(r#"{"text":"hello"}"#),
            )
        })
    });
    c.bench_function("wrapper/add lax \"2\" json->json", |b| {
        b.iter(|| {
            call(
                &catalog,
                black_box("Bench_Add"),
                black_box(r#"{"a":"2","b":3}"#),
            )
        })
    });
    c.bench_function("wrapper/echo bad input json->json", |b| {
        b.iter(|| {
            call(
                &catalog,
                black_box("Bench.Echo"),
                black_box(r#"{"txt":"hello"}"#),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
