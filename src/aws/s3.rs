//! S3 as a [`Store`]: listings by delimiter, several prefixes at once; objects fetched
//! several at once, each handed on as it arrives.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_sdk_s3::Client;
use tokio::task::JoinSet;

use super::{Settings, describe};
use crate::source::remote::{Fetched, Listing, Object, Store};

/// S3, or an S3-compatible store at `--endpoint-url`.
pub struct S3Store {
    runtime: tokio::runtime::Runtime,
    config: aws_config::SdkConfig,
    concurrency: usize,
    /// A client per bucket, in the bucket's own region.
    clients: Mutex<HashMap<String, Client>>,
}

impl S3Store {
    pub fn new(settings: &Settings) -> std::io::Result<S3Store> {
        let runtime = super::runtime()?;
        let config = runtime.block_on(super::load(settings));
        Ok(S3Store {
            runtime,
            config,
            concurrency: settings.concurrency.max(1),
            clients: Mutex::new(HashMap::new()),
        })
    }

    /// The runtime and AWS configuration this store's requests use, for the other calls of
    /// the same run (`--lookup`): loaded once.
    pub fn session(&self) -> (&tokio::runtime::Runtime, &aws_config::SdkConfig) {
        (&self.runtime, &self.config)
    }

    fn client_in(&self, region: Option<&str>) -> Client {
        let mut builder = aws_sdk_s3::config::Builder::from(&self.config);
        if let Some(region) = region {
            builder = builder.region(aws_sdk_s3::config::Region::new(region.to_owned()));
        }
        // S3-compatible stores and local servers want the bucket in the path.
        if self.config.endpoint_url().is_some() {
            builder = builder.force_path_style(true);
        }
        Client::from_conf(builder.build())
    }

    /// The client for `bucket`: S3 answers a request sent to another region than the
    /// bucket's with a redirect that names the right one, which `HeadBucket` reads.
    async fn client(&self, bucket: &str) -> Client {
        if let Some(c) = self.lock().get(bucket) {
            return c.clone();
        }
        let first = self.client_in(None);
        let asked = first.head_bucket().bucket(bucket).send().await;
        let region = match &asked {
            Ok(out) => out.bucket_region().map(str::to_owned),
            Err(e) => e
                .raw_response()
                .and_then(|r| r.headers().get("x-amz-bucket-region"))
                .map(str::to_owned),
        };
        let client = match region {
            Some(r) if Some(r.as_str()) != self.config.region().map(|c| c.as_ref()) => {
                self.client_in(Some(&r))
            }
            _ => first,
        };
        self.lock().insert(bucket.to_owned(), client.clone());
        client
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Client>> {
        self.clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Every page of one level under `prefix`.
async fn list_level(client: Client, bucket: String, prefix: String) -> Result<Listing, String> {
    let mut listing = Listing::default();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(&prefix)
            .delimiter("/")
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        listing.prefixes.extend(
            page.common_prefixes()
                .iter()
                .filter_map(|p| p.prefix().map(str::to_owned)),
        );
        listing
            .objects
            .extend(page.contents().iter().filter_map(|o| {
                Some(Object {
                    key: o.key()?.to_owned(),
                    size: u64::try_from(o.size().unwrap_or(0)).unwrap_or(0),
                })
            }));
        match page.next_continuation_token() {
            Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_owned()),
            _ => return Ok(listing),
        }
    }
}

async fn get(client: Client, bucket: String, key: String) -> Fetched {
    let out = client
        .get_object()
        .bucket(&bucket)
        .key(&key)
        .send()
        .await
        .map_err(|e| {
            let message = describe(&e);
            if message.starts_with("InvalidObjectState") {
                format!("{message} (archived in a Glacier storage class: restore it to scan it)")
            } else {
                message
            }
        })?;
    let body = out
        .body
        .collect()
        .await
        .map_err(|e| format!("the transfer broke off: {e}"))?;
    Ok(body.into_bytes().to_vec())
}

impl Store for S3Store {
    fn list(&self, bucket: &str, prefixes: &[String]) -> Vec<Result<Listing, String>> {
        self.runtime.block_on(async {
            let client = self.client(bucket).await;
            let mut results: Vec<Option<Result<Listing, String>>> = vec![None; prefixes.len()];
            let mut set = JoinSet::new();
            let mut next = 0;
            let mut tasks = HashMap::new();
            loop {
                while next < prefixes.len() && set.len() < self.concurrency {
                    let task =
                        list_level(client.clone(), bucket.to_owned(), prefixes[next].clone());
                    tasks.insert(set.spawn(task).id(), next);
                    next += 1;
                }
                match set.join_next_with_id().await {
                    None => break,
                    Some(Ok((id, listing))) => results[tasks[&id]] = Some(listing),
                    Some(Err(e)) => results[tasks[&e.id()]] = Some(Err(e.to_string())),
                }
            }
            results
                .into_iter()
                .map(|r| r.unwrap_or_else(|| Err("not listed".to_owned())))
                .collect()
        })
    }

    fn fetch(&self, bucket: &str, keys: &[String], done: &mut dyn FnMut(usize, Fetched)) {
        self.runtime.block_on(async {
            let client = self.client(bucket).await;
            let mut set = JoinSet::new();
            let mut next = 0;
            let mut tasks = HashMap::new();
            loop {
                // Objects in flight and fetched but not yet handed on count alike: while
                // `done` waits, no new fetch starts.
                while next < keys.len() && set.len() < self.concurrency {
                    let task = get(client.clone(), bucket.to_owned(), keys[next].clone());
                    tasks.insert(set.spawn(task).id(), next);
                    next += 1;
                }
                match set.join_next_with_id().await {
                    None => break,
                    Some(Ok((id, fetched))) => done(tasks[&id], fetched),
                    Some(Err(e)) => done(tasks[&e.id()], Err(e.to_string())),
                }
            }
        });
    }
}
