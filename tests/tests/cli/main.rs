//! The standard command line: in-process with captured output, and in a real child
//! process (this test binary re-executed in "child mode").

mod commands;
mod process;
