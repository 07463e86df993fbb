//! `atrest report`: a compliance report of one framework.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::output::escape::escape;
use crate::report::{ComplianceReport, ReportFormat, Status, catalog};
use crate::scan::ScanOptions;

use super::{
    EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EventFilterArgs, InputOptions, Loaded, RuleSources,
    load_rules, write_report,
};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// What to scan, as for `atrest scan`.
    #[arg(required_unless_present = "list", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The framework (`atrest report --list` shows them).
    #[arg(long, required_unless_present = "list", value_name = "ID")]
    framework: Option<String>,
    /// List the frameworks, with their versions and sources.
    #[arg(long)]
    list: bool,
    /// Report format: html (one self-contained file), md (pull requests, CI summaries),
    /// csv (controls to --output FILE, results to FILE-results), json.
    #[arg(long, value_enum, default_value = "md")]
    format: ReportFormat,
    /// Write the report to this file instead of standard output (required for csv).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a control fails (`fail`), or fails or cannot be decided
    /// (`unknown`).
    #[arg(long, value_name = "fail|unknown", value_parser = ["fail", "unknown"])]
    fail_on_control: Option<String>,
    #[command(flatten)]
    rules: RuleSources,
    /// Do not load the built-in rules (use only `--rules`).
    #[arg(long)]
    no_builtin_rules: bool,
    #[command(flatten)]
    gate: super::gate::GateArgs,
    #[command(flatten)]
    input: InputOptions,
    #[command(flatten)]
    events: EventFilterArgs,
    #[command(flatten)]
    aws: super::remote_args::AwsArgs,
}

pub fn run(args: &ReportArgs) -> u8 {
    let fail = |message: &str| {
        let _ = writeln!(io::stderr(), "error: {}", escape(message));
        EXIT_ERROR
    };
    if args.list {
        return list();
    }
    let Some(id) = &args.framework else {
        return fail("--framework is required (atrest report --list shows them)");
    };
    let catalog = match catalog::find(id) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    if args.format == ReportFormat::Csv && args.output.is_none() {
        return fail(
            "--format csv writes two files: give --output FILE (the controls), and the results go beside it",
        );
    }
    let config = match args.gate.config() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut dirs = config.rules.clone();
    dirs.extend(args.rules.dirs.iter().cloned());
    let builtin = !(args.no_builtin_rules || config.no_builtin_rules);
    let Some(Loaded {
        registry,
        failed: rules_failed,
    }) = load_rules(builtin, &dirs)
    else {
        return EXIT_ERROR;
    };
    // Every rule a control maps to must have run: a rule left out is a control unknown.
    let options = ScanOptions {
        filter: args.events.filter(),
        ..args.input.options()
    };
    let scanned =
        super::remote_args::scan_inputs(&args.paths, &args.aws, &registry, &options, &args.input);
    let mut outcome = match scanned {
        Ok(o) => o,
        Err(code) => return code,
    };
    if let Err(code) = args.gate.apply(&config, &mut outcome, args.input.as_of()) {
        return code;
    }
    let report = ComplianceReport::build(
        &catalog,
        &outcome,
        &registry,
        &args.paths,
        args.input.as_of(),
    );
    let written = write_report(args.output.as_deref(), |out| report.write(args.format, out));
    let mut code = EXIT_OK;
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(io::stderr(), "error: cannot write the report: {e}");
        code = EXIT_ERROR;
    }
    if args.format == ReportFormat::Csv
        && let Some(path) = &args.output
    {
        let results = crate::report::results_path(path);
        if let Err(e) = write_report(Some(&results), |out| report.write_csv_results(out)) {
            let _ = writeln!(
                io::stderr(),
                "error: cannot write {}: {e}",
                escape(&crate::output::display_path(&results))
            );
            code = EXIT_ERROR;
        }
    }
    {
        let mut err = io::stderr().lock();
        for d in &outcome.diagnostics {
            let _ = err.write_all(crate::output::text::diagnostic(d).as_bytes());
        }
    }
    if code == EXIT_OK && (outcome.has_errors() || rules_failed) {
        code = EXIT_ERROR;
    }
    if code == EXIT_OK
        && let Some(on) = &args.fail_on_control
    {
        let failing = report.controls.iter().any(|(_, r)| {
            r.status == Status::Fail || (on == "unknown" && r.status == Status::Unknown)
        });
        if failing {
            code = EXIT_FINDINGS;
        }
    }
    code
}

fn list() -> u8 {
    let catalogs = match catalog::all() {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {}", escape(&e));
            return EXIT_ERROR;
        }
    };
    let mut out = io::stdout().lock();
    for c in catalogs {
        let _ = writeln!(
            out,
            "{:<16} {} {} (catalog {}, {} controls)\n{:<16} source: {}",
            c.id,
            c.name,
            c.version,
            c.catalog_version,
            c.controls.len(),
            "",
            c.source.url
        );
    }
    EXIT_OK
}
