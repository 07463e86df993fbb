//! Amazon Resource Names.

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut parts = s.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        })
    }
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The AWS partition of a region.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

pub fn kms_key_arn(partition: &str, region: &str, account: &str, key_id: &str) -> String {
    format!("arn:{partition}:kms:{region}:{account}:key/{key_id}")
}

pub fn bucket_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:s3:::{name}")
}

/// The pseudo-ARN of an account's S3 settings (its account-level public access block).
pub fn s3_account_arn(partition: &str, account: &str) -> String {
    format!("arn:{partition}:s3::{account}:account")
}

pub fn volume_arn(region: &str, account: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{account}:volume/{id}",
        partition(region)
    )
}

/// Snapshot ARNs carry no account.
pub fn snapshot_arn(region: &str, id: &str) -> String {
    format!("arn:{}:ec2:{region}::snapshot/{id}", partition(region))
}

/// AMI ARNs carry no account either.
pub fn image_arn(region: &str, id: &str) -> String {
    format!("arn:{}:ec2:{region}::image/{id}", partition(region))
}

pub fn instance_arn(region: &str, account: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{account}:instance/{id}",
        partition(region)
    )
}

/// The pseudo-ARN of a region's EBS encryption defaults.
pub fn ebs_defaults_arn(region: &str, account: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{account}:ebs-defaults",
        partition(region)
    )
}

pub fn trail_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:cloudtrail:{region}:{account}:trail/{name}",
        partition(region)
    )
}

pub fn efs_file_system_arn(region: &str, account: &str, id: &str) -> String {
    format!(
        "arn:{}:elasticfilesystem:{region}:{account}:file-system/{id}",
        partition(region)
    )
}

/// An RDS resource's ARN: `arn:aws:rds:REGION:ACCOUNT:TYPE:ID`, `TYPE` being `db`,
/// `cluster`, `snapshot` or `cluster-snapshot`. A snapshot id that is already an ARN (a
/// snapshot shared from another account is named by its ARN) is kept as it is.
pub fn rds_arn(region: &str, account: &str, resource_type: &str, id: &str) -> String {
    if id.starts_with("arn:") {
        return id.to_owned();
    }
    format!(
        "arn:{}:rds:{region}:{account}:{resource_type}:{id}",
        partition(region)
    )
}

pub fn dynamodb_table_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:dynamodb:{region}:{account}:table/{name}",
        partition(region)
    )
}

/// A parameter's ARN: its name after `parameter`, with one `/` between them whether or not
/// the name starts with one (`/lab/db/password` and `MyParam` are both valid names).
pub fn ssm_parameter_arn(region: &str, account: &str, name: &str) -> String {
    let name = name.strip_prefix('/').unwrap_or(name);
    format!(
        "arn:{}:ssm:{region}:{account}:parameter/{name}",
        partition(region)
    )
}

pub fn sqs_queue_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:{}:sqs:{region}:{account}:{name}", partition(region))
}

pub fn sns_topic_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:{}:sns:{region}:{account}:{name}", partition(region))
}

/// The name of an SQS queue from its URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`),
/// with the account the URL names, when it names one.
pub fn queue_of_url(url: &str) -> Option<(&str, Option<&str>)> {
    let path = match url.split_once("://") {
        // `https://host/ACCOUNT/NAME`: the path after the host.
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => url,
    };
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let name = segments
        .next()
        .filter(|n| !n.is_empty() && !n.contains(':'))?;
    let account = segments.next().filter(|a| is_account_id(a));
    Some((name, account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arns() {
        let a = Arn::parse("arn:aws:kms:us-east-1:123456789012:alias/aws/ebs").expect("arn");
        assert_eq!(a.service, "kms");
        assert_eq!(a.resource, "alias/aws/ebs");
        let s = Arn::parse("arn:aws:s3:::bucket:with:colons").expect("arn");
        assert_eq!(
            (s.region, s.account, s.resource),
            ("", "", "bucket:with:colons")
        );
        assert_eq!(Arn::parse("alias/x"), None);
        assert_eq!(Arn::parse("arn:aws:kms"), None);
    }

    #[test]
    fn parameter_arns_have_one_slash() {
        assert_eq!(
            ssm_parameter_arn("us-east-1", "123456789012", "/lab/db/password"),
            "arn:aws:ssm:us-east-1:123456789012:parameter/lab/db/password"
        );
        assert_eq!(
            ssm_parameter_arn("cn-north-1", "123456789012", "MyParam"),
            "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/MyParam"
        );
        assert_eq!(
            efs_file_system_arn("eu-west-1", "123456789012", "fs-1"),
            "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1"
        );
    }

    #[test]
    fn queue_names_from_urls() {
        assert_eq!(
            queue_of_url("https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo"),
            Some(("orders.fifo", Some("123456789012")))
        );
        assert_eq!(
            queue_of_url("http://localhost:5000/123456789012/q/"),
            Some(("q", Some("123456789012")))
        );
        assert_eq!(queue_of_url("q"), Some(("q", None)));
        assert_eq!(queue_of_url("https://sqs.us-east-1.amazonaws.com/"), None);
    }

    #[test]
    fn rds_arns() {
        assert_eq!(
            rds_arn("us-east-1", "123456789012", "db", "app-db"),
            "arn:aws:rds:us-east-1:123456789012:db:app-db"
        );
        // Automated snapshot ids hold a colon; the ARN keeps it.
        let auto = rds_arn(
            "eu-west-1",
            "123456789012",
            "snapshot",
            "rds:app-db-2026-11-20-04-12",
        );
        assert_eq!(
            auto,
            "arn:aws:rds:eu-west-1:123456789012:snapshot:rds:app-db-2026-11-20-04-12"
        );
        assert_eq!(
            Arn::parse(&auto).map(|a| a.resource),
            Some("snapshot:rds:app-db-2026-11-20-04-12")
        );
        let shared = "arn:aws:rds:us-east-1:210987654321:snapshot:theirs";
        assert_eq!(
            rds_arn("us-east-1", "123456789012", "snapshot", shared),
            shared
        );
        assert!(
            rds_arn("cn-north-1", "123456789012", "cluster", "c").starts_with("arn:aws-cn:rds:")
        );
    }
}
