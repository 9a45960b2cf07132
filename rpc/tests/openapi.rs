//! openapi.json against the server: every route is in it, and its schemas
//! name exactly the fields the server answers and reads, so that the
//! document cannot drift from the code unnoticed.

mod common;

use common::*;
use ligerito_rpc::{RpcConfig, VerifyRequest, OPENAPI};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;

fn doc() -> Value {
    serde_json::from_str(OPENAPI).expect("openapi.json is JSON")
}

/// Every route the server answers outside JSON-RPC, with an Accept header.
const ROUTES: [(&str, &str, &str); 6] = [
    ("post", "/verify", "application/json"),
    ("get", "/health", "application/json"),
    ("get", "/config", "application/json"),
    ("get", "/openapi.json", "application/json"),
    ("get", "/", "text/html"),
    ("get", "/app.js", "text/javascript"),
];

#[tokio::test]
async fn the_openapi_document_parses_and_lists_every_route() {
    let doc = doc();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), ROUTES.len(), "{:?}", paths.keys());
    for (method, path, _) in ROUTES {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} is not in openapi.json"
        );
    }
    // Every reference resolves.
    let text = OPENAPI.replace(' ', "");
    for reference in text.split("\"$ref\":\"#/").skip(1) {
        let pointer = format!("/{}", reference.split('"').next().unwrap());
        assert!(doc.pointer(&pointer).is_some(), "dangling $ref {pointer}");
    }

    let server = TestServer::start(config()).await;
    for (method, path, accept) in ROUTES {
        let method = method.to_uppercase();
        let (status, head, body) = exchange(
            server.addr,
            &method,
            path,
            &[("Accept", accept), ("Content-Type", "application/json")],
            b"{}",
        )
        .await;
        assert_ne!(status, 404, "{method} {path}: {body}");
        let content_type = header(&head, "content-type").unwrap();
        assert!(content_type.starts_with(accept), "{path}: {content_type}");
    }
    let (_, _, served) = exchange(server.addr, "GET", "/openapi.json", &[], b"").await;
    assert_eq!(served, OPENAPI);
    server.stop().await;
}

/// `schema` with its `$ref` followed.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            resolve(doc, doc.pointer(pointer).expect("the $ref resolves"))
        }
        None => schema,
    }
}

/// `value` has exactly the properties `schema` names, every required one
/// among them, and so on into its objects and arrays. Every field of these
/// answers is always present, so a field missing from either side is drift.
fn assert_fits(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(doc, schema);
    if let Some(properties) = schema["properties"].as_object() {
        let object = value
            .as_object()
            .unwrap_or_else(|| panic!("{at}: not an object: {value}"));
        let answered: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        let named: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        assert_eq!(
            answered, named,
            "{at}: the fields the server answers (left) and those openapi.json names (right)"
        );
        for required in schema["required"].as_array().into_iter().flatten() {
            let required = required.as_str().unwrap();
            assert!(
                answered.contains(required),
                "{at}: {required} is required but absent"
            );
        }
        for (key, property) in properties {
            assert_fits(doc, property, &object[key], &format!("{at}.{key}"));
        }
    }
    if let Some(items) = schema.get("items") {
        let array = value
            .as_array()
            .unwrap_or_else(|| panic!("{at}: not an array: {value}"));
        assert!(!array.is_empty(), "{at}: an empty array checks nothing");
        for (i, item) in array.iter().enumerate() {
            assert_fits(doc, items, item, &format!("{at}[{i}]"));
        }
    }
}

/// The schema openapi.json gives the JSON answer of `method path` with `status`.
fn answer_schema<'a>(doc: &'a Value, method: &str, path: &str, status: u16) -> &'a Value {
    let schema = &doc["paths"][path][method]["responses"][status.to_string()]["content"]
        ["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "no JSON answer for {method} {path} {status}"
    );
    schema
}

/// Method, path, Content-Type, with the tenant's key or not, body, and the
/// answer's status.
type Exchange<'a> = (&'a str, &'a str, Option<&'a str>, bool, &'a [u8], u16);

#[tokio::test]
async fn the_schemas_name_every_field_the_server_answers() {
    // With a tenant, so that whatever a tenant's answer adds is checked too.
    let file = TenantsFile::new(
        "openapi",
        "[[tenant]]\nname = \"acme\"\nkeys = [\"acme-key\"]\nrate_limit = 100\nmax_concurrent = 4\n",
    );
    let server = TestServer::start(RpcConfig {
        tenants_file: Some(file.0.clone()),
        tenants_poll: Duration::ZERO,
        ..config()
    })
    .await;
    let doc = doc();
    let key = ("Authorization", "Bearer acme-key");
    let proof = ligerito_tests::valid_proof(12);
    let size = &doc["paths"]["/verify"]["post"]["parameters"][0];
    let raw_path = format!("/verify?{}=12", size["name"].as_str().unwrap());
    let hex_body = serde_json::json!({ "proof_size": 12, "proof_bytes": hex(&proof) }).to_string();
    let (json, raw) = ("application/json", "application/octet-stream");
    let exchanges: [Exchange; 8] = [
        // A verdict as hex JSON, then the same proof raw: from the cache.
        (
            "post",
            "/verify",
            Some(json),
            true,
            hex_body.as_bytes(),
            200,
        ),
        ("post", &raw_path, Some(raw), true, &proof, 200),
        ("post", "/verify", Some(json), true, b"{}", 400),
        ("post", "/verify", Some(raw), true, &proof, 400),
        ("post", "/verify", Some(json), false, b"{}", 401),
        ("get", "/verify", None, true, b"", 405),
        ("get", "/health", None, false, b"", 200),
        ("get", "/config", None, false, b"", 200),
    ];
    let mut cached = Vec::new();
    for (method, path, content_type, keyed, body, status) in exchanges {
        let mut headers = Vec::new();
        if keyed {
            headers.push(key);
        }
        headers.extend(content_type.map(|t| ("Content-Type", t)));
        let (got, _, answer) =
            exchange(server.addr, &method.to_uppercase(), path, &headers, body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        let answer: Value = serde_json::from_str(&answer).unwrap();
        let route = path.split('?').next().unwrap();
        // A wrong method's 405 is documented on the route's one operation.
        let operation = if status == 405 { "post" } else { method };
        let schema = answer_schema(&doc, operation, route, status);
        assert_fits(&doc, schema, &answer, &format!("{method} {path} {status}"));
        if status == 200 && route == "/verify" {
            cached.push(answer["cached"].clone());
        }
    }
    assert_eq!(
        cached,
        [false, true],
        "both a fresh and a cached verdict checked"
    );
    server.stop().await;
}

#[test]
fn the_request_schemas_name_every_field_the_server_reads() {
    let doc = doc();
    let body = &doc["paths"]["/verify"]["post"]["requestBody"]["content"];
    let schema = resolve(&doc, &body["application/json"]["schema"]);
    let request = serde_json::to_value(VerifyRequest {
        proof_size: 12,
        proof_bytes: "0x".into(),
    })
    .unwrap();
    assert_fits(&doc, schema, &request, "VerifyRequest");
    // Required in the schema exactly when the server refuses a body without it.
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for field in request.as_object().unwrap().keys() {
        let mut without = request.clone();
        without.as_object_mut().unwrap().remove(field);
        let refused = serde_json::from_value::<VerifyRequest>(without).is_err();
        assert_eq!(refused, required.contains(field.as_str()), "{field}");
    }

    // The raw form: bytes, with the size in the query.
    let raw = &body["application/octet-stream"]["schema"];
    assert_eq!(raw["type"], "string", "{raw}");
    assert_eq!(raw["format"], "binary", "{raw}");
    let parameters = doc["paths"]["/verify"]["post"]["parameters"]
        .as_array()
        .expect("POST /verify has parameters");
    assert_eq!(parameters.len(), 1, "{parameters:?}");
    assert_eq!(parameters[0]["name"], "size");
    assert_eq!(parameters[0]["in"], "query");
    assert_eq!(parameters[0]["schema"]["type"], "integer");
}
