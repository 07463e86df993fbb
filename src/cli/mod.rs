//! The command line: `atrest scan`, `atrest activity`, `atrest rules list|explain|test`,
//! `atrest docs`.

mod activity_cmd;
mod collect_cmd;
mod docs;
mod gate;
mod inventory_cmd;
mod progress_bar;
mod remote_args;
mod report_cmd;
mod rules_cmd;
mod scan_cmd;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::escape::escape;
use crate::rules::{LoadError, Registry};

/// Exit codes: no finding at or above `--fail-on`; findings at or above it; a usage error or
/// an input that could not be read.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "atrest",
    version,
    about = "Audit AWS encryption at rest from account exports, AWS Config files and CloudTrail logs",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files and directories: export directories, AWS Config files, CloudTrail logs.
    Scan(scan_cmd::ScanArgs),
    /// A compliance report of one framework (CIS, AWS FSBP, PCI DSS, NIST 800-53).
    Report(report_cmd::ReportArgs),
    /// KMS calls per key, principal and operation, from CloudTrail logs.
    Activity(activity_cmd::ActivityArgs),
    /// Write an export directory from a live account (read-only calls; the `aws` feature).
    Collect(collect_cmd::CollectArgs),
    /// Print the resources rules see (one JSON document per line), to write and debug rules.
    Inventory(inventory_cmd::InventoryArgs),
    /// List, explain and test rules.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Print a shell completion script (`atrest completions bash > /etc/bash_completion.d/atrest`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Generate documentation from the code.
    #[command(subcommand, hide = true)]
    Docs(docs::DocsCommand),
}

/// How inputs are read, for the commands that read them.
#[derive(Debug, clap::Args)]
pub struct InputOptions {
    /// Do not read a file larger than this, or one that decompresses to more (bytes, or
    /// with K, M, G, T: 512M, 2G).
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = crate::source::parse_size)]
    max_file_size: u64,
    /// Follow symbolic links that lead out of a scanned directory (by default they are
    /// skipped with a warning; links within it, and paths named here, are always followed).
    #[arg(long)]
    follow_symlinks: bool,
    /// No progress bar on stderr (one is drawn only when stderr is a terminal); diagnostics
    /// are still printed.
    #[arg(long, short)]
    quiet: bool,
    /// Judge time-dependent facts (key material that expires, parameter policies past their
    /// expiration) at this time instead of now (2026-11-20 or 2026-11-20T14:05:00Z), for
    /// reports that do not change from one day to the next.
    #[arg(long, value_name = "TIME", value_parser = crate::ingest::filter::parse_instant)]
    as_of: Option<jiff::Timestamp>,
}

impl InputOptions {
    /// `--as-of`, if given.
    pub fn as_of(&self) -> Option<jiff::Timestamp> {
        self.as_of
    }

    /// The progress bar for this run, if one is drawn.
    pub fn progress_bar(&self) -> Option<progress_bar::Bar> {
        progress_bar::Bar::on_stderr(self.quiet)
    }

    pub fn options(&self) -> crate::scan::ScanOptions {
        crate::scan::ScanOptions {
            max_file_size: self.max_file_size,
            follow_symlinks: self.follow_symlinks,
            as_of: self.as_of,
            filter: crate::ingest::filter::EventFilter::default(),
            ..crate::scan::ScanOptions::default()
        }
    }
}

/// Which CloudTrail records to look at; files in CloudTrail's S3 layout that cannot hold any
/// are not opened.
#[derive(Debug, clap::Args)]
pub struct EventFilterArgs {
    /// Only records at or after this time (2026-11-20 or 2026-11-20T14:05:00Z).
    #[arg(long, value_name = "TIME", value_parser = crate::ingest::filter::parse_instant)]
    since: Option<jiff::Timestamp>,
    /// Only records before this time.
    #[arg(long, value_name = "TIME", value_parser = crate::ingest::filter::parse_instant)]
    until: Option<jiff::Timestamp>,
    /// Only records of this account (`recipientAccountId`); may be repeated.
    #[arg(long = "account", value_name = "ID")]
    accounts: Vec<String>,
    /// Only records of this region (`awsRegion`); may be repeated.
    #[arg(long = "region", value_name = "REGION")]
    regions: Vec<String>,
    /// Only records of this service (`kms.amazonaws.com`); may be repeated.
    #[arg(long = "event-source", value_name = "SOURCE")]
    sources: Vec<String>,
    /// Only records of this call (`DisableKey`); may be repeated.
    #[arg(long = "event-name", value_name = "NAME")]
    names: Vec<String>,
}

impl EventFilterArgs {
    pub fn filter(&self) -> crate::ingest::filter::EventFilter {
        crate::ingest::filter::EventFilter {
            since: self.since,
            until: self.until,
            accounts: self.accounts.clone(),
            regions: self.regions.clone(),
            sources: self.sources.clone(),
            names: self.names.clone(),
        }
    }
}

/// Options shared by the commands that load rules.
#[derive(Debug, clap::Args)]
pub struct RuleSources {
    /// Also load the rules (`.yml`/`.yaml`, atrest's or Sigma's) under this directory;
    /// may be repeated. `--sigma DIR` is the same.
    #[arg(long = "rules", visible_alias = "sigma", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

/// The rules of a command, and whether a rule file failed to load (exit 2 once the command
/// has done its work with the others).
pub struct Loaded {
    pub registry: Registry,
    pub failed: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Scan(args) => scan_cmd::run(&args),
        Command::Report(args) => report_cmd::run(&args),
        Command::Activity(args) => activity_cmd::run(&args),
        Command::Collect(args) => collect_cmd::run(&args),
        Command::Inventory(args) => inventory_cmd::run(&args),
        Command::Rules(cmd) => rules_cmd::run(&cmd),
        Command::Docs(cmd) => docs::run(&cmd),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "atrest", &mut out);
            EXIT_OK
        }
    };
    ExitCode::from(code)
}

/// Loads built-in rules and those of `--rules`, printing each problem: a rule atrest does
/// not support is a warning and is skipped, a file that does not load is an error, and the
/// other rules still load. `None` when no rule loaded at all: a scan without rules would
/// pass every gate.
fn load_rules(builtin: bool, dirs: &[PathBuf]) -> Option<Loaded> {
    let (registry, problems) = Registry::load_partial(builtin, dirs);
    print_load_errors(&problems);
    let failed = problems.iter().any(|p| !p.warning);
    if registry.is_empty() {
        if !failed {
            print_no_rules(dirs);
        }
        return None;
    }
    Some(Loaded { registry, failed })
}

fn print_no_rules(dirs: &[PathBuf]) {
    let mut err = io::stderr().lock();
    if dirs.is_empty() {
        let _ = writeln!(
            err,
            "error: no rules loaded: without the built-in rules, give a `--rules DIR`"
        );
    }
    for dir in dirs {
        let _ = writeln!(
            err,
            "error: no rules loaded: {} holds no .yml/.yaml rule",
            dir.display()
        );
    }
}

fn print_load_errors(errors: &[LoadError]) {
    let mut err = io::stderr().lock();
    for e in errors {
        let position = match (e.line, e.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path),
            _ => e.path.clone(),
        };
        // One error, one line, whatever the message holds.
        let message = e
            .message
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        let level = if e.warning { "warning" } else { "error" };
        let _ = writeln!(err, "{level}: {}: {}", escape(&position), escape(&message));
    }
}

/// Writes a report with `write` to `--output FILE` or, without it, to standard output.
fn write_report(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match path {
        Some(p) => write_atomically(p, write),
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write(&mut out)?;
            out.flush()
        }
    }
}

/// Writes a file through a temporary file in its directory, renamed over it only once all
/// of it was written and flushed: a CI job never uploads half a report, and a failed write
/// leaves the previous report as it was (the temporary file is removed). What is not a
/// regular file (`/dev/null`, `/dev/stdout`, a FIFO) is written to as it is: renaming over
/// it would replace the device with a file. A symbolic link is followed, and the file it
/// names replaced.
fn write_atomically(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let resolved;
    let target = match std::fs::metadata(target) {
        Ok(meta) if !meta.is_file() => {
            let mut out = io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(target)?);
            write(&mut out)?;
            return out.flush();
        }
        Ok(_) if std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) => {
            resolved = std::fs::canonicalize(target)?;
            resolved.as_path()
        }
        _ => target,
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".atrest-").suffix(".tmp");
    #[cfg(unix)]
    {
        // As `File::create` would: the umask decides, not tempfile's owner-only default.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir)?;
    let mut out = io::BufWriter::new(tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    tmp.as_file().sync_all()?;
    if let Ok(existing) = std::fs::metadata(target) {
        // A report someone made private stays private.
        tmp.as_file().set_permissions(existing.permissions())?;
    }
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn devices_are_written_to_and_links_followed_never_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomically(Path::new("/dev/null"), |out| out.write_all(b"report")).expect("write");
        let meta = std::fs::metadata("/dev/null").expect("/dev/null");
        assert!(
            meta.file_type().is_char_device(),
            "/dev/null is still a device"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").expect("write");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write_atomically(&link, |out| out.write_all(b"new")).expect("write");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).expect("read"), "new");
    }

    #[test]
    fn a_failed_write_leaves_the_previous_report() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("report.json");
        std::fs::write(&target, "old report").expect("write");
        let result = write_atomically(&target, |out: &mut dyn Write| {
            out.write_all(&vec![b'x'; 100_000])?;
            Err(io::Error::other("disk full"))
        });
        assert_eq!(result.map_err(|e| e.to_string()), Err("disk full".into()));
        assert_eq!(
            std::fs::read_to_string(&target).expect("kept"),
            "old report"
        );
        assert_eq!(
            files(dir.path()),
            ["report.json"],
            "no temporary file is left"
        );

        write_atomically(&target, |out: &mut dyn Write| out.write_all(b"new")).expect("written");
        assert_eq!(std::fs::read_to_string(&target).expect("replaced"), "new");
        assert_eq!(files(dir.path()), ["report.json"]);

        let into_dir = write_atomically(dir.path(), |out: &mut dyn Write| out.write_all(b"x"));
        assert!(into_dir.is_err(), "a directory is not replaced");
        assert_eq!(files(dir.path()), ["report.json"]);
    }
}
