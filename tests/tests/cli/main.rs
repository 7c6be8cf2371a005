//! The standard command line: in-process with captured output (its commands, and
//! hostile input to `call`), and in a real child process (this test binary re-executed
//! in "child mode").

mod commands;
mod hostile;
mod process;
