//! `s3://` inputs on the command line, and the options that say how AWS is reached.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::output::escape::escape;
use crate::progress::Progress;
use crate::rules::Registry;
use crate::scan::{Outcome, ScanOptions, scan_all};
use crate::source::remote::S3Url;

/// How `s3://` inputs and `--lookup` reach AWS.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "AWS (s3:// inputs, --lookup)")]
pub struct AwsArgs {
    #[command(flatten)]
    pub connection: Connection,
    /// Also read recent events through CloudTrail's LookupEvents API (management events of
    /// the last 90 days; needs --since): every region --region names, else every region
    /// enabled by default, at most two requests a second in each.
    #[arg(long)]
    pub lookup: bool,
}

/// How AWS is reached. Without these, the standard AWS configuration decides
/// (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, `~/.aws/config`, SSO, instance roles).
#[derive(Debug, clap::Args)]
pub struct Connection {
    /// The AWS profile to use.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The region requests are first sent to (a bucket's own region is then found by asking
    /// it). Not `--region`, which filters CloudTrail records.
    #[arg(long = "aws-region", value_name = "REGION")]
    aws_region: Option<String>,
    /// Send AWS requests to this endpoint: an S3-compatible store, a local test server.
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Requests in flight at once (objects fetched, prefixes listed, resources described).
    #[arg(long, value_name = "N", default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,
    /// Attempts per request before an object is reported as not read; throttling
    /// (`SlowDown`) backs off between attempts. Default: AWS_MAX_ATTEMPTS, else 5.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: Option<u32>,
}

impl Connection {
    #[cfg(feature = "aws")]
    pub fn settings(&self) -> crate::aws::Settings {
        crate::aws::Settings {
            profile: self.profile.clone(),
            region: self.aws_region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            concurrency: usize::from(self.concurrency),
            max_attempts: self.max_attempts,
        }
    }

    /// Without AWS access the options are parsed (so that scripts get the same error
    /// everywhere) and not used.
    #[cfg(not(feature = "aws"))]
    pub fn unused(&self) {
        let _ = (&self.profile, &self.aws_region, &self.endpoint_url);
        let _ = (self.concurrency, self.max_attempts);
    }
}

/// Local paths and `s3://` addresses, apart; an address that is not one is an error.
fn split(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<S3Url>), String> {
    let mut local = Vec::new();
    let mut remote = Vec::new();
    for input in inputs {
        match input.to_str().and_then(S3Url::parse) {
            None => local.push(input.clone()),
            Some(Ok(url)) => remote.push(url),
            Some(Err(e)) => return Err(e),
        }
    }
    Ok((local, remote))
}

/// Scans local paths and `s3://` addresses (and with `--lookup`, recent events), with a
/// progress bar where `input` says to draw one; `Err` with the exit code when the inputs
/// cannot be scanned at all (the message is on stderr).
pub fn scan_inputs(
    inputs: &[PathBuf],
    aws: &AwsArgs,
    registry: &Registry,
    options: &ScanOptions,
    input: &super::InputOptions,
) -> Result<Outcome, u8> {
    let bar = input.progress_bar();
    let progress = bar.as_ref().map(|b| b as &dyn Progress);
    let fail = |message: &str| {
        let _ = writeln!(io::stderr(), "error: {}", escape(message));
        super::EXIT_ERROR
    };
    let (local, urls) = split(inputs).map_err(|e| fail(&e))?;
    if urls.is_empty() && !aws.lookup {
        return Ok(scan_all(&local, None, registry, options, progress));
    }
    if aws.lookup && options.filter.since.is_none() {
        return Err(fail(
            "--lookup needs --since: LookupEvents returns up to 90 days of events, at two \
             requests a second (for example --since 2026-11-25)",
        ));
    }
    remote_scan(&local, urls, aws, registry, options, progress).map_err(|e| fail(&e))
}

#[cfg(feature = "aws")]
fn remote_scan(
    local: &[PathBuf],
    urls: Vec<S3Url>,
    aws: &AwsArgs,
    registry: &Registry,
    options: &ScanOptions,
    progress: Option<&dyn Progress>,
) -> Result<Outcome, String> {
    let settings = aws.connection.settings();
    use crate::aws::lookup;
    let store = crate::aws::S3Store::new(&settings)
        .map_err(|e| format!("cannot start the AWS client: {e}"))?;
    let mut looked = lookup::Lookups::default();
    if aws.lookup {
        let regions = lookup::regions(&options.filter);
        let (runtime, config) = store.session();
        looked = lookup::lookup(runtime, config, &options.filter, &regions);
        if looked.events.is_empty() && looked.diagnostics.is_empty() {
            // An empty answer may be a quiet account or a wrong window: no pass either way.
            looked
                .diagnostics
                .push(crate::diagnostic::Diagnostic::error(
                    crate::source::remote::LOOKUP_SCHEME,
                    format!(
                        "LookupEvents returned no event in {} since {}: nothing to check",
                        regions.join(", "),
                        options
                            .filter
                            .since
                            .map(|t| t.to_string())
                            .unwrap_or_default()
                    ),
                ));
        }
    }
    let remote = crate::scan::RemoteInputs {
        store: &store,
        urls,
        documents: looked
            .events
            .into_iter()
            .map(|e| (e.address, e.record))
            .collect(),
    };
    let mut outcome = scan_all(local, Some(&remote), registry, options, progress);
    outcome.diagnostics.extend(looked.diagnostics);
    outcome.diagnostics.sort();
    Ok(outcome)
}

#[cfg(not(feature = "aws"))]
fn remote_scan(
    _local: &[PathBuf],
    urls: Vec<S3Url>,
    aws: &AwsArgs,
    _registry: &Registry,
    _options: &ScanOptions,
    _progress: Option<&dyn Progress>,
) -> Result<Outcome, String> {
    aws.connection.unused();
    let Some(url) = urls.first() else {
        return Err(
            "--lookup: this atrest was built without AWS access; build it with the \
             `aws` feature (cargo install --path . --features aws), or save the events first \
             (aws cloudtrail lookup-events --start-time ... > events.json) and scan that file"
                .to_owned(),
        );
    };
    Err(format!(
        "s3://{}: this atrest was built without AWS access; build it with the `aws` feature \
         (cargo install --path . --features aws) to read S3, or copy the objects first \
         (aws s3 sync s3://{}/... DIR) and scan DIR",
        url.bucket, url.bucket
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_paths_are_told_apart() {
        let inputs = [
            PathBuf::from("samples/lab"),
            PathBuf::from("s3://logs/AWSLogs/"),
        ];
        let (local, remote) = split(&inputs).expect("valid");
        assert_eq!(local, [PathBuf::from("samples/lab")]);
        assert_eq!(remote[0].bucket, "logs");
        assert!(split(&[PathBuf::from("s3://NO/x")]).is_err());
    }
}
