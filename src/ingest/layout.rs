//! What a file's place in an export directory says:
//! `<root>/<account>/<region>/<service>/<api>[--<resource>][.error].json`.

use std::path::Path;

/// The parts of an export path that could be read. Outside the layout only the file name
/// may say something (`describe-volumes.json` still names its API).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathHint {
    /// Set, with `region` and `service`, only when the file sits in the export layout.
    pub account: Option<String>,
    pub region: Option<String>,
    pub service: Option<String>,
    pub api: Option<String>,
    pub resource: Option<String>,
    pub error_file: bool,
}

impl PathHint {
    pub fn read(path: &Path) -> PathHint {
        let mut hint = PathHint::default();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return hint;
        };
        let stem = if let Some(stem) = name.strip_suffix(".error.json") {
            hint.error_file = true;
            stem
        } else if let Some(stem) = name.strip_suffix(".json") {
            stem
        } else {
            return hint;
        };
        let (api, resource) = match stem.split_once("--") {
            Some((api, resource)) => (api, Some(percent_decode(resource))),
            None => (stem, None),
        };
        if !is_api_name(api) {
            return hint;
        }
        hint.api = Some(api.to_owned());
        hint.resource = resource;
        let mut parents = path.parent().into_iter().flat_map(Path::iter).rev();
        let service = parents.next().and_then(|s| s.to_str());
        let region = parents.next().and_then(|s| s.to_str());
        let account = parents.next().and_then(|s| s.to_str());
        let service = service.filter(|s| is_service_name(s));
        let region = region.filter(|r| is_region(r));
        let account = account.filter(|a| crate::model::is_account_id(a));
        match (account, region, service) {
            // The export layout: any service directory, read or not.
            (Some(account), Some(region), Some(service)) => {
                hint.account = Some(account.to_owned());
                hint.region = Some(region.to_owned());
                hint.service = Some(normal_service(service).to_owned());
            }
            // Elsewhere a directory says something only when it names a service atrest reads.
            (_, region, Some(service)) if super::export::is_service(service) => {
                hint.service = Some(normal_service(service).to_owned());
                hint.region = region.map(str::to_owned);
            }
            _ => {}
        }
        hint
    }
}

/// `aws s3api` calls may sit under `s3/` or `s3api/`.
fn normal_service(dir: &str) -> &str {
    if dir == "s3api" { "s3" } else { dir }
}

/// AWS CLI command names are lower-case words joined by single hyphens.
fn is_api_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// AWS CLI service names: lower-case letters and digits (`s3`, `ec2`, `configservice`).
fn is_service_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`, ...
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The region of an availability zone: `us-east-1a` and `us-west-2-lax-1a` (a Local Zone)
/// are in `us-east-1` and `us-west-2`.
pub fn region_of_zone(zone: &str) -> Option<String> {
    let parts: Vec<&str> = zone.split('-').collect();
    for end in (3..=parts.len()).rev() {
        let mut candidate = parts[..end].join("-");
        if is_region(&candidate) {
            return Some(candidate);
        }
        // The zone letter is glued to the region's number: `us-east-1a`.
        candidate.pop();
        if is_region(&candidate) && end == parts.len() {
            return Some(candidate);
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_layout() {
        let hint = PathHint::read(Path::new(
            "x/123456789012/us-east-1/s3/get-bucket-encryption--imagebucket-1.json",
        ));
        assert_eq!(hint.account.as_deref(), Some("123456789012"));
        assert_eq!(hint.region.as_deref(), Some("us-east-1"));
        assert_eq!(hint.service.as_deref(), Some("s3"));
        assert_eq!(hint.api.as_deref(), Some("get-bucket-encryption"));
        assert_eq!(hint.resource.as_deref(), Some("imagebucket-1"));
        assert!(!hint.error_file);

        let hint = PathHint::read(Path::new(
            "123456789012/eu-west-1/s3api/get-bucket-policy--a%2Fb--c.error.json",
        ));
        assert_eq!(hint.service.as_deref(), Some("s3"));
        assert_eq!(hint.resource.as_deref(), Some("a/b--c"));
        assert!(hint.error_file);
    }

    #[test]
    fn outside_the_layout_only_the_name_counts() {
        let hint = PathHint::read(Path::new("/tmp/describe-volumes.json"));
        assert_eq!(hint.api.as_deref(), Some("describe-volumes"));
        assert_eq!(hint.account, None);
        let hint = PathHint::read(Path::new("logs/1111_CloudTrail_us-east-1_2025.json"));
        assert_eq!(hint.api, None);
        let hint = PathHint::read(Path::new("notaccount/us-east-1/kms/list-keys.json"));
        assert_eq!(hint.region.as_deref(), Some("us-east-1"));
        assert_eq!(hint.account, None);
    }

    #[test]
    fn regions_and_zones() {
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("us-east-1a"));
        assert!(!is_region("global"));
        assert_eq!(region_of_zone("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(
            region_of_zone("us-west-2-lax-1a").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(
            region_of_zone("eu-central-1c").as_deref(),
            Some("eu-central-1")
        );
        assert_eq!(region_of_zone("nonsense"), None);
    }
}
