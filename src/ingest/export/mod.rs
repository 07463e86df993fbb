//! Readers for AWS CLI output in an export directory. Each output shape is recognised by its
//! content; the path names the resource when the output does not, and breaks ties.

mod ec2;

pub use ec2::INSTANCE_FIELDS;
mod kms;
mod s3;
mod trail;

use serde_json::{Map, Value};

use crate::model::{Item, Loc};
use crate::source::SourceId;

use super::layout::PathHint;

/// The AWS CLI commands atrest understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    ListBuckets,
    GetBucketLocation,
    GetBucketEncryption,
    GetBucketPublicAccessBlock,
    GetBucketPolicy,
    GetBucketPolicyStatus,
    GetBucketAcl,
    GetBucketOwnershipControls,
    GetBucketVersioning,
    GetAccountPublicAccessBlock,
    ListKeys,
    ListAliases,
    DescribeKey,
    GetKeyPolicy,
    GetKeyRotationStatus,
    ListGrants,
    ListResourceTags,
    DescribeVolumes,
    DescribeSnapshots,
    DescribeSnapshotAttribute,
    DescribeInstances,
    GetEbsEncryptionByDefault,
    GetEbsDefaultKmsKeyId,
    GetSnapshotBlockPublicAccessState,
    DescribeTrails,
    GetTrailStatus,
    GetEventSelectors,
    GetCallerIdentity,
}

impl Api {
    /// The command from the path's service directory and file name.
    fn from_path(hint: &PathHint) -> Option<Api> {
        let service = hint.service.as_deref();
        Some(match (service, hint.api.as_deref()?) {
            (_, "list-buckets") => Api::ListBuckets,
            (_, "get-bucket-location") => Api::GetBucketLocation,
            (_, "get-bucket-encryption") => Api::GetBucketEncryption,
            (Some("s3control"), "get-public-access-block") => Api::GetAccountPublicAccessBlock,
            (_, "get-public-access-block") if hint.resource.is_none() => {
                Api::GetAccountPublicAccessBlock
            }
            (_, "get-public-access-block") => Api::GetBucketPublicAccessBlock,
            (_, "get-bucket-policy") => Api::GetBucketPolicy,
            (_, "get-bucket-policy-status") => Api::GetBucketPolicyStatus,
            (_, "get-bucket-acl") => Api::GetBucketAcl,
            (_, "get-bucket-ownership-controls") => Api::GetBucketOwnershipControls,
            (_, "get-bucket-versioning") => Api::GetBucketVersioning,
            (_, "list-keys") => Api::ListKeys,
            (_, "list-aliases") => Api::ListAliases,
            (_, "describe-key") => Api::DescribeKey,
            (_, "get-key-policy") => Api::GetKeyPolicy,
            (_, "get-key-rotation-status") => Api::GetKeyRotationStatus,
            (_, "list-grants") => Api::ListGrants,
            (_, "list-resource-tags") => Api::ListResourceTags,
            (_, "describe-volumes") => Api::DescribeVolumes,
            (_, "describe-snapshots") => Api::DescribeSnapshots,
            (_, "describe-snapshot-attribute") => Api::DescribeSnapshotAttribute,
            (_, "describe-instances") => Api::DescribeInstances,
            (_, "get-ebs-encryption-by-default") => Api::GetEbsEncryptionByDefault,
            (_, "get-ebs-default-kms-key-id") => Api::GetEbsDefaultKmsKeyId,
            (_, "get-snapshot-block-public-access-state") => Api::GetSnapshotBlockPublicAccessState,
            (_, "describe-trails") => Api::DescribeTrails,
            (_, "get-trail-status") => Api::GetTrailStatus,
            (_, "get-event-selectors") => Api::GetEventSelectors,
            (_, "get-caller-identity") => Api::GetCallerIdentity,
            _ => return None,
        })
    }

    /// The command whose output this is, by the keys it holds; the path decides between
    /// shapes that look alike (a bucket's or a key's `Policy`, a bucket's or the account's
    /// public access block) and names the command of an empty output.
    pub fn identify(value: &Value, hint: &PathHint) -> Option<Api> {
        let from_path = Api::from_path(hint);
        let obj = value.as_object()?;
        let has = |k: &str| obj.contains_key(k);
        let by_content = if has("Buckets") {
            Api::ListBuckets
        } else if has("ServerSideEncryptionConfiguration") {
            Api::GetBucketEncryption
        } else if has("PublicAccessBlockConfiguration") {
            match from_path {
                Some(Api::GetAccountPublicAccessBlock) => Api::GetAccountPublicAccessBlock,
                _ => Api::GetBucketPublicAccessBlock,
            }
        } else if has("PolicyStatus") {
            Api::GetBucketPolicyStatus
        } else if has("Policy") {
            match from_path {
                Some(Api::GetKeyPolicy) => Api::GetKeyPolicy,
                Some(Api::GetBucketPolicy) => Api::GetBucketPolicy,
                _ if has("PolicyName") || hint.service.as_deref() == Some("kms") => {
                    Api::GetKeyPolicy
                }
                _ => Api::GetBucketPolicy,
            }
        } else if has("Grants") && has("Owner") {
            Api::GetBucketAcl
        } else if has("Grants") {
            Api::ListGrants
        } else if has("OwnershipControls") {
            Api::GetBucketOwnershipControls
        } else if has("LocationConstraint") {
            Api::GetBucketLocation
        } else if has("Keys") {
            Api::ListKeys
        } else if has("Aliases") {
            Api::ListAliases
        } else if has("KeyMetadata") {
            Api::DescribeKey
        } else if has("KeyRotationEnabled") {
            Api::GetKeyRotationStatus
        } else if has("Volumes") {
            Api::DescribeVolumes
        } else if has("Snapshots") {
            Api::DescribeSnapshots
        } else if has("CreateVolumePermissions") {
            Api::DescribeSnapshotAttribute
        } else if has("Reservations") {
            Api::DescribeInstances
        } else if has("EbsEncryptionByDefault") {
            Api::GetEbsEncryptionByDefault
        } else if has("trailList") {
            Api::DescribeTrails
        } else if has("IsLogging") {
            Api::GetTrailStatus
        } else if has("EventSelectors") || has("AdvancedEventSelectors") {
            Api::GetEventSelectors
        } else if has("Account") && has("Arn") && has("UserId") {
            Api::GetCallerIdentity
        } else if has("Tags") && from_path == Some(Api::ListResourceTags) {
            Api::ListResourceTags
        } else if has("KmsKeyId") && obj.len() == 1 {
            Api::GetEbsDefaultKmsKeyId
        } else if has("State") && from_path == Some(Api::GetSnapshotBlockPublicAccessState) {
            Api::GetSnapshotBlockPublicAccessState
        } else if (obj.is_empty() || has("Status") || has("MFADelete"))
            && from_path == Some(Api::GetBucketVersioning)
        {
            Api::GetBucketVersioning
        } else if has("Tags") && has("Truncated") {
            Api::ListResourceTags
        } else {
            return None;
        };
        Some(by_content)
    }
}

/// Where the pieces of one export file come from and what its path says.
pub struct Ctx<'a> {
    pub source: SourceId,
    pub hint: &'a PathHint,
}

impl Ctx<'_> {
    pub fn root(&self) -> Loc {
        Loc::new(self.source, "")
    }

    pub fn at(&self, pointer: &str) -> Loc {
        Loc::new(self.source, pointer)
    }

    pub fn account(&self) -> &str {
        self.hint.account.as_deref().unwrap_or("")
    }

    pub fn region(&self) -> &str {
        self.hint.region.as_deref().unwrap_or("")
    }

    /// The resource named by the file (`--<resource>`), required by per-resource outputs.
    pub fn resource(&self, what: &str) -> Result<&str, String> {
        self.hint.resource.as_deref().ok_or_else(|| {
            format!(
                "this output does not name its {what}: put it in the export layout as \
                 <account>/<region>/<service>/<api>--<{what}>.json"
            )
        })
    }
}

/// Reads one AWS CLI output (`value`, the parsed file) into model items.
/// Takes the document by value: its members move into the pieces, nothing is copied.
pub fn read(api: Api, value: Value, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut obj = match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let obj = &mut obj;
    match api {
        Api::ListBuckets
        | Api::GetBucketLocation
        | Api::GetBucketEncryption
        | Api::GetBucketPublicAccessBlock
        | Api::GetBucketPolicy
        | Api::GetBucketPolicyStatus
        | Api::GetBucketAcl
        | Api::GetBucketOwnershipControls
        | Api::GetBucketVersioning
        | Api::GetAccountPublicAccessBlock => s3::read(api, obj, ctx),
        Api::ListKeys
        | Api::ListAliases
        | Api::DescribeKey
        | Api::GetKeyPolicy
        | Api::GetKeyRotationStatus
        | Api::ListGrants
        | Api::ListResourceTags => kms::read(api, obj, ctx),
        Api::DescribeVolumes
        | Api::DescribeSnapshots
        | Api::DescribeSnapshotAttribute
        | Api::DescribeInstances
        | Api::GetEbsEncryptionByDefault
        | Api::GetEbsDefaultKmsKeyId
        | Api::GetSnapshotBlockPublicAccessState => ec2::read(api, obj, ctx),
        Api::DescribeTrails | Api::GetTrailStatus | Api::GetEventSelectors => {
            trail::read(api, obj, ctx)
        }
        Api::GetCallerIdentity => Ok(Vec::new()),
    }
}

/// An `.error.json` file: `{"exit_code", "error_code", "stderr"}`. Returns the facts the
/// error establishes, or `Err` with a message when the call failed for another reason.
pub fn read_error(value: &Value, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let code = value
        .get("error_code")
        .and_then(Value::as_str)
        .ok_or("an .error.json file must hold {\"exit_code\", \"error_code\", \"stderr\"}")?;
    let api = Api::from_path(ctx.hint).ok_or("the file name does not name an AWS CLI command")?;
    // Rotation status does not exist for keys pending deletion or without rotatable
    // material (asymmetric, HMAC, imported, custom key stores): an expected answer.
    if api == Api::GetKeyRotationStatus
        && matches!(
            code,
            "KMSInvalidStateException" | "UnsupportedOperationException"
        )
    {
        return Ok(Vec::new());
    }
    let fact = s3::read_error(api, code, ctx)?;
    match fact {
        Some(items) => Ok(items),
        None => {
            let stderr = value.get("stderr").and_then(Value::as_str).unwrap_or("");
            let detail = stderr.trim().lines().last().unwrap_or(code);
            Err(format!(
                "the AWS CLI call `{}` failed with {code}: {detail}",
                ctx.hint.api.as_deref().unwrap_or("?")
            ))
        }
    }
}

/// An object's members (the shape AWS returned, unchanged), moved out.
fn members(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The items of a list member, moved out of the document.
fn take_list(obj: &mut Map<String, Value>, key: &str) -> Vec<Value> {
    match obj.remove(key) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn api(value: Value, path: &str) -> Option<Api> {
        Api::identify(&value, &PathHint::read(Path::new(path)))
    }

    #[test]
    fn content_first_path_breaks_ties() {
        let p = "1/123456789012/us-east-1/kms/get-key-policy--k.json";
        assert_eq!(api(json!({"Policy": "{}"}), p), Some(Api::GetKeyPolicy));
        let p = "123456789012/us-east-1/s3/get-bucket-policy--b.json";
        assert_eq!(api(json!({"Policy": "{}"}), p), Some(Api::GetBucketPolicy));
        assert_eq!(
            api(json!({"Policy": "{}", "PolicyName": "default"}), "x.json"),
            Some(Api::GetKeyPolicy)
        );
        let pab = json!({"PublicAccessBlockConfiguration": {}});
        assert_eq!(
            api(
                pab.clone(),
                "123456789012/us-east-1/s3control/get-public-access-block.json"
            ),
            Some(Api::GetAccountPublicAccessBlock)
        );
        assert_eq!(
            api(
                pab,
                "123456789012/us-east-1/s3/get-public-access-block--b.json"
            ),
            Some(Api::GetBucketPublicAccessBlock)
        );
        // The path never overrides what the content says.
        assert_eq!(
            api(
                json!({"Volumes": []}),
                "123456789012/us-east-1/kms/list-keys.json"
            ),
            Some(Api::DescribeVolumes)
        );
        assert_eq!(
            api(
                json!({}),
                "123456789012/us-east-1/s3/get-bucket-versioning--b.json"
            ),
            Some(Api::GetBucketVersioning)
        );
        assert_eq!(api(json!({}), "x/other.json"), None);
        assert_eq!(api(json!({"Foo": 1}), "x/other.json"), None);
    }
}
