//! `atrest collect`: an export directory written from a live account.

use std::io::{self, Write};
use std::path::PathBuf;

use super::remote_args::Connection;
use super::{EXIT_ERROR, EXIT_OK};
use crate::output::escape::escape;

#[derive(Debug, clap::Args)]
pub struct CollectArgs {
    /// The directory to write into: `DIR/<account>/<region>/<service>/<api>.json`, as
    /// docs/export-format.md describes and `atrest scan DIR` reads.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Regions to collect, comma-separated; global calls (STS, S3) are written under the
    /// first. Default: the configured region.
    #[arg(long, value_name = "R1,R2", value_delimiter = ',')]
    regions: Vec<String>,
    /// Every active account of the organization (from its management account or a
    /// delegated administrator), each into `DIR/<account>/`, with --role-name assumed in
    /// each.
    #[arg(long, requires = "role_name")]
    org: bool,
    /// The role assumed in each member account with --org (e.g.
    /// OrganizationAccountAccessRole, or a read-only audit role).
    #[arg(long, value_name = "NAME", requires = "org")]
    role_name: Option<String>,
    #[command(flatten)]
    connection: Connection,
}

pub fn run(args: &CollectArgs) -> u8 {
    match collect(args) {
        Ok((summary, complete)) => {
            // Line by line: names from AWS (account names) are escaped, the layout is not.
            let mut err = io::stderr().lock();
            for line in summary.lines() {
                let _ = writeln!(err, "{}", escape(line));
            }
            if complete { EXIT_OK } else { EXIT_ERROR }
        }
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {}", escape(&e));
            EXIT_ERROR
        }
    }
}

/// What was collected, for stderr, and whether every account was.
#[cfg(feature = "aws")]
fn collect(args: &CollectArgs) -> Result<(String, bool), String> {
    let settings = args.connection.settings();
    let plan = crate::aws::collect::Plan {
        out: args.out.clone(),
        regions: args.regions.clone(),
        concurrency: settings.concurrency,
    };
    let line = |done: &crate::aws::collect::Collected| {
        format!(
            "account {}: wrote {} files to {} ({} failed calls kept as .error.json)",
            done.account,
            done.files,
            args.out.join(&done.account).display(),
            done.failed
        )
    };
    let Some(role) = args.role_name.as_deref().filter(|_| args.org) else {
        let done = crate::aws::collect::collect(&settings, &plan)?;
        return Ok((format!("atrest collect: {}", line(&done)), true));
    };
    let members = crate::aws::collect::org::collect(&settings, &plan, role)?;
    let mut lines = Vec::new();
    let mut refused = 0;
    for m in &members {
        match &m.collected {
            Ok(done) => lines.push(format!("  {} ({}): {}", m.id, m.name, line(done))),
            Err(e) => {
                refused += 1;
                lines.push(format!("  {} ({}): not collected: {e}", m.id, m.name));
            }
        }
    }
    let head = format!(
        "atrest collect --org: {} accounts, {} collected, {refused} not (recorded as a failed \
         get-caller-identity in their directory)",
        members.len(),
        members.len() - refused
    );
    Ok((format!("{head}\n{}", lines.join("\n")), refused == 0))
}

#[cfg(not(feature = "aws"))]
fn collect(args: &CollectArgs) -> Result<(String, bool), String> {
    args.connection.unused();
    let _ = (&args.out, &args.regions, args.org, &args.role_name);
    Err(
        "collect: this atrest was built without AWS access; build it with the `aws` feature \
         (cargo install --path . --features aws), or export with samples/export-account.sh"
            .to_owned(),
    )
}
