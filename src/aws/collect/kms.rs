//! KMS in one region: the keys and aliases, and for each key its description, policy,
//! rotation status and history, grants and tags (`samples/export-account.sh` makes the same
//! calls). Answers are kept as KMS sent them ([`super::raw`]).

use aws_sdk_kms::Client;
use serde_json::{Map, Value};

use super::raw::{all_pages, raw_call};
use super::{CallError, Out, bounded, file_name, in_region};

type Answer = Result<Map<String, Value>, CallError>;

pub async fn collect(config: &aws_config::SdkConfig, out: &Out, region: &str, concurrency: usize) {
    let client = Client::new(&in_region(config, region));
    let keys = list_keys(&client).await;
    let ids: Vec<String> = match &keys {
        Ok(json) => json
            .get("Keys")
            .and_then(Value::as_array)
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| k.get("KeyId").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    out.write(region, "kms", "list-keys", "ListKeys", keys);
    out.write(
        region,
        "kms",
        "list-aliases",
        "ListAliases",
        list_aliases(&client).await,
    );

    // Keys several at once, each key's calls one after the other.
    let answers = bounded(ids, concurrency, |id| {
        let client = client.clone();
        async move { key_calls(&client, &id).await }
    })
    .await;
    for (id, calls) in answers {
        for (api, operation, answer) in calls {
            let name = format!("{api}--{}", file_name(&id));
            out.write(region, "kms", &name, operation, answer);
        }
    }
}

/// A KMS list call's pages: `Marker` in, `NextMarker` and `Truncated` out.
macro_rules! kms_pages {
    ($call:expr, $operation:literal, $list:literal) => {
        all_pages!(
            $call,
            set_marker,
            next_marker,
            $operation,
            [$list],
            ["NextMarker", "Truncated"]
        )
    };
}

async fn list_keys(client: &Client) -> Answer {
    kms_pages!(client.list_keys(), "ListKeys", "Keys")
}

async fn list_aliases(client: &Client) -> Answer {
    kms_pages!(client.list_aliases(), "ListAliases", "Aliases")
}

/// The per-key calls: (api, operation, answer).
async fn key_calls(client: &Client, id: &str) -> Vec<(&'static str, &'static str, Answer)> {
    let describe = raw_call!(client.describe_key().key_id(id), "DescribeKey").map(|(_, j)| j);
    let policy = raw_call!(
        client.get_key_policy().key_id(id).policy_name("default"),
        "GetKeyPolicy"
    )
    .map(|(_, j)| j);
    let rotation = raw_call!(
        client.get_key_rotation_status().key_id(id),
        "GetKeyRotationStatus"
    )
    .map(|(_, j)| j);
    let rotations = kms_pages!(
        client.list_key_rotations().key_id(id),
        "ListKeyRotations",
        "Rotations"
    );
    let grants = kms_pages!(client.list_grants().key_id(id), "ListGrants", "Grants");
    let tags = kms_pages!(
        client.list_resource_tags().key_id(id),
        "ListResourceTags",
        "Tags"
    );
    vec![
        ("describe-key", "DescribeKey", describe),
        ("get-key-policy", "GetKeyPolicy", policy),
        ("get-key-rotation-status", "GetKeyRotationStatus", rotation),
        ("list-key-rotations", "ListKeyRotations", rotations),
        ("list-grants", "ListGrants", grants),
        ("list-resource-tags", "ListResourceTags", tags),
    ]
}
