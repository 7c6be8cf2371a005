//! The standard command line: in-process with captured output (its commands, and
//! hostile input to `call`), and in a real child process
//! (the crate's test-only binary `cli_sample`).

mod commands;
mod hostile;
mod process;
