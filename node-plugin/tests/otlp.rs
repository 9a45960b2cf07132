//! `serve --otlp-endpoint`: each verification's spans, request, queue and
//! guest, reach an OTLP/HTTP receiver (this test's own, on 127.0.0.1:0),
//! linked as one trace with the request as the parent of the other two.

#![cfg(unix)] // stops the server with kill -TERM

mod common;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn node() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ligerito-node"))
}

/// Answers every POST with 200 and an empty protobuf body (an empty
/// ExportTraceServiceResponse), and sends each body to the test.
fn receiver() -> (SocketAddr, mpsc::Receiver<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (sender, bodies) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let sender = sender.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                // Keep-alive: requests follow each other on one connection.
                loop {
                    let mut head = Vec::new();
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        head.push(line.trim_end().to_owned());
                    }
                    let length: usize = head
                        .iter()
                        .find_map(|h| {
                            let (name, value) = h.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    assert!(length <= 16 << 20, "a 16 MiB export?");
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let _ = sender.send((head[0].clone(), body));
                    let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n\
                                  Content-Length: 0\r\n\r\n";
                    if writer.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, bodies)
}

fn attribute(span: &Span, key: &str) -> Option<Value> {
    span.attributes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.clone()?.value)
}

#[test]
fn a_verification_exports_request_queue_and_guest_spans() {
    let (receiver_addr, bodies) = receiver();
    let proof = node()
        .args(["prove", "--size", "12", "--random", "--seed", "5"])
        .output()
        .unwrap()
        .stdout;
    let mut server = node()
        .args(["serve", "--rpc-addr", "127.0.0.1:0", "--no-prometheus"])
        .arg("--otlp-endpoint")
        .arg(format!("http://{receiver_addr}/v1/traces"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let addr: SocketAddr = common::logged(&mut log, "listening on ").parse().unwrap();
    let start = Instant::now();
    while common::http(addr, "GET", "/health", "").0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(30), "never ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    let request = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ligerito_verify","params":["0x{}",12]}}"#,
        hex::encode(&proof)
    );
    let (status, body) = common::http(addr, "POST", "/", &request);
    assert_eq!(status, 200, "{body}");
    // Stopping flushes the batch of spans.
    common::stop_with_sigterm(server, log);

    let mut spans = Vec::new();
    while let Ok((request_line, body)) = bodies.recv_timeout(Duration::from_secs(10)) {
        assert_eq!(request_line, "POST /v1/traces HTTP/1.1");
        let export = ExportTraceServiceRequest::decode(body.as_slice()).unwrap();
        for resource in export.resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
        if spans.iter().any(|s| s.name == "request") {
            break;
        }
    }
    let named = |name: &str| {
        let found: Vec<&Span> = spans.iter().filter(|s| s.name == name).collect();
        assert_eq!(found.len(), 1, "one {name} span in {spans:#?}");
        found[0]
    };
    let (request, queue, guest) = (named("request"), named("queue"), named("guest"));
    assert!(request.parent_span_id.is_empty(), "the request is the root");
    for child in [queue, guest] {
        assert_eq!(child.trace_id, request.trace_id);
        assert_eq!(child.parent_span_id, request.span_id, "{}", child.name);
    }
    assert!(queue.end_time_unix_nano <= guest.start_time_unix_nano);
    assert!(guest.end_time_unix_nano <= request.end_time_unix_nano);
    assert_eq!(
        attribute(request, "method"),
        Some(Value::StringValue("ligerito_verify".into()))
    );
    assert_eq!(
        attribute(guest, "verdict"),
        Some(Value::StringValue("Valid".into()))
    );
    let gas = attribute(guest, "gas_used");
    assert!(
        matches!(gas, Some(Value::IntValue(gas)) if gas > 0),
        "{gas:?}"
    );
}
