//! `atrest scan`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::output::{self, Format, Report, Style};
use crate::rules::Severity;
use crate::scan::{ScanOptions, scan_with};
use crate::source::parse_size;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, RuleSources, load_rules, open_output};

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files and directories to scan (export directories, AWS Config files, CloudTrail
    /// logs as .json, .json.gz, JSON lines or `lookup-events` output).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
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
    /// Do not read a file larger than this, or one that decompresses to more (bytes, or
    /// with K, M, G, T: 512M, 2G).
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    max_file_size: u64,
    /// Follow symbolic links that lead out of a scanned directory (by default they are
    /// skipped with a warning; links within it, and paths named here, are always followed).
    #[arg(long)]
    follow_symlinks: bool,
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
    let Some(registry) = load_rules(!args.no_builtin_rules, &args.rules.dirs) else {
        return EXIT_ERROR;
    };
    let registry = match registry.select(&args.only, &args.skip) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {e}");
            return EXIT_ERROR;
        }
    };
    let options = ScanOptions {
        max_file_size: args.max_file_size,
        follow_symlinks: args.follow_symlinks,
    };
    let outcome = scan_with(&args.paths, &registry, &options);
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => {
            args.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let report = Report::new(&outcome, &registry);
    let written = open_output(args.output.as_ref()).and_then(|mut out| {
        output::write(&report, args.format, Style { color }, &mut *out)?;
        out.flush()
    });
    if let Err(e) = written {
        let target = args
            .output
            .as_ref()
            .map_or("standard output".to_owned(), |p| p.display().to_string());
        let _ = writeln!(
            io::stderr(),
            "error: cannot write the report to {target}: {e}"
        );
        return EXIT_ERROR;
    }
    if args.format != Format::Text && !outcome.diagnostics.is_empty() {
        // Machine formats carry the diagnostics; say so on stderr too, for people.
        let mut err = io::stderr().lock();
        for d in &outcome.diagnostics {
            let _ = writeln!(
                err,
                "{}: {}: {}",
                if d.level == crate::diagnostic::Level::Error {
                    "error"
                } else {
                    "warning"
                },
                d.position(),
                d.message
            );
        }
    }
    let code = if outcome.has_errors() {
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
