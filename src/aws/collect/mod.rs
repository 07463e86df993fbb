//! `atrest collect`: an export directory (docs/export-format.md) written from a live
//! account, file for file as `samples/export-account.sh` writes it with the AWS CLI: the
//! answer of each call as `<account>/<region>/<service>/<api>[--<resource>].json`, a call
//! that fails as `.error.json` (access denied is recorded, not fatal). Only read calls are
//! made; no secret value is ever asked for.
//!
//! Every call the export format lists is made: STS, S3 and S3 Control, KMS, CloudTrail, EC2,
//! EFS, Secrets Manager and Parameter Store (metadata only), DynamoDB, SQS, SNS and RDS.
//! EC2 instances and RDS instances and clusters are written with the members atrest keeps.

mod cloudtrail;
mod data;
mod ec2;
mod json;
mod kms;
pub mod org;
pub(crate) mod raw;
mod rds;
mod s3;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Map, Value};

use super::Settings;

/// What to collect, and where to write it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub out: PathBuf,
    /// Regional calls are made in each; global ones (STS, S3) under the first. Empty: the
    /// configured region.
    pub regions: Vec<String>,
    /// Calls in flight at once.
    pub concurrency: usize,
}

/// What a collection wrote.
#[derive(Debug, Default)]
pub struct Collected {
    pub account: String,
    pub files: usize,
    /// Calls that failed (their `.error.json` is written).
    pub failed: usize,
}

/// A call that failed: the service's error code (empty when AWS did not answer) and the
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub code: String,
    pub message: String,
}

impl CallError {
    pub fn of<E>(
        error: &aws_sdk_kms::error::SdkError<E, aws_sdk_kms::config::http::HttpResponse>,
    ) -> CallError
    where
        E: aws_sdk_kms::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        if let aws_sdk_kms::error::SdkError::ServiceError(service) = error {
            let err = service.err();
            let (code, message) = (err.code().unwrap_or_default(), err.message());
            // An answer without a code or message: its status and what the SDK made of it.
            let message = match message {
                Some(m) if !m.is_empty() || !code.is_empty() => m.to_owned(),
                _ => format!("HTTP {}: {}", service.raw().status().as_u16(), chain(error)),
            };
            return CallError {
                code: code.to_owned(),
                message,
            };
        }
        CallError {
            code: String::new(),
            message: chain(error),
        }
    }
}

/// An error and its causes, each as it displays itself.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let shown = c.to_string();
        if !text.ends_with(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        cause = c.source();
    }
    text
}

/// Writes the files of one account, counting them.
pub struct Out {
    root: PathBuf,
    files: AtomicUsize,
    failed: AtomicUsize,
    problems: std::sync::Mutex<Vec<String>>,
}

impl Out {
    pub(crate) fn new(root: PathBuf) -> Out {
        Out {
            root,
            files: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            problems: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// `<region>/<service>/<name>.json` or, for a failed call, `.error.json` in the CLI's
    /// words (`operation` is the API's name, `GetBucketPolicy`).
    pub fn write(
        &self,
        region: &str,
        service: &str,
        name: &str,
        operation: &str,
        answer: Result<Map<String, Value>, CallError>,
    ) {
        let dir = self.root.join(region).join(service);
        let result = std::fs::create_dir_all(&dir).and_then(|()| match answer {
            Ok(json) => {
                let mut text = serde_json::to_string_pretty(&Value::Object(json))
                    .map_err(std::io::Error::other)?;
                text.push('\n');
                write_file(&dir.join(format!("{name}.json")), text.as_bytes())
            }
            Err(e) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                let stderr = if e.code.is_empty() {
                    format!("\n{}\n", e.message)
                } else {
                    format!(
                        "\nAn error occurred ({}) when calling the {operation} operation: {}\n",
                        e.code, e.message
                    )
                };
                let doc = serde_json::json!({
                    "exit_code": 254,
                    "error_code": e.code,
                    "stderr": stderr,
                });
                let text = format!("{doc}\n");
                write_file(&dir.join(format!("{name}.error.json")), text.as_bytes())
            }
        });
        match result {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => self.problem(format!("{}: {e}", dir.join(name).display())),
        }
    }

    fn problem(&self, message: String) {
        self.problems
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(message);
    }
}

/// A file written whole or not at all: a temporary file renamed over it.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A resource's name as it is written in a file name: `/` and `%` escaped.
pub fn file_name(name: &str) -> String {
    name.replace('%', "%25").replace('/', "%2F")
}

/// Collects the account of the credentials into `plan.out/<account>/`.
pub fn collect(settings: &Settings, plan: &Plan) -> Result<Collected, String> {
    let runtime = super::runtime().map_err(|e| format!("cannot start the AWS client: {e}"))?;
    runtime.block_on(async {
        let config = super::load(settings).await;
        let regions = regions(&config, plan)?;
        account(&config, plan, &regions).await
    })
}

/// The regions to collect: those named, else the configured one.
pub(crate) fn regions(config: &aws_config::SdkConfig, plan: &Plan) -> Result<Vec<String>, String> {
    let regions = if plan.regions.is_empty() {
        config
            .region()
            .map(|r| vec![r.to_string()])
            .unwrap_or_default()
    } else {
        plan.regions.clone()
    };
    if regions.is_empty() {
        return Err("no region to collect: give --regions or configure one".to_owned());
    }
    Ok(regions)
}

/// Collects the account `config`'s credentials are in, into `plan.out/<account>/`.
pub(crate) async fn account(
    config: &aws_config::SdkConfig,
    plan: &Plan,
    regions: &[String],
) -> Result<Collected, String> {
    let first = regions[0].clone();
    let config = config.clone();
    {
        let sts = aws_sdk_sts::Client::new(&config);
        let identity = sts.get_caller_identity().send().await.map_err(|e| {
            format!(
                "sts get-caller-identity failed: {}",
                CallError::of(&e).message_line()
            )
        })?;
        let account = identity.account().unwrap_or_default().to_owned();
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("unexpected account id from STS: {account:?}"));
        }
        let out = Out::new(plan.out.join(&account));
        let mut who = Map::new();
        for (key, value) in [
            ("UserId", identity.user_id()),
            ("Account", identity.account()),
            ("Arn", identity.arn()),
        ] {
            if let Some(v) = value {
                who.insert(key.to_owned(), Value::String(v.to_owned()));
            }
        }
        out.write(
            &first,
            "sts",
            "get-caller-identity",
            "GetCallerIdentity",
            Ok(who),
        );

        s3::collect(&config, &out, &first, plan.concurrency).await;
        s3::account_block(&config, &out, &first, &account).await;
        let mut running = tokio::task::JoinSet::new();
        let out = std::sync::Arc::new(out);
        for region in regions {
            let config = config.clone();
            let out = out.clone();
            let region = region.clone();
            let concurrency = plan.concurrency;
            running.spawn(async move {
                kms::collect(&config, &out, &region, concurrency).await;
                cloudtrail::collect(&config, &out, &region).await;
                data::collect(&config, &out, &region, concurrency).await;
                ec2::collect(&config, &out, &region, concurrency).await;
                rds::collect(&config, &out, &region, concurrency).await;
            });
        }
        while let Some(done) = running.join_next().await {
            if let Err(e) = done {
                out.problem(format!("a region's collection stopped: {e}"));
            }
        }
        let problems = out
            .problems
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Collected {
            account,
            files: out.files.load(Ordering::Relaxed),
            failed: out.failed.load(Ordering::Relaxed),
        })
    }
}

impl CallError {
    /// `Code: message`, or the message alone.
    pub fn message_line(&self) -> String {
        if self.code.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.code, self.message)
        }
    }
}

/// `work` for each of `items`, at most `limit` at once; the results in the order of `items`.
pub(crate) async fn bounded<T, F, Fut>(
    items: Vec<String>,
    limit: usize,
    work: F,
) -> Vec<(String, T)>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut running = tokio::task::JoinSet::new();
    let mut done = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        while running.len() >= limit.max(1) {
            if let Some(Ok(one)) = running.join_next().await {
                done.push(one);
            }
        }
        let job = work(item.clone());
        running.spawn(async move { (i, item, job.await) });
    }
    while let Some(one) = running.join_next().await {
        if let Ok(one) = one {
            done.push(one);
        }
    }
    done.sort_by_key(|(i, _, _)| *i);
    done.into_iter().map(|(_, item, t)| (item, t)).collect()
}

/// A regional client's configuration: the shared one, in `region`.
pub(crate) fn in_region(config: &aws_config::SdkConfig, region: &str) -> aws_config::SdkConfig {
    config
        .clone()
        .into_builder()
        .region(aws_config::Region::new(region.to_owned()))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_as_the_export_script_does() {
        assert_eq!(file_name("a/b%c"), "a%2Fb%25c");
        assert_eq!(file_name("plain"), "plain");
    }

    #[test]
    fn failed_calls_are_written_in_the_cli_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = Out::new(dir.path().to_path_buf());
        let denied = CallError {
            code: "AccessDenied".into(),
            message: "not for you".into(),
        };
        out.write(
            "us-east-1",
            "s3",
            "get-bucket-policy--b",
            "GetBucketPolicy",
            Err(denied),
        );
        let text = std::fs::read_to_string(
            dir.path()
                .join("us-east-1/s3/get-bucket-policy--b.error.json"),
        )
        .expect("written");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(doc["error_code"], "AccessDenied");
        assert_eq!(
            doc["stderr"],
            "\nAn error occurred (AccessDenied) when calling the GetBucketPolicy operation: not for you\n"
        );
        let none = CallError {
            code: String::new(),
            message: "dispatch failure: connection refused".into(),
        };
        out.write(
            "us-east-1",
            "ec2",
            "describe-volumes",
            "DescribeVolumes",
            Err(none),
        );
        let path = dir.path().join("us-east-1/ec2/describe-volumes.error.json");
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("written")).expect("JSON");
        assert_eq!(doc["error_code"], "");
        assert_eq!(doc["stderr"], "\ndispatch failure: connection refused\n");
        assert_eq!(out.failed.load(Ordering::Relaxed), 2);
        assert_eq!(out.files.load(Ordering::Relaxed), 2);
    }
}
