//! Helpers for tests that run the `ligerito-node` binary as a server.
#![allow(dead_code)] // each test crate uses its own part of these

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStderr, Command};
use std::time::Duration;

/// One HTTP/1.1 request; returns the status and the body.
pub fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    http_with(addr, method, path, "", body)
}

/// [`http`] with more `headers` (each line ending in CRLF).
pub fn http_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

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

/// The text after `marker` up to the next space, in the first line holding it.
pub fn logged(log: &mut impl BufRead, marker: &str) -> String {
    loop {
        let mut line = String::new();
        assert_ne!(
            log.read_line(&mut line).unwrap(),
            0,
            "never logged {marker}"
        );
        if let Some(rest) = line.split(marker).nth(1) {
            return rest.split_whitespace().next().unwrap().to_owned();
        }
    }
}
