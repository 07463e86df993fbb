//! The recount of EFS file systems, secrets and parameters, from the files alone.

use std::io;
use std::path::Path;

use serde_json::Value;

use super::must;

/// The words that name a secret in a parameter's last segment, read plainly: letters and
/// digits only, lower case.
const SECRET_WORDS: [&str; 6] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
];

fn looks_secret(name: &str) -> bool {
    let leaf = name.rsplit('/').next().unwrap_or(name);
    let last_word = leaf
        .rsplit(['-', '_'])
        .next()
        .unwrap_or(leaf)
        .to_ascii_lowercase();
    if ["arn", "name", "id"].contains(&last_word.as_str()) {
        return false;
    }
    let plain: String = leaf
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| plain.contains(w))
}

/// Counts the findings of one region directory; `lookup` finds a key's metadata by any
/// reference (id, ARN, alias name or alias ARN).
pub(super) fn recount(
    dir: &Path,
    lookup: &dyn Fn(&str) -> Option<Value>,
    hit: &mut dyn FnMut(&str),
) -> io::Result<()> {
    let aws = |md: &Option<Value>| md.as_ref().is_some_and(|m| m["KeyManager"] == "AWS");
    // A key not in list-keys is gone: unusable too.
    let unusable = |md: &Option<Value>| md.as_ref().is_none_or(|m| m["KeyState"] != "Enabled");

    let efs = must(&dir.join("efs/describe-file-systems.json"))?;
    for f in efs["FileSystems"].as_array().into_iter().flatten() {
        if f["Encrypted"] == false {
            hit("efs-file-system-unencrypted");
            continue;
        }
        let md = f["KmsKeyId"].as_str().and_then(lookup);
        if aws(&md) {
            hit("efs-file-system-aws-managed-key");
        } else if unusable(&md) {
            hit("efs-file-system-key-unusable");
        }
    }

    let secrets = must(&dir.join("secretsmanager/list-secrets.json"))?;
    for s in secrets["SecretList"].as_array().into_iter().flatten() {
        let md = lookup(s["KmsKeyId"].as_str().unwrap_or("alias/aws/secretsmanager"));
        if aws(&md) {
            hit("secretsmanager-secret-aws-managed-key");
        } else if unusable(&md) {
            hit("secretsmanager-secret-key-unusable");
        }
    }

    let now = jiff::Timestamp::now();
    let params = must(&dir.join("ssm/describe-parameters.json"))?;
    for p in params["Parameters"].as_array().into_iter().flatten() {
        if p["Type"] == "SecureString" {
            let md = lookup(p["KeyId"].as_str().unwrap_or("alias/aws/ssm"));
            if aws(&md) {
                hit("ssm-parameter-aws-managed-key");
            } else if unusable(&md) {
                hit("ssm-parameter-key-unusable");
            }
        } else if looks_secret(p["Name"].as_str().unwrap_or_default()) {
            hit("ssm-parameter-secret-name-unencrypted");
        }
        let expired = p["Policies"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|policy| {
                let text: Value = policy["PolicyText"]
                    .as_str()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default();
                policy["PolicyType"] == "Expiration"
                    && text["Attributes"]["Timestamp"]
                        .as_str()
                        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                        .is_some_and(|t| t <= now)
            });
        if expired {
            hit("ssm-parameter-expired");
        }
    }
    Ok(())
}
