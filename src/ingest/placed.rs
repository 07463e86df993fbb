//! Files of the export layout (`<account>/<region>/<service>/<api>[--<resource>].json`):
//! each is read as the call its path names, or it is an input error; a call atrest does not
//! read is skipped with a warning. Also the empty files and the shape mismatches of AWS CLI
//! outputs wherever they sit.

use std::path::Path;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::source::SourceId;
use crate::source::locate::{line_col, locate, pointer_tokens};

use super::cloudtrail::Log;
use super::export::{self, Placed, Reader};
use super::layout::PathHint;
use super::{FileOutcome, Sink, config, stream};

pub(super) fn read_empty(id: SourceId, path: &Path, hint: &PathHint, out: &mut FileOutcome) {
    let api = match export::placed(hint) {
        Some(Placed::Api(api)) => Some(api),
        Some(Placed::Unread) => {
            out.diagnostics.push(skipped(path, hint));
            return;
        }
        None => export::by_name(hint),
    };
    let Some(api) = api else {
        out.diagnostics
            .push(Diagnostic::warning(path, "empty file"));
        return;
    };
    out.kind = Some("aws-cli");
    if hint.error_file {
        out.diagnostics.push(Diagnostic::error(
            path,
            "empty .error.json file: it must hold {\"exit_code\", \"error_code\", \"stderr\"}",
        ));
        return;
    }
    let ctx = export::Ctx { source: id, hint };
    match export::read_empty(api, &ctx) {
        Ok(items) => out.items = items,
        Err(problem) => report(path, b"", problem, out),
    }
}

/// A file in the export layout whose call atrest does not read.
fn skipped(path: &Path, hint: &PathHint) -> Diagnostic {
    let service = hint.service.as_deref().unwrap_or("?");
    let api = hint.api.as_deref().unwrap_or("?");
    Diagnostic::warning(
        path,
        format!(
            "skipped: atrest does not read `aws {service} {api}` (docs/export-format.md lists the calls it reads)"
        ),
    )
}

/// Reports why an export file could not be read, each shape mismatch at its position.
pub(super) fn report(path: &Path, body: &[u8], problem: export::Problem, out: &mut FileOutcome) {
    match problem {
        export::Problem::Other(message) => out.diagnostics.push(Diagnostic::error(path, message)),
        export::Problem::Shape(mismatches) => {
            for m in mismatches {
                let message = if m.pointer.is_empty() {
                    m.message.clone()
                } else {
                    format!("`{}` {}", m.pointer, m.message)
                };
                let mut d = Diagnostic::error(
                    path,
                    format!("not the output this file's call prints: {message}"),
                );
                let tokens = pointer_tokens(&m.pointer);
                let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
                if let Some(span) = locate(body, &tokens) {
                    let (line, column) = line_col(body, span.start);
                    d = d.at(line, column);
                }
                out.diagnostics.push(d);
            }
        }
    }
}

/// A file of the export layout: read as the call its path names, whatever it holds.
pub(super) fn read_placed(
    id: SourceId,
    path: &Path,
    body: &[u8],
    hint: &PathHint,
    sink: &mut Sink,
    out: &mut FileOutcome,
) {
    let api = match export::placed(hint) {
        Some(Placed::Api(api)) => api,
        _ => {
            out.diagnostics.push(skipped(path, hint));
            return;
        }
    };
    let parsed =
        stream::value_at(body, 0).and_then(|(doc, end)| stream::end(body, end).map(|()| doc));
    let doc = match parsed {
        Ok(doc) => doc,
        Err(e) => {
            // Positions count characters, as they do for findings.
            out.diagnostics
                .push(e.diagnostic(path, body, "JSON document"));
            return;
        }
    };
    let ctx = export::Ctx { source: id, hint };
    if hint.error_file {
        read_error_file(api, &doc, &ctx, path, out);
        return;
    }
    match api.read {
        Reader::Export(_) => read_call(api, doc, body, &ctx, path, out),
        Reader::Config if config::recognises(&doc) => read_config(&doc, &ctx, path, out),
        Reader::CloudTrailLookup if doc.get("Events").is_some_and(Value::is_array) => {
            if let Some(events) = doc.get("Events").and_then(Value::as_array) {
                let mut log = Log::new(id, path, false, sink.select, &mut *sink.on_event, out);
                log.lookup_events(events);
                log.finish();
            }
        }
        Reader::Config | Reader::CloudTrailLookup => out.diagnostics.push(Diagnostic::error(
            path,
            format!(
                "not the output of `aws {} {}`, which its path names",
                api.service, api.command
            ),
        )),
    }
}

/// The output of an AWS CLI call, read after its shape is checked.
pub(super) fn read_call(
    api: &export::Api,
    doc: Value,
    body: &[u8],
    ctx: &export::Ctx,
    path: &Path,
    out: &mut FileOutcome,
) {
    out.kind = Some("aws-cli");
    match export::read(api, doc, ctx) {
        Ok(items) => out.items = items,
        Err(problem) => report(path, body, problem, out),
    }
}

/// An `.error.json` of a call: the facts its error establishes, or a failed call.
pub(super) fn read_error_file(
    api: &export::Api,
    doc: &Value,
    ctx: &export::Ctx,
    path: &Path,
    out: &mut FileOutcome,
) {
    out.kind = Some("aws-cli-error");
    match export::read_error(api, doc, ctx) {
        Ok(items) => out.items = items,
        Err(e) => out.diagnostics.push(Diagnostic::error(path, e)),
    }
}

/// AWS Config output: the items that could be read, and an error for each that could not.
pub(super) fn read_config(doc: &Value, ctx: &export::Ctx, path: &Path, out: &mut FileOutcome) {
    out.kind = Some("aws-config");
    let (items, problems) = config::read_partial(doc, ctx.source, ctx.hint);
    out.items = items;
    out.diagnostics
        .extend(problems.into_iter().map(|p| Diagnostic::error(path, p)));
}
