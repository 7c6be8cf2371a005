use arcade_tdk::tool;

struct S;

impl S {
    /// A method.
    #[tool]
    fn method(&self) {}
}

fn main() {}
