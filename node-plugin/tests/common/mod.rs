//! Helpers for tests that run the `ligerito-node` binary as a server.

use std::io::{BufReader, Read};
use std::process::{Child, ChildStderr, Command};

/// Sends SIGTERM, waits for a clean exit and returns the rest of the log.
pub fn stop_with_sigterm(mut server: Child, mut log: BufReader<ChildStderr>) -> String {
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = String::new();
    log.read_to_string(&mut rest).unwrap();
    assert!(server.wait().unwrap().success(), "{rest}");
    rest
}
