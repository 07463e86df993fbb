//! `atrest scan`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::finding::Severity;
use crate::output::{self, Format, Report, Style};
use crate::scan::ScanOptions;

use super::{
    EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EventFilterArgs, InputOptions, Loaded, RuleSources,
    load_rules, write_report,
};

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files and directories to scan (export directories, AWS Config files, CloudTrail
    /// logs as .json, .json.gz, JSON lines or `lookup-events` output), and CloudTrail log
    /// buckets as `s3://bucket[/prefix]` (built with the `aws` feature).
    #[arg(required_unless_present = "lookup", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format (docs/formats.md).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding has this severity or higher (`never`: only input errors
    /// change the exit code).
    #[arg(long, value_name = "SEVERITY|never", default_value = "info", value_parser = parse_fail_on)]
    fail_on: FailOn,
    #[command(flatten)]
    rules: RuleSources,
    /// Run only these rules (ids, or prefixes ending in `*`); may be repeated.
    #[arg(long, value_name = "RULE")]
    only: Vec<String>,
    /// Do not run these rules (ids, or prefixes ending in `*`); may be repeated.
    #[arg(long, value_name = "RULE")]
    skip: Vec<String>,
    /// Do not load the built-in rules (use only `--rules`).
    #[arg(long)]
    no_builtin_rules: bool,
    /// Colour in text output: auto (a terminal and no NO_COLOR), always, never.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
    /// Text output: list every event finding in full instead of grouping them per rule.
    #[arg(long, short)]
    verbose: bool,
    #[command(flatten)]
    input: InputOptions,
    #[command(flatten)]
    events: EventFilterArgs,
    #[command(flatten)]
    aws: super::remote_args::AwsArgs,
}

#[derive(Debug, Clone, Copy)]
enum FailOn {
    At(Severity),
    Never,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("never") {
        return Ok(FailOn::Never);
    }
    Severity::parse(s)
        .map(FailOn::At)
        .ok_or_else(|| format!("`{s}` is not one of info, low, medium, high, critical, never"))
}

pub fn run(args: &ScanArgs) -> u8 {
    let Some(Loaded {
        registry,
        failed: rules_failed,
    }) = load_rules(!args.no_builtin_rules, &args.rules.dirs)
    else {
        return EXIT_ERROR;
    };
    let registry = match registry.select(&args.only, &args.skip) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "error: {}",
                output::escape::escape(&e.to_string())
            );
            return EXIT_ERROR;
        }
    };
    let options = ScanOptions {
        filter: args.events.filter(),
        // Only text shows the lines around what it reports.
        record_texts: args.format == output::Format::Text,
        ..args.input.options()
    };
    let scanned =
        super::remote_args::scan_inputs(&args.paths, &args.aws, &registry, &options, &args.input);
    let outcome = match scanned {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => {
            args.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut report = Report::for_format(&outcome, &registry, args.format);
    // Findings are dated (OCSF, ASFF) by the time the scan judged them at.
    report.time = Some(options.as_of.unwrap_or_else(jiff::Timestamp::now));
    let mut left_out = 0;
    let written = write_report(args.output.as_deref(), |out| {
        let written = output::write(
            &report,
            args.format,
            Style {
                color,
                verbose: args.verbose,
            },
            out,
        )?;
        left_out = written.left_out;
        Ok(())
    });
    // Diagnostics are for people, in every format: the report carries them (JSON, SARIF)
    // or counts them (text), and stderr lists them, escaped, with the offending line, after
    // the report so that they are the last thing on a terminal.
    {
        let mut err = io::stderr().lock();
        for d in &outcome.diagnostics {
            let _ = err.write_all(output::text::diagnostic(d).as_bytes());
        }
        if left_out > 0 {
            let n = if left_out == 1 {
                "1 finding has".to_owned()
            } else {
                format!("{left_out} findings have")
            };
            let _ = writeln!(
                err,
                "warning: {n} no AWS account or region, which Security Hub needs: left out \
                 of the ASFF report"
            );
        }
    }
    // A reader that went away (`atrest scan ... | head`) is no error of the scan's: the
    // exit code still says what the scan found.
    if let Err(e) = written.as_ref()
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let target = args
            .output
            .as_ref()
            .map_or("standard output".to_owned(), |p| {
                output::escape::escape(&output::display_path(p)).into_owned()
            });
        let _ = writeln!(
            io::stderr(),
            "error: cannot write the report to {target}: {e}"
        );
        return EXIT_ERROR;
    }
    // A rule file that did not load fails the run, after the report of the other rules.
    let code = if outcome.has_errors() || rules_failed {
        EXIT_ERROR
    } else {
        let failing = match args.fail_on {
            FailOn::Never => false,
            FailOn::At(threshold) => outcome.findings.iter().any(|f| f.severity >= threshold),
        };
        if failing { EXIT_FINDINGS } else { EXIT_OK }
    };
    // The process ends here: freeing a large inventory piece by piece would only cost time.
    std::mem::forget(report);
    std::mem::forget(outcome);
    code
}
