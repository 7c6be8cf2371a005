//! Compile-error tests of `#[tool]`: each mistake is reported at the offending token.
//! The `.stderr` snapshots are for the pinned toolchain (rust-toolchain.toml).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
