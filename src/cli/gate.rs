//! What turns a scan into a gate teams can live with: the configuration file, its governed
//! exceptions, and baselines (`--config`, `--baseline`, `--write-baseline`), shared by
//! `atrest scan` and `atrest report`.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::config::{self, Config};
use crate::finding::baseline;
use crate::output::escape::escape;
use crate::scan::Outcome;

use super::EXIT_ERROR;

#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// The configuration file (defaults, `ignore:` exceptions); without it, `atrest.yml` in
    /// the working directory is read if there is one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compare with this baseline (`--write-baseline`): its findings are `unchanged` and do
    /// not count for `--fail-on`; the others are `new`; those no longer found are listed
    /// as fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the fingerprints of this scan's findings (those not suppressed) to FILE, as a
    /// baseline for later scans.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

impl GateArgs {
    /// The configuration, or exit 2 with its error printed.
    pub fn config(&self) -> Result<Config, u8> {
        Config::discover(self.config.as_deref()).map_err(|e| {
            let _ = writeln!(io::stderr(), "error: {}", escape(&e.to_string()));
            EXIT_ERROR
        })
    }

    /// Applies the exceptions and the baseline to the scan's findings, and writes the new
    /// baseline if asked. The warnings (expired or unused exceptions) join the scan's
    /// diagnostics.
    pub fn apply(
        &self,
        config: &Config,
        outcome: &mut Outcome,
        as_of: Option<jiff::Timestamp>,
    ) -> Result<(), u8> {
        let now = as_of.unwrap_or_else(jiff::Timestamp::now);
        let today = jiff::tz::Offset::UTC.to_datetime(now).date();
        let warnings = config::apply(outcome, &config.ignore, today);
        outcome.diagnostics.extend(warnings);
        outcome.diagnostics.sort();
        if let Some(path) = &self.baseline {
            let entries = baseline::read(path).map_err(|e| {
                let _ = writeln!(io::stderr(), "error: {}", escape(&e));
                EXIT_ERROR
            })?;
            let shown = crate::output::display_path(path);
            outcome.baseline = Some(baseline::compare(&mut outcome.findings, entries, &shown));
        }
        if let Some(path) = &self.write_baseline {
            // A suppressed finding is left out: when its exception expires, it is new.
            let text =
                baseline::render(outcome.findings.iter().filter(|f| f.suppression.is_none()));
            if let Err(e) = super::write_report(Some(path), |out| out.write_all(text.as_bytes())) {
                let _ = writeln!(
                    io::stderr(),
                    "error: cannot write the baseline to {}: {e}",
                    escape(&crate::output::display_path(path))
                );
                return Err(EXIT_ERROR);
            }
        }
        Ok(())
    }
}
