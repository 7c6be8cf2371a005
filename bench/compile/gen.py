"""Generates a toolkit crate of N `#[tool]` functions (10 per module), for the compile-time
row of bench/run. Usage: gen.py OUT_DIR REPO_ROOT [N]."""

import os
import sys

out, root = sys.argv[1], os.path.abspath(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 100
per_module = 10
os.makedirs(os.path.join(out, "src"), exist_ok=True)

open(os.path.join(out, "Cargo.toml"), "w").write(f"""[package]
name = "toolkit100"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
arcade-tdk = {{ path = "{root}/arcade-tdk" }}
serde_json = "1"

[workspace]
""")

modules = (n + per_module - 1) // per_module
lib = ["//! A generated toolkit of %d tools.\n" % n]
lib.append("use arcade_tdk::Toolkit;\n")
for m in range(modules):
    lib.append(f"pub mod m{m};\n")
lib.append("\n/// The toolkit.\npub fn toolkit() -> Toolkit {\n    Toolkit::new(\"Generated\")\n")
for i in range(n):
    lib.append(f"        .tool(m{i // per_module}::tool_{i}::tool())\n")
lib.append("}\n")
open(os.path.join(out, "src", "lib.rs"), "w").write("".join(lib))

for m in range(modules):
    src = ["//! Generated tools.\n#![allow(missing_docs)]\nuse arcade_tdk::tool;\n"]
    for i in range(m * per_module, min(n, (m + 1) * per_module)):
        kind = i % 4
        if kind == 0:
            src.append(f'''
/// Echo the text ({i}).
#[tool]
pub fn tool_{i}(
    /// Text to echo back
    text: String,
) -> String {{
    text
}}
''')
        elif kind == 1:
            src.append(f'''
/// Add two numbers ({i}).
#[tool]
pub async fn tool_{i}(
    /// First addend
    a: i64,
    /// Second addend
    b: Option<i64>,
) -> i64 {{
    a + b.unwrap_or({i})
}}
''')
        elif kind == 2:
            src.append(f'''
/// Join labels ({i}).
#[tool]
pub fn tool_{i}(
    /// Labels to join
    labels: Vec<String>,
    /// Upper-case them
    upper: Option<bool>,
) -> String {{
    let joined = labels.join(",");
    if upper.unwrap_or(false) {{ joined.to_uppercase() }} else {{ joined }}
}}
''')
        else:
            src.append(f'''
/// Describe a value ({i}).
#[tool]
pub async fn tool_{i}(
    /// Any JSON value
    value: serde_json::Value,
) -> serde_json::Value {{
    serde_json::json!({{"tool": {i}, "value": value}})
}}
''')
    open(os.path.join(out, "src", f"m{m}.rs"), "w").write("".join(src))

os.makedirs(os.path.join(out, "src", "bin"), exist_ok=True)
open(os.path.join(out, "src", "bin", "toolkit100.rs"), "w").write(
    "fn main() -> std::process::ExitCode {\n    arcade_tdk::cli::run(toolkit100::toolkit())\n}\n"
)
