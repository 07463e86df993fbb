//! The command line: `atrest scan`, `atrest rules list|explain|test`, `atrest docs`.

mod docs;
mod inventory_cmd;
mod rules_cmd;
mod scan_cmd;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files and directories: export directories, AWS Config files, CloudTrail logs.
    Scan(scan_cmd::ScanArgs),
    /// Print the resources rules see (one JSON document per line), to write and debug rules.
    Inventory(inventory_cmd::InventoryArgs),
    /// List, explain and test rules.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Generate documentation from the code.
    #[command(subcommand, hide = true)]
    Docs(docs::DocsCommand),
}

/// Options shared by the commands that load rules.
#[derive(Debug, clap::Args)]
pub struct RuleSources {
    /// Also load the rules (`.yml`/`.yaml`) under this directory; may be repeated.
    #[arg(long = "rules", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Scan(args) => scan_cmd::run(&args),
        Command::Inventory(args) => inventory_cmd::run(&args),
        Command::Rules(cmd) => rules_cmd::run(&cmd),
        Command::Docs(cmd) => docs::run(&cmd),
    };
    ExitCode::from(code)
}

/// Loads built-in rules and those of `--rules`; on errors prints them and returns `None`.
/// Loading no rule at all is an error too: a scan without rules would pass every gate.
fn load_rules(builtin: bool, dirs: &[PathBuf]) -> Option<Registry> {
    match Registry::load(builtin, dirs) {
        Ok(registry) if registry.is_empty() => {
            print_no_rules(dirs);
            None
        }
        Ok(registry) => Some(registry),
        Err(errors) => {
            print_load_errors(&errors);
            None
        }
    }
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
        let _ = writeln!(err, "error: {position}: {message}");
    }
}

/// Where output goes: `--output FILE` or standard output.
fn open_output(path: Option<&PathBuf>) -> io::Result<Box<dyn Write>> {
    match path {
        Some(p) => Ok(Box::new(io::BufWriter::new(std::fs::File::create(p)?))),
        None => Ok(Box::new(io::BufWriter::new(io::stdout().lock()))),
    }
}
