//! Live access to AWS with the AWS SDK for Rust (the `aws` cargo feature): the standard AWS
//! configuration (profiles, the environment, SSO, instance roles), one runtime for the
//! requests, and the clients atrest reads with. atrest only reads: no code here sends a
//! request that changes anything in an account.

pub mod collect;
pub mod lookup;
mod s3;

pub use s3::S3Store;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;

/// How to reach AWS, from the command line; what is not set comes from the standard AWS
/// configuration (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, `~/.aws/config`, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Requests in flight at once (objects fetched, prefixes listed).
    pub concurrency: usize,
    /// Attempts per request; `None`: the AWS configuration's, else [`DEFAULT_ATTEMPTS`].
    pub max_attempts: Option<u32>,
}

/// Attempts per request when neither the command line nor the AWS configuration says:
/// more than the SDK's 3, because a log bucket read at full speed may answer `SlowDown`
/// and the standard retry mode backs off (exponentially, with jitter) between attempts.
pub const DEFAULT_ATTEMPTS: u32 = 5;

/// The region asked when none is configured; a bucket's own region is then found by asking
/// the bucket.
const FALLBACK_REGION: &str = "us-east-1";

/// The runtime every request of a run is made on: two threads are plenty for requests,
/// and parsing has the scan's own threads.
pub(crate) fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("atrest-aws")
        .enable_all()
        .build()
}

/// The shared AWS configuration of a run.
pub(crate) async fn load(settings: &Settings) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &settings.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let attempts = settings.max_attempts.or_else(|| {
        // The AWS configuration's own setting wins over atrest's default.
        let configured = ["AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"]
            .iter()
            .any(|v| std::env::var_os(v).is_some());
        (!configured).then_some(DEFAULT_ATTEMPTS)
    });
    if let Some(n) = attempts {
        loader = loader.retry_config(RetryConfig::standard().with_max_attempts(n));
    }
    loader = loader.timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            // One attempt at one object: CloudTrail files are a few MB at most.
            .operation_attempt_timeout(Duration::from_secs(300))
            .build(),
    );
    let config = loader.load().await;
    if config.region().is_some() {
        return config;
    }
    config
        .into_builder()
        .region(aws_config::Region::new(FALLBACK_REGION))
        .build()
}

/// An SDK error as one line: the service's code and message when it answered, else the
/// whole chain of causes (a refused connection, missing credentials, a timeout).
pub(crate) fn describe<E, R>(error: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if let aws_sdk_s3::error::SdkError::ServiceError(service) = error {
        let err = service.err();
        let code = err.code().unwrap_or("error");
        return match err.message() {
            Some(message) => format!("{code}: {message}"),
            None => code.to_owned(),
        };
    }
    aws_sdk_s3::error::DisplayErrorContext(error).to_string()
}
