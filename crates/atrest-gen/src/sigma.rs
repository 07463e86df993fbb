//! Sigma-format CloudTrail rules by the hundred, deterministic, for the dispatch benchmark
//! and tests: most pin `eventSource` and `eventName` (some as a list of maps), some only
//! `eventName` or only `eventSource`, about 5 % neither (keywords, a text in one field);
//! names come from real records so that some match.

use std::fmt::Write;

/// (eventSource, eventName) pairs: about those of the attack logs, then more CloudTrail
/// event names (a large rule set covers hundreds of names, most of them rare in any one
/// log), picked uniformly.
const PAIRS: &[(&str, &str)] = &[
    ("cloudtrail.amazonaws.com", "StopLogging"),
    ("cloudtrail.amazonaws.com", "DeleteTrail"),
    ("cloudtrail.amazonaws.com", "PutEventSelectors"),
    ("cloudtrail.amazonaws.com", "UpdateTrail"),
    ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
    ("ec2.amazonaws.com", "DeleteFlowLogs"),
    ("ec2.amazonaws.com", "ModifySnapshotAttribute"),
    ("ec2.amazonaws.com", "ModifyImageAttribute"),
    ("ec2.amazonaws.com", "RunInstances"),
    ("ec2.amazonaws.com", "StopInstances"),
    ("ec2.amazonaws.com", "GetPasswordData"),
    ("ec2.amazonaws.com", "CreateVolume"),
    ("ec2.amazonaws.com", "DisableEbsEncryptionByDefault"),
    ("iam.amazonaws.com", "CreateAccessKey"),
    ("iam.amazonaws.com", "CreateUser"),
    ("iam.amazonaws.com", "AttachUserPolicy"),
    ("iam.amazonaws.com", "AttachRolePolicy"),
    ("iam.amazonaws.com", "UpdateLoginProfile"),
    ("iam.amazonaws.com", "UpdateAssumeRolePolicy"),
    ("iam.amazonaws.com", "PutUserPolicy"),
    ("iam.amazonaws.com", "DeleteRolePolicy"),
    ("kms.amazonaws.com", "DisableKey"),
    ("kms.amazonaws.com", "ScheduleKeyDeletion"),
    ("kms.amazonaws.com", "PutKeyPolicy"),
    ("kms.amazonaws.com", "CreateGrant"),
    ("kms.amazonaws.com", "Decrypt"),
    ("kms.amazonaws.com", "DisableKeyRotation"),
    ("s3.amazonaws.com", "PutBucketPolicy"),
    ("s3.amazonaws.com", "PutBucketAcl"),
    ("s3.amazonaws.com", "DeleteBucketEncryption"),
    ("s3.amazonaws.com", "PutBucketPublicAccessBlock"),
    ("s3.amazonaws.com", "GetObject"),
    ("secretsmanager.amazonaws.com", "GetSecretValue"),
    ("secretsmanager.amazonaws.com", "BatchGetSecretValue"),
    ("secretsmanager.amazonaws.com", "ListSecrets"),
    ("ssm.amazonaws.com", "GetParameters"),
    ("ssm.amazonaws.com", "SendCommand"),
    ("ssm.amazonaws.com", "StartSession"),
    ("sts.amazonaws.com", "AssumeRole"),
    ("sts.amazonaws.com", "GetCallerIdentity"),
    ("sts.amazonaws.com", "GetFederationToken"),
    ("signin.amazonaws.com", "ConsoleLogin"),
    ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"),
    ("lambda.amazonaws.com", "AddPermission20150331v2"),
    ("organizations.amazonaws.com", "LeaveOrganization"),
    ("rds.amazonaws.com", "ModifyDBSnapshotAttribute"),
    ("rds.amazonaws.com", "DeleteDBCluster"),
    ("guardduty.amazonaws.com", "DeleteDetector"),
    ("config.amazonaws.com", "StopConfigurationRecorder"),
    ("bedrock.amazonaws.com", "InvokeModel"),
    (
        "route53resolver.amazonaws.com",
        "DeleteResolverQueryLogConfig",
    ),
    ("ec2-instance-connect.amazonaws.com", "SendSSHPublicKey"),
    ("dynamodb.amazonaws.com", "UpdateTable"),
    ("sns.amazonaws.com", "SetTopicAttributes"),
    ("sqs.amazonaws.com", "SetQueueAttributes"),
    ("elasticfilesystem.amazonaws.com", "DeleteFileSystem"),
    // Names the attack logs do not hold, as most of a large rule set's.
    ("ec2.amazonaws.com", "AllocateAddress"),
    ("ec2.amazonaws.com", "AssociateAddress"),
    ("ec2.amazonaws.com", "AttachVolume"),
    ("ec2.amazonaws.com", "CreateImage"),
    ("ec2.amazonaws.com", "CreateKeyPair"),
    ("ec2.amazonaws.com", "CreateSnapshot"),
    ("ec2.amazonaws.com", "CreateSecurityGroup"),
    ("ec2.amazonaws.com", "CreateTags"),
    ("ec2.amazonaws.com", "CreateVpc"),
    ("ec2.amazonaws.com", "CreateSubnet"),
    ("ec2.amazonaws.com", "CreateRoute"),
    ("ec2.amazonaws.com", "DeleteSecurityGroup"),
    ("ec2.amazonaws.com", "DeleteSnapshot"),
    ("ec2.amazonaws.com", "DeleteVolume"),
    ("ec2.amazonaws.com", "DetachVolume"),
    ("ec2.amazonaws.com", "EnableEbsEncryptionByDefault"),
    ("ec2.amazonaws.com", "ModifyEbsDefaultKmsKeyId"),
    ("ec2.amazonaws.com", "ModifyInstanceMetadataOptions"),
    ("ec2.amazonaws.com", "RevokeSecurityGroupIngress"),
    ("ec2.amazonaws.com", "TerminateInstances"),
    ("ec2.amazonaws.com", "ImportKeyPair"),
    ("ec2.amazonaws.com", "CreateNetworkAclEntry"),
    ("ec2.amazonaws.com", "ReplaceRoute"),
    ("ec2.amazonaws.com", "CopySnapshot"),
    ("ec2.amazonaws.com", "CopyImage"),
    ("iam.amazonaws.com", "AddUserToGroup"),
    ("iam.amazonaws.com", "CreateGroup"),
    ("iam.amazonaws.com", "CreatePolicy"),
    ("iam.amazonaws.com", "CreatePolicyVersion"),
    ("iam.amazonaws.com", "CreateServiceLinkedRole"),
    ("iam.amazonaws.com", "DeleteAccessKey"),
    ("iam.amazonaws.com", "DeleteUser"),
    ("iam.amazonaws.com", "DeleteRole"),
    ("iam.amazonaws.com", "DetachRolePolicy"),
    ("iam.amazonaws.com", "DetachUserPolicy"),
    ("iam.amazonaws.com", "PutRolePolicy"),
    ("iam.amazonaws.com", "PutGroupPolicy"),
    ("iam.amazonaws.com", "SetDefaultPolicyVersion"),
    ("iam.amazonaws.com", "UpdateAccessKey"),
    ("iam.amazonaws.com", "CreateVirtualMFADevice"),
    ("iam.amazonaws.com", "DeactivateMFADevice"),
    ("iam.amazonaws.com", "EnableMFADevice"),
    ("iam.amazonaws.com", "UpdateRole"),
    ("iam.amazonaws.com", "TagRole"),
    ("iam.amazonaws.com", "PassRole"),
    ("kms.amazonaws.com", "CreateKey"),
    ("kms.amazonaws.com", "EnableKey"),
    ("kms.amazonaws.com", "CancelKeyDeletion"),
    ("kms.amazonaws.com", "EnableKeyRotation"),
    ("kms.amazonaws.com", "CreateAlias"),
    ("kms.amazonaws.com", "DeleteAlias"),
    ("kms.amazonaws.com", "UpdateAlias"),
    ("kms.amazonaws.com", "RetireGrant"),
    ("kms.amazonaws.com", "RevokeGrant"),
    ("kms.amazonaws.com", "ImportKeyMaterial"),
    ("kms.amazonaws.com", "DeleteImportedKeyMaterial"),
    ("kms.amazonaws.com", "GenerateDataKey"),
    ("kms.amazonaws.com", "ReEncrypt"),
    ("kms.amazonaws.com", "Encrypt"),
    ("s3.amazonaws.com", "CreateBucket"),
    ("s3.amazonaws.com", "DeleteBucket"),
    ("s3.amazonaws.com", "DeleteBucketPolicy"),
    ("s3.amazonaws.com", "PutBucketEncryption"),
    ("s3.amazonaws.com", "PutBucketLogging"),
    ("s3.amazonaws.com", "PutBucketVersioning"),
    ("s3.amazonaws.com", "PutBucketReplication"),
    ("s3.amazonaws.com", "PutBucketLifecycle"),
    ("s3.amazonaws.com", "PutObjectAcl"),
    ("s3.amazonaws.com", "PutBucketOwnershipControls"),
    ("s3.amazonaws.com", "DeleteBucketPublicAccessBlock"),
    ("s3.amazonaws.com", "PutBucketWebsite"),
    ("s3.amazonaws.com", "PutObject"),
    ("s3.amazonaws.com", "CopyObject"),
    ("s3.amazonaws.com", "DeleteObject"),
    ("cloudtrail.amazonaws.com", "CreateTrail"),
    ("cloudtrail.amazonaws.com", "StartLogging"),
    ("cloudtrail.amazonaws.com", "PutInsightSelectors"),
    ("cloudtrail.amazonaws.com", "DeleteEventDataStore"),
    ("cloudtrail.amazonaws.com", "UpdateEventDataStore"),
    ("rds.amazonaws.com", "CreateDBInstance"),
    ("rds.amazonaws.com", "DeleteDBInstance"),
    ("rds.amazonaws.com", "ModifyDBInstance"),
    ("rds.amazonaws.com", "CreateDBSnapshot"),
    ("rds.amazonaws.com", "DeleteDBSnapshot"),
    ("rds.amazonaws.com", "RestoreDBInstanceFromDBSnapshot"),
    ("rds.amazonaws.com", "ModifyDBClusterSnapshotAttribute"),
    ("rds.amazonaws.com", "StopDBInstance"),
    ("lambda.amazonaws.com", "CreateFunction20150331"),
    ("lambda.amazonaws.com", "DeleteFunction20150331"),
    ("lambda.amazonaws.com", "PublishLayerVersion20181031"),
    ("lambda.amazonaws.com", "CreateEventSourceMapping20150331"),
    ("lambda.amazonaws.com", "UpdateFunctionUrlConfig20211031"),
    ("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031"),
    ("sts.amazonaws.com", "AssumeRoleWithSAML"),
    ("sts.amazonaws.com", "AssumeRoleWithWebIdentity"),
    ("sts.amazonaws.com", "GetSessionToken"),
    ("sts.amazonaws.com", "DecodeAuthorizationMessage"),
    ("organizations.amazonaws.com", "InviteAccountToOrganization"),
    (
        "organizations.amazonaws.com",
        "RemoveAccountFromOrganization",
    ),
    ("organizations.amazonaws.com", "DisablePolicyType"),
    ("organizations.amazonaws.com", "DetachPolicy"),
    ("organizations.amazonaws.com", "CreateAccount"),
    ("organizations.amazonaws.com", "DeleteOrganization"),
    ("guardduty.amazonaws.com", "UpdateDetector"),
    ("guardduty.amazonaws.com", "DeleteMembers"),
    ("guardduty.amazonaws.com", "DisassociateFromMasterAccount"),
    ("guardduty.amazonaws.com", "CreateIPSet"),
    ("guardduty.amazonaws.com", "UpdateIPSet"),
    ("guardduty.amazonaws.com", "CreateFilter"),
    ("config.amazonaws.com", "DeleteConfigurationRecorder"),
    ("config.amazonaws.com", "DeleteDeliveryChannel"),
    ("config.amazonaws.com", "PutConfigurationRecorder"),
    ("config.amazonaws.com", "DeleteConfigRule"),
    ("secretsmanager.amazonaws.com", "CreateSecret"),
    ("secretsmanager.amazonaws.com", "DeleteSecret"),
    ("secretsmanager.amazonaws.com", "PutSecretValue"),
    ("secretsmanager.amazonaws.com", "UpdateSecret"),
    ("secretsmanager.amazonaws.com", "RestoreSecret"),
    ("secretsmanager.amazonaws.com", "PutResourcePolicy"),
    ("secretsmanager.amazonaws.com", "RotateSecret"),
    ("ssm.amazonaws.com", "PutParameter"),
    ("ssm.amazonaws.com", "DeleteParameter"),
    ("ssm.amazonaws.com", "GetParameter"),
    ("ssm.amazonaws.com", "CreateDocument"),
    ("ssm.amazonaws.com", "UpdateDocument"),
    ("ssm.amazonaws.com", "ResumeSession"),
    ("dynamodb.amazonaws.com", "CreateTable"),
    ("dynamodb.amazonaws.com", "DeleteTable"),
    ("dynamodb.amazonaws.com", "CreateBackup"),
    ("dynamodb.amazonaws.com", "DeleteBackup"),
    ("dynamodb.amazonaws.com", "RestoreTableFromBackup"),
    ("dynamodb.amazonaws.com", "ExportTableToPointInTime"),
    ("dynamodb.amazonaws.com", "UpdateContinuousBackups"),
    ("sns.amazonaws.com", "CreateTopic"),
    ("sns.amazonaws.com", "DeleteTopic"),
    ("sns.amazonaws.com", "Subscribe"),
    ("sns.amazonaws.com", "Unsubscribe"),
    ("sqs.amazonaws.com", "CreateQueue"),
    ("sqs.amazonaws.com", "DeleteQueue"),
    ("sqs.amazonaws.com", "PurgeQueue"),
    ("sqs.amazonaws.com", "AddPermission"),
    ("elasticfilesystem.amazonaws.com", "CreateFileSystem"),
    ("elasticfilesystem.amazonaws.com", "PutFileSystemPolicy"),
    ("elasticfilesystem.amazonaws.com", "DeleteMountTarget"),
    ("elasticfilesystem.amazonaws.com", "CreateMountTarget"),
    ("logs.amazonaws.com", "DeleteLogGroup"),
    ("logs.amazonaws.com", "DeleteLogStream"),
    ("logs.amazonaws.com", "PutRetentionPolicy"),
    ("logs.amazonaws.com", "DeleteSubscriptionFilter"),
    ("logs.amazonaws.com", "DisassociateKmsKey"),
    ("logs.amazonaws.com", "AssociateKmsKey"),
    ("ecr.amazonaws.com", "PutImage"),
    ("ecr.amazonaws.com", "BatchDeleteImage"),
    ("ecr.amazonaws.com", "SetRepositoryPolicy"),
    ("ecr.amazonaws.com", "DeleteRepository"),
    ("eks.amazonaws.com", "CreateCluster"),
    ("eks.amazonaws.com", "DeleteCluster"),
    ("eks.amazonaws.com", "UpdateClusterConfig"),
    ("eks.amazonaws.com", "CreateAccessEntry"),
    ("route53.amazonaws.com", "ChangeResourceRecordSets"),
    ("route53.amazonaws.com", "DeleteHostedZone"),
    ("route53.amazonaws.com", "DisableDomainTransferLock"),
    ("backup.amazonaws.com", "DeleteBackupVault"),
    ("backup.amazonaws.com", "DeleteRecoveryPoint"),
    ("backup.amazonaws.com", "PutBackupVaultAccessPolicy"),
    ("backup.amazonaws.com", "DeleteBackupPlan"),
    ("sso.amazonaws.com", "CreatePermissionSet"),
    ("sso.amazonaws.com", "AttachManagedPolicyToPermissionSet"),
    ("sso.amazonaws.com", "CreateAccountAssignment"),
    ("waf.amazonaws.com", "DeleteWebACL"),
    ("waf.amazonaws.com", "UpdateWebACL"),
    ("waf.amazonaws.com", "DeleteRule"),
    ("securityhub.amazonaws.com", "DisableSecurityHub"),
    ("securityhub.amazonaws.com", "BatchDisableStandards"),
    ("securityhub.amazonaws.com", "DeleteInsight"),
];

/// Field tests that narrow a selection, as Sigma rules do (`{i}` makes them the rule's
/// own, so that, as in a real rule set, few rules fire).
const EXTRA: &[&str] = &[
    "userIdentity.type: Root",
    "userAgent|contains: 'tool-{i}'",
    "sourceIPAddress|cidr: '198.51.{c}.0/24'",
    "userIdentity.arn|endswith: ':user/admin-{i}'",
    "requestParameters.name|startswith: 'prod-{i}'",
    "userIdentity.sessionContext.sessionIssuer.userName: 'role-{i}'",
    "awsRegion: [ap-south-{i}, me-central-{i}]",
    "errorCode: [AccessDenied, UnauthorizedOperation]",
];

/// What the generated rules pin, in percent; the rest pin neither `eventSource` nor
/// `eventName` (one in five of those searches keywords, the others a text in one field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mix {
    pub source_and_name: usize,
    pub name: usize,
    pub source: usize,
}

/// A mix harder on dispatch than real rule sets: a fifth of the rules pin only a source, so
/// they are tried on every call of that service.
pub const STRESS: Mix = Mix {
    source_and_name: 60,
    name: 15,
    source: 20,
};

/// The mix of Sigma's 57 AWS CloudTrail rules (`../shared/corpus/sigma`): 50 pin both, 4
/// only a name, 3 neither.
pub const SIGMA: Mix = Mix {
    source_and_name: 88,
    name: 7,
    source: 0,
};

/// Writes `count` rules as `generated_NNNN.yml` into `dir`, pinning what `mix` says. One in
/// `broad` rules narrows its selection by a test that real records pass
/// (`errorCode|exists: false`); the others by a test of their own that few records pass.
/// With [`STRESS`] and 20, the rules report 4.6 times as many findings as Sigma's 57 on the
/// attack logs of `../shared/corpus`; with 400, about as many.
pub fn write_rules(
    dir: &std::path::Path,
    count: usize,
    broad: usize,
    mix: Mix,
) -> std::io::Result<()> {
    let broad = broad.max(1);
    let both = mix.source_and_name;
    let named = both + mix.name;
    let sourced = named + mix.source;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for i in 0..count {
        let (source, name) = PAIRS[next(PAIRS.len())];
        let extra = if next(broad) == 0 {
            "errorCode|exists: false".to_owned()
        } else {
            EXTRA[next(EXTRA.len())]
                .replace("{i}", &i.to_string())
                .replace("{c}", &(i % 256).to_string())
        };
        let mut names = vec![name];
        for _ in 0..next(3) {
            let (s, n) = PAIRS[next(PAIRS.len())];
            if s == source && !names.contains(&n) {
                names.push(n);
            }
        }
        let names = names.join(", ");
        let mut detection = String::new();
        let kind = next(100);
        let filter = next(3) == 0;
        let _ = match kind {
            // Source and name.
            k if k < both => writeln!(
                detection,
                "    selection:\n        eventSource: {source}\n        eventName: [{names}]\n        {extra}"
            ),
            // Name only, as a list of maps.
            k if k < named => writeln!(
                detection,
                "    selection:\n        - eventName: {name}\n          {extra}\n        - eventName: [{names}]\n          errorCode: AccessDenied"
            ),
            // Source only.
            k if k < sourced => writeln!(
                detection,
                "    selection:\n        eventSource: {source}\n        {extra}"
            ),
            // Neither: keywords, or a text in one field.
            k if (k - sourced).is_multiple_of(5) => writeln!(
                detection,
                "    selection:\n        - 'pacu-{i}'\n        - 'cloudfox-{i}'"
            ),
            _ => writeln!(
                detection,
                "    selection:\n        {}: 'scanner-{i}'",
                [
                    "userAgent|contains",
                    "userIdentity.arn|contains",
                    "requestParameters.bucketName|startswith",
                    "userIdentity.principalId|endswith",
                ][i % 4]
            ),
        };
        if filter {
            detection.push_str("    filter:\n        userIdentity.invokedBy|exists: true\n");
        }
        let condition = if filter {
            "selection and not filter"
        } else {
            "selection"
        };
        let text = format!(
            "title: Generated rule {i}\nid: generated-{i:04}\nstatus: test\nlogsource:\n    \
             product: aws\n    service: cloudtrail\ndetection:\n{detection}    condition: \
             {condition}\nlevel: {}\n",
            ["low", "medium", "high"][next(3)]
        );
        std::fs::write(dir.join(format!("generated_{i:04}.yml")), text)?;
    }
    Ok(())
}
