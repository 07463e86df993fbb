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
    #[command(flatten)]
    connection: Connection,
}

pub fn run(args: &CollectArgs) -> u8 {
    match collect(args) {
        Ok(summary) => {
            let _ = writeln!(io::stderr(), "{}", escape(&summary));
            EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {}", escape(&e));
            EXIT_ERROR
        }
    }
}

#[cfg(feature = "aws")]
fn collect(args: &CollectArgs) -> Result<String, String> {
    let settings = args.connection.settings();
    let plan = crate::aws::collect::Plan {
        out: args.out.clone(),
        regions: args.regions.clone(),
        concurrency: settings.concurrency,
    };
    let done = crate::aws::collect::collect(&settings, &plan)?;
    Ok(format!(
        "atrest collect: account {}: wrote {} files to {} ({} failed calls kept as .error.json)",
        done.account,
        done.files,
        args.out.join(&done.account).display(),
        done.failed
    ))
}

#[cfg(not(feature = "aws"))]
fn collect(args: &CollectArgs) -> Result<String, String> {
    args.connection.unused();
    let _ = (&args.out, &args.regions);
    Err(
        "collect: this atrest was built without AWS access; build it with the `aws` feature \
         (cargo install --path . --features aws), or export with samples/export-account.sh"
            .to_owned(),
    )
}
