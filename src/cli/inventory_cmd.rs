//! `atrest inventory`: the canonical documents rules see, one JSON object per line, with
//! secret values redacted.

use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::model::Kind;
use crate::rules::Registry;
use crate::scan::scan_with;

use super::{EXIT_ERROR, EXIT_OK, InputOptions};

#[derive(Debug, clap::Args)]
pub struct InventoryArgs {
    /// Files and directories to read, as for `atrest scan`.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only resources of this kind (`ebs_volume`, `kms_key`, ...).
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    kind: Option<Kind>,
    #[command(flatten)]
    input: InputOptions,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        format!("`{s}` is not one of {}", names.join(", "))
    })
}

pub fn run(args: &InventoryArgs) -> u8 {
    let outcome = scan_with(&args.paths, &Registry::default(), &args.input.options());
    let mut out = io::BufWriter::new(io::stdout().lock());
    for r in &outcome.inventory.resources {
        if args.kind.is_some_and(|k| k != r.kind) {
            continue;
        }
        let links: Map<String, Value> = r
            .links
            .iter()
            .map(|l| {
                (
                    l.name.to_owned(),
                    json!(outcome.inventory.resources[l.target].arn),
                )
            })
            .collect();
        // What rules see, but never a secret: this output is pasted into issues and chats.
        let whole = r.data.to_value();
        let data = crate::redact::redact_json(&whole);
        let line = json!({
            "kind": r.kind.name(), "arn": r.arn, "account": r.account, "region": r.region,
            "links": links, "data": data,
        });
        match writeln!(out, "{line}") {
            Ok(()) => {}
            // A reader that went away (`| head`) ends the listing quietly.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => break,
            Err(_) => return EXIT_ERROR,
        }
    }
    let mut err = io::stderr().lock();
    for d in &outcome.diagnostics {
        let _ = err.write_all(crate::output::text::diagnostic(d).as_bytes());
    }
    let flushed = out.flush().or_else(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Ok(())
        } else {
            Err(e)
        }
    });
    if flushed.is_err() || outcome.has_errors() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}
