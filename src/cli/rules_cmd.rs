//! `atrest rules list|explain|test`.

use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::json;

use crate::output::escape::{escape, escape_keep_lines};
use crate::rules::{Registry, Rule, testing};

use super::{
    EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Loaded, RuleSources, load_rules, print_load_errors,
    print_no_rules,
};

#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// List the rules: id, severity, what they apply to, title.
    List {
        #[command(flatten)]
        rules: RuleSources,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show everything about one rule, with its source.
    Explain {
        /// The rule id.
        id: String,
        #[command(flatten)]
        rules: RuleSources,
    },
    /// Run the test cases of the rules in DIR (default: the built-in rules).
    Test {
        /// A directory (or file) of rules; without it, the built-in rules are tested.
        dir: Option<PathBuf>,
    },
}

pub fn run(cmd: &RulesCommand) -> u8 {
    let mut out = UntilClosed::new(io::stdout().lock());
    let result = match cmd {
        RulesCommand::List { rules, json } => {
            let Some(Loaded { registry, failed }) = load_rules(true, &rules.dirs) else {
                return EXIT_ERROR;
            };
            escaped(&mut out, |buf| list(&registry, *json, buf)).map(|()| exit(failed))
        }
        RulesCommand::Explain { id, rules } => {
            let Some(Loaded { registry, failed }) = load_rules(true, &rules.dirs) else {
                return EXIT_ERROR;
            };
            match registry.find(id) {
                Some(rule) => escaped(&mut out, |buf| explain(rule, buf)).map(|()| exit(failed)),
                None => {
                    let _ = writeln!(
                        io::stderr(),
                        "error: no rule `{}` (see `atrest rules list`)",
                        escape(id)
                    );
                    return EXIT_ERROR;
                }
            }
        }
        RulesCommand::Test { dir } => escaped(&mut out, |buf| test(dir.as_ref(), buf)),
    };
    result
        .and_then(|code| out.flush().map(|()| code))
        .unwrap_or_else(|e| {
            let _ = writeln!(io::stderr(), "error: {e}");
            EXIT_ERROR
        })
}

fn exit(load_failed: bool) -> u8 {
    if load_failed { EXIT_ERROR } else { EXIT_OK }
}

/// Writes what `render` prints with the control characters of rule files (titles, case
/// names, the file itself) escaped, line breaks kept: a rule from `--rules` cannot drive the
/// terminal.
fn escaped<T>(
    out: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<T> {
    let mut buf = Vec::new();
    let result = render(&mut buf);
    out.write_all(escape_keep_lines(&String::from_utf8_lossy(&buf)).as_bytes())?;
    result
}

/// Standard output that a closed pipe ends quietly (`atrest rules list | head -1`): what
/// is written after the reader has gone is dropped, and the command keeps its own exit
/// code (`rules test` still fails when a case fails).
pub(super) struct UntilClosed<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> UntilClosed<W> {
    pub(super) fn new(inner: W) -> Self {
        UntilClosed {
            inner,
            closed: false,
        }
    }

    fn quiet<T>(&mut self, done: T, result: io::Result<T>) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.quiet(buf.len(), result)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.quiet((), result)
    }
}

fn list(registry: &Registry, as_json: bool, out: &mut dyn Write) -> io::Result<()> {
    if as_json {
        let rules: Vec<_> = registry
            .rules()
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "title": r.title, "severity": r.severity.name(),
                    "applies_to": r.target.name(), "compliance": r.compliance,
                    "builtin": r.builtin, "path": r.path,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rules)?;
        return writeln!(out);
    }
    let width = registry
        .rules()
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(2);
    writeln!(
        out,
        "{:width$}  {:8}  {:16}  TITLE",
        "ID", "SEVERITY", "APPLIES TO"
    )?;
    for r in registry.rules() {
        writeln!(
            out,
            "{:width$}  {:8}  {:16}  {}",
            r.id,
            r.severity.name(),
            r.target.name(),
            r.title
        )?;
    }
    writeln!(out, "\n{} rules", registry.len())
}

fn explain(r: &Rule, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{} — {}", r.id, r.title)?;
    writeln!(
        out,
        "severity: {}    applies to: {}    source: {}",
        r.severity,
        r.target.name(),
        r.path
    )?;
    writeln!(out, "\n{}", r.description.trim())?;
    if let Some(why) = &r.rationale {
        writeln!(out, "\nWhy it matters:\n{}", why.trim())?;
    }
    writeln!(out, "\nRemediation:\n{}", r.remediation_text.trim())?;
    if !r.compliance.is_empty() {
        writeln!(out, "\nCompliance:")?;
        for (framework, ids) in &r.compliance {
            writeln!(out, "  {framework}: {}", ids.join(", "))?;
        }
    }
    if !r.references.is_empty() {
        writeln!(out, "\nReferences:")?;
        for link in &r.references {
            writeln!(out, "  {link}")?;
        }
    }
    writeln!(out, "\nRule file:\n")?;
    for line in r.text.lines() {
        writeln!(out, "    {line}")?;
    }
    Ok(())
}

fn test(dir: Option<&PathBuf>, out: &mut dyn Write) -> io::Result<u8> {
    let dirs: Vec<PathBuf> = dir.into_iter().cloned().collect();
    let (registry, problems) = Registry::load_partial(dir.is_none(), &dirs);
    print_load_errors(&problems);
    let errors: Vec<_> = problems.iter().filter(|p| !p.warning).collect();
    if errors.is_empty() && registry.is_empty() {
        print_no_rules(&dirs);
        return Ok(EXIT_ERROR);
    }
    let mut cases = 0;
    let mut failures = 0;
    let mut untested = Vec::new();
    for rule in registry.rules() {
        let results = testing::run(rule);
        if results.is_empty() {
            untested.push(rule.id.as_str());
        }
        for r in results {
            cases += 1;
            match r.failure {
                None => writeln!(out, "ok    {} :: {}", r.rule, r.case)?,
                Some(why) => {
                    failures += 1;
                    writeln!(out, "FAIL  {} :: {}: {why}", r.rule, r.case)?;
                }
            }
        }
    }
    for id in &untested {
        writeln!(out, "note  {id} has no test cases")?;
    }
    writeln!(
        out,
        "\n{} rules, {cases} cases, {failures} failed",
        registry.len()
    )?;
    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if failures > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
