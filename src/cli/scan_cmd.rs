//! `atrest scan`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::finding::Severity;
use crate::output::escape::escape;
use crate::output::{self, Format, Report, ReportOptions, Style};
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
    /// Output format (docs/formats.md; default text, or the configuration file's
    /// `format`).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Several reports from one scan: FORMAT, or FORMAT=FILE (`--output-format
    /// sarif=atrest.sarif --output-format text`); may be repeated, and replaces `--format`
    /// and `--output`. Without a file, the report goes to standard output.
    #[arg(long, value_name = "FORMAT[=FILE]", value_parser = parse_output, conflicts_with_all = ["format", "output"])]
    output_format: Vec<(Format, Option<PathBuf>)>,
    /// Exit with 1 when a finding has this severity or higher (`never`: only input errors
    /// change the exit code); suppressed findings and those of `--baseline` do not count.
    /// Default info, or the configuration file's `fail-on`.
    #[arg(long, value_name = "SEVERITY|never", value_parser = parse_fail_on)]
    fail_on: Option<FailOn>,
    #[command(flatten)]
    gate: super::gate::GateArgs,
    /// SARIF: the category of the run (`automationDetails.id`, GitHub's `category`);
    /// by default `atrest/<account>/` when the findings are one account's.
    #[arg(long, value_name = "CATEGORY")]
    sarif_category: Option<String>,
    /// SARIF: one run per account (GitHub code scanning takes 25,000 results per run).
    #[arg(long)]
    sarif_per_account: bool,
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

fn parse_output(s: &str) -> Result<(Format, Option<PathBuf>), String> {
    let (name, file) = match s.split_once('=') {
        Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
        Some(_) => return Err(format!("`{s}` names no file after `=`")),
        None => (s, None),
    };
    let format = parse_format(name)?;
    Ok((format, file))
}

fn parse_format(name: &str) -> Result<Format, String> {
    <Format as clap::ValueEnum>::from_str(name, true).map_err(|_| {
        let names: Vec<String> = <Format as clap::ValueEnum>::value_variants()
            .iter()
            .filter_map(clap::ValueEnum::to_possible_value)
            .map(|v| v.get_name().to_owned())
            .collect();
        format!("`{name}` is not one of {}", names.join(", "))
    })
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
    let config = match args.gate.config() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let settings = match Settings::of(args, &config) {
        Ok(s) => s,
        Err(e) => {
            let shown = config
                .path
                .as_deref()
                .map(output::display_path)
                .unwrap_or_default();
            let _ = writeln!(io::stderr(), "error: {}: {}", escape(&shown), escape(&e));
            return EXIT_ERROR;
        }
    };
    let Some(Loaded {
        registry,
        failed: rules_failed,
    }) = load_rules(settings.builtin, &settings.rule_dirs)
    else {
        return EXIT_ERROR;
    };
    let registry = match registry.select(&settings.only, &settings.skip) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {}", escape(&e.to_string()));
            return EXIT_ERROR;
        }
    };
    let options = ScanOptions {
        filter: args.events.filter(),
        // Only text shows the lines around what it reports.
        record_texts: settings.outputs.iter().any(|(f, _)| *f == Format::Text),
        ..args.input.options()
    };
    let scanned =
        super::remote_args::scan_inputs(&args.paths, &args.aws, &registry, &options, &args.input);
    let mut outcome = match scanned {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    if let Err(code) = args.gate.apply(&config, &mut outcome, args.input.as_of()) {
        return code;
    }
    let mut write_failed = false;
    let mut left_out = 0;
    for (format, target) in &settings.outputs {
        let color = match args.color.as_str() {
            "always" => true,
            "never" => false,
            _ => {
                target.is_none()
                    && io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let mut report = Report::for_format(&outcome, &registry, *format);
        report.options = ReportOptions {
            sarif_category: settings.sarif_category.clone(),
            sarif_per_account: args.sarif_per_account,
        };
        if *format == Format::Sarif {
            warn_sarif_limits(&outcome, args.sarif_per_account);
        }
        // Findings are dated (OCSF, ASFF) by the time the scan judged them at.
        report.time = Some(options.as_of.unwrap_or_else(jiff::Timestamp::now));
        let style = Style {
            color,
            verbose: args.verbose,
        };
        let mut gzipped = None;
        let written = write_report(target.as_deref(), |out| {
            let written = if *format == Format::Sarif {
                // GitHub takes a SARIF file of at most 10 MB gzipped: measured as written.
                // Buffered before the meter: serde_json writes token by token.
                let mut meter = GzipMeter::new(out);
                let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut meter);
                let written = output::write(&report, *format, style, &mut buffered)?;
                buffered.flush()?;
                drop(buffered);
                gzipped = Some(meter.finish()?);
                written
            } else {
                output::write(&report, *format, style, out)?
            };
            left_out += written.left_out;
            Ok(())
        });
        if let Some(size) = gzipped
            && size > SARIF_MAX_GZIPPED
        {
            let _ = writeln!(
                io::stderr(),
                "warning: the SARIF report is {size} bytes gzipped, more than the {SARIF_MAX_GZIPPED} GitHub code scanning accepts: narrow the scan (--only, --since, --account) or upload one run per account"
            );
        }
        // A reader that went away (`atrest scan ... | head`) is no error of the scan's: the
        // exit code still says what the scan found.
        if let Err(e) = written.as_ref()
            && e.kind() != io::ErrorKind::BrokenPipe
        {
            let shown = target.as_ref().map_or("standard output".to_owned(), |p| {
                escape(&output::display_path(p)).into_owned()
            });
            let _ = writeln!(
                io::stderr(),
                "error: cannot write the report to {shown}: {e}"
            );
            write_failed = true;
        }
        std::mem::forget(report);
    }
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
    // A rule file that did not load fails the run, after the report of the other rules.
    let code = if write_failed || outcome.has_errors() || rules_failed {
        EXIT_ERROR
    } else {
        let failing = match settings.fail_on {
            FailOn::Never => false,
            FailOn::At(threshold) => outcome
                .findings
                .iter()
                .any(|f| f.counts() && f.severity >= threshold),
        };
        if failing { EXIT_FINDINGS } else { EXIT_OK }
    };
    // The process ends here: freeing a large inventory piece by piece would only cost time.
    std::mem::forget(outcome);
    code
}

/// GitHub code scanning's limit on an uploaded SARIF file, gzipped.
const SARIF_MAX_GZIPPED: u64 = 10 * 1024 * 1024;

/// Passes what is written on, and counts what it gzips to.
struct GzipMeter<'a> {
    out: &'a mut dyn Write,
    gz: flate2::write::GzEncoder<Counter>,
}

#[derive(Default)]
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> GzipMeter<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        GzipMeter {
            out,
            gz: flate2::write::GzEncoder::new(Counter::default(), flate2::Compression::fast()),
        }
    }

    /// The gzipped size of everything written.
    fn finish(self) -> io::Result<u64> {
        Ok(self.gz.finish()?.0)
    }
}

impl Write for GzipMeter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.gz.write_all(&buf[..n])?;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// GitHub code scanning refuses a run of more than 25,000 results.
fn warn_sarif_limits(outcome: &crate::scan::Outcome, per_account: bool) {
    let limit = output::sarif::MAX_RESULTS_PER_RUN;
    let mut runs: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for f in &outcome.findings {
        *runs
            .entry(if per_account { f.account.as_str() } else { "" })
            .or_default() += 1;
    }
    for (account, n) in runs {
        if n > limit {
            let whose = if account.is_empty() {
                String::new()
            } else {
                format!(" (account {})", escape(account))
            };
            let advice = if per_account {
                "narrow the scan (--only, --since, --account) to upload it"
            } else {
                "write one run per account with --sarif-per-account, or narrow the scan"
            };
            let _ = writeln!(
                io::stderr(),
                "warning: the SARIF run{whose} holds {n} results, more than the {limit} GitHub code scanning accepts in one run: {advice}"
            );
        }
    }
}

/// The command line's settings, the configuration file's where the command line is silent.
struct Settings {
    outputs: Vec<(Format, Option<PathBuf>)>,
    fail_on: FailOn,
    builtin: bool,
    rule_dirs: Vec<PathBuf>,
    only: Vec<String>,
    skip: Vec<String>,
    sarif_category: Option<String>,
}

impl Settings {
    fn of(args: &ScanArgs, config: &crate::config::Config) -> Result<Settings, String> {
        let outputs = if !args.output_format.is_empty() {
            args.output_format.clone()
        } else if args.format.is_some() || args.output.is_some() || config.output_formats.is_empty()
        {
            let format = match (args.format, &config.format) {
                (Some(f), _) => f,
                (None, Some(name)) => parse_format(name).map_err(|e| format!("format: {e}"))?,
                (None, None) => Format::Text,
            };
            vec![(format, args.output.clone())]
        } else {
            config
                .output_formats
                .iter()
                .map(|s| parse_output(s).map_err(|e| format!("output-format: {e}")))
                .collect::<Result<_, _>>()?
        };
        let fail_on = match (args.fail_on, &config.fail_on) {
            (Some(f), _) => f,
            (None, Some(s)) => parse_fail_on(s).map_err(|e| format!("fail-on: {e}"))?,
            (None, None) => FailOn::At(Severity::Info),
        };
        let mut rule_dirs = config.rules.clone();
        rule_dirs.extend(args.rules.dirs.iter().cloned());
        let pick = |cli: &Vec<String>, file: &Vec<String>| {
            if cli.is_empty() {
                file.clone()
            } else {
                cli.clone()
            }
        };
        Ok(Settings {
            outputs,
            fail_on,
            builtin: !(args.no_builtin_rules || config.no_builtin_rules),
            rule_dirs,
            only: pick(&args.only, &config.only),
            skip: pick(&args.skip, &config.skip),
            sarif_category: args
                .sarif_category
                .clone()
                .or_else(|| config.sarif_category.clone()),
        })
    }
}
