//! Webhook deliveries checked as a store checks them: by the published Standard
//! Webhooks library for JavaScript (npm `standardwebhooks`, run by the project's Node),
//! not by our own code.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::Delivery;

/// What the library says of each delivery, keyed with `secret`: `Ok` when it verifies,
/// else the library's error message.
pub fn verify(secret: &str, deliveries: &[&Delivery]) -> Vec<Result<(), String>> {
    let input: Vec<Value> = deliveries
        .iter()
        .map(|d| json!({ "body": d.body, "headers": d.headers }))
        .collect();
    verify_raw(secret, &input)
}

/// As [`verify`], for bodies and headers a test made up (`{"body", "headers"}` each).
pub fn verify_raw(secret: &str, deliveries: &[Value]) -> Vec<Result<(), String>> {
    const SCRIPT: &str = r#"
        const { Webhook } = require("standardwebhooks");
        const { secret, deliveries } = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const wh = new Webhook(secret);
        console.log(JSON.stringify(deliveries.map(({ body, headers }) => {
            try { wh.verify(body, headers); return null; } catch (e) { return String(e.message || e); }
        })));
    "#;
    let root = crate::repo_root();
    let mut node = Command::new(root.join("node_modules/.bin/node"))
        .args(["-e", SCRIPT])
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node from node_modules");
    let input = json!({ "secret": secret, "deliveries": deliveries });
    node.stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write to node");
    let output = node.wait_with_output().expect("node ran");
    assert!(output.status.success(), "node failed");
    let verdicts: Vec<Option<String>> =
        serde_json::from_slice(&output.stdout).expect("node's verdicts");
    verdicts
        .into_iter()
        .map(|v| v.map_or(Ok(()), Err))
        .collect()
}
