//! `atrest activity`: who calls KMS on which key, from CloudTrail logs (docs/activity-output.md).

use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::analysis::Activity;
use crate::analysis::activity::{Row, time_text};
use crate::output::escape::escape;
use crate::rules::Registry;
use crate::scan::ScanOptions;

use super::{EXIT_ERROR, EXIT_OK, EventFilterArgs, InputOptions, write_report};

/// The version of the JSON document (docs/activity-output.md).
pub const VERSION: u32 = 1;

/// The rule whose analysis folds the KMS records (and so counts the calls).
const KEY_RULE: &str = "event-kms-key-disabled-in-use";

#[derive(Debug, clap::Args)]
pub struct ActivityArgs {
    /// CloudTrail logs (files, directories, AWSLogs trees, `s3://bucket[/prefix]` with the
    /// `aws` feature), and optionally an export scanned with them to name keys by their
    /// aliases.
    #[arg(required_unless_present = "lookup", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ActivityFormat,
    /// Write the table to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    input: InputOptions,
    #[command(flatten)]
    events: EventFilterArgs,
    #[command(flatten)]
    aws: super::remote_args::AwsArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ActivityFormat {
    Text,
    Json,
    Csv,
}

pub fn run(args: &ActivityArgs) -> u8 {
    let registry = match Registry::builtin()
        .map_err(|e| format!("{} built-in rules fail to load", e.len()))
        .and_then(|r| r.select(&[KEY_RULE.to_owned()], &[]))
    {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {}", escape(&e));
            return EXIT_ERROR;
        }
    };
    let options = ScanOptions {
        filter: args.events.filter(),
        ..args.input.options()
    };
    let scanned =
        super::remote_args::scan_inputs(&args.paths, &args.aws, &registry, &options, &args.input);
    let outcome = match scanned {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    let activity = &outcome.activity;
    let written = write_report(args.output.as_deref(), |out| match args.format {
        ActivityFormat::Text => text(activity, out),
        ActivityFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &document(activity, outcome.stats.events))?;
            writeln!(out)
        }
        ActivityFormat::Csv => csv(activity, out),
    });
    {
        let mut err = io::stderr().lock();
        for d in &outcome.diagnostics {
            let _ = err.write_all(crate::output::text::diagnostic(d).as_bytes());
        }
    }
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(io::stderr(), "error: cannot write the activity table: {e}");
        return EXIT_ERROR;
    }
    if outcome.has_errors() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

fn key_label(row: &Row) -> String {
    if row.aliases.is_empty() {
        row.key.id.clone()
    } else {
        format!("{} ({})", row.key.id, row.aliases.join(", "))
    }
}

fn time(t: &Option<i64>) -> String {
    t.map(time_text).unwrap_or_default()
}

fn services(row: &Row) -> String {
    row.calls
        .services
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An aligned table, most calls first; values from the logs are escaped.
fn text(activity: &Activity, out: &mut dyn Write) -> io::Result<()> {
    const HEAD: [&str; 8] = [
        "KEY",
        "PRINCIPAL",
        "OPERATION",
        "CALLS",
        "ERRORS",
        "FIRST",
        "LAST",
        "SERVICES",
    ];
    if activity.rows.is_empty() {
        return writeln!(out, "no KMS call on a key in these logs");
    }
    let rows: Vec<[String; 8]> = activity
        .rows
        .iter()
        .map(|r| {
            [
                escape(&key_label(r)).into_owned(),
                escape(&r.principal).into_owned(),
                escape(&r.operation).into_owned(),
                r.calls.calls.to_string(),
                r.calls.errors.to_string(),
                escape(&time(&r.calls.first)).into_owned(),
                escape(&time(&r.calls.last)).into_owned(),
                escape(&services(r)).into_owned(),
            ]
        })
        .collect();
    let mut widths = HEAD.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str], out: &mut dyn Write| -> io::Result<()> {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Counts are right-aligned, text left; the last column is not padded.
            let pad = w.saturating_sub(cell.chars().count());
            if i == 3 || i == 4 {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else if i == cells.len() - 1 {
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            }
            if i + 1 < cells.len() {
                s.push_str("  ");
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(&HEAD, out)?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells, out)?;
    }
    let calls: u64 = activity.rows.iter().map(|r| r.calls.calls).sum();
    let keys: std::collections::BTreeSet<_> = activity.rows.iter().map(|r| &r.key).collect();
    writeln!(
        out,
        "\n{calls} KMS calls on {} keys in {} rows{}",
        keys.len(),
        activity.rows.len(),
        if activity.keyless > 0 {
            format!(" ({} more name no key)", activity.keyless)
        } else {
            String::new()
        }
    )
}

/// The JSON document, version [`VERSION`]: its own structs, so that it changes only on
/// purpose, with fields in the documented order.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    activity: Vec<RowDoc<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    events: usize,
    kms_calls: u64,
    kms_calls_without_key: u64,
    rows: usize,
}

#[derive(Serialize)]
struct KeyDoc<'a> {
    id: &'a str,
    arn: Option<&'a str>,
    account: &'a str,
    region: &'a str,
    aliases: &'a [String],
}

#[derive(Serialize)]
struct RowDoc<'a> {
    key: KeyDoc<'a>,
    principal: &'a str,
    operation: &'a str,
    calls: u64,
    errors: u64,
    first_seen: Option<String>,
    last_seen: Option<String>,
    services: Vec<&'a str>,
}

fn document(activity: &Activity, events: usize) -> Document<'_> {
    let rows = activity
        .rows
        .iter()
        .map(|r| RowDoc {
            key: KeyDoc {
                id: &r.key.id,
                arn: r.key.arn.as_deref(),
                account: &r.key.account,
                region: &r.key.region,
                aliases: &r.aliases,
            },
            principal: &r.principal,
            operation: &r.operation,
            calls: r.calls.calls,
            errors: r.calls.errors,
            first_seen: r.calls.first.map(time_text),
            last_seen: r.calls.last.map(time_text),
            services: r.calls.services.iter().map(String::as_str).collect(),
        })
        .collect();
    Document {
        version: VERSION,
        tool: Tool {
            name: "atrest",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            events,
            kms_calls: activity.rows.iter().map(|r| r.calls.calls).sum(),
            kms_calls_without_key: activity.keyless,
            rows: activity.rows.len(),
        },
        activity: rows,
    }
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. A field
/// starting with `=`, `+`, `-` or `@` gets a leading `'`, so that a spreadsheet does not
/// run a value from the logs as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(activity: &Activity, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "key_id,key_arn,aliases,account,region,principal,operation,calls,errors,first_seen,last_seen,services"
    )?;
    for r in &activity.rows {
        let fields = [
            r.key.id.clone(),
            r.key.arn.clone().unwrap_or_default(),
            r.aliases.join(" "),
            r.key.account.clone(),
            r.key.region.clone(),
            r.principal.clone(),
            r.operation.clone(),
            r.calls.calls.to_string(),
            r.calls.errors.to_string(),
            time(&r.calls.first),
            time(&r.calls.last),
            services(r),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }
}
