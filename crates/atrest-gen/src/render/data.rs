//! `dynamodb`, `sqs` and `sns`: tables, queues and topics, each listed and described.

use std::io;
use std::path::Path;

use super::{Sink, file};
use crate::json::{J, compact, obj, strs};
use crate::plan::data::{DataEnc, KeyName, QueuePolicy};
use crate::plan::{Account, Region};
use crate::time::iso;

/// How a queue or topic names its KMS key (`KmsMasterKeyId`).
fn key_reference(region: &Region, enc: DataEnc, managed: &str) -> Option<String> {
    match enc {
        DataEnc::None | DataEnc::AwsOwned => None,
        DataEnc::AwsManaged => Some(managed.to_owned()),
        DataEnc::Customer(k, name) => {
            let key = &region.keys[k];
            Some(match (name, &key.alias) {
                (KeyName::Id, _) => key.id.clone(),
                (KeyName::Alias, Some(alias)) => alias.clone(),
                _ => key.arn.clone(),
            })
        }
    }
}

pub(super) fn render(
    account: &Account,
    region: &Region,
    base: &Path,
    sink: &mut Sink,
) -> io::Result<()> {
    let dir = |s: &str| -> io::Result<std::path::PathBuf> {
        let d = base.join(s);
        std::fs::create_dir_all(&d)?;
        Ok(d)
    };
    let (id, name) = (&account.id, &region.name);

    let ddb = dir("dynamodb")?;
    let mut names: Vec<&str> = region.tables.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    sink.json(
        &ddb.join("list-tables.json"),
        &obj! { "TableNames" => strs(&names) },
    )?;
    for t in &region.tables {
        let key = match t.enc {
            DataEnc::AwsManaged => Some(&region.aws_dynamodb),
            DataEnc::Customer(k, _) => Some(&region.keys[k]),
            DataEnc::None | DataEnc::AwsOwned => None,
        };
        let status = if t.inaccessible.is_some() {
            "INACCESSIBLE_ENCRYPTION_CREDENTIALS"
        } else {
            "ACTIVE"
        };
        let sse = key.map(|k| {
            obj! {
                "Status" => "ENABLED",
                "SSEType" => "KMS",
                "KMSMasterKeyArn" => &k.arn,
                "InaccessibleEncryptionDateTime" => t.inaccessible.map(iso),
            }
        });
        let table = obj! {
            "AttributeDefinitions" => vec![obj! { "AttributeName" => "pk", "AttributeType" => "S" }],
            "TableName" => &t.name,
            "KeySchema" => vec![obj! { "AttributeName" => "pk", "KeyType" => "HASH" }],
            "TableStatus" => status,
            "CreationDateTime" => iso(t.created),
            "ProvisionedThroughput" => obj! {
                "NumberOfDecreasesToday" => 0usize,
                "ReadCapacityUnits" => 0usize,
                "WriteCapacityUnits" => 0usize,
            },
            "TableSizeBytes" => 0usize,
            "ItemCount" => 0usize,
            "TableArn" => format!("arn:aws:dynamodb:{name}:{id}:table/{}", t.name),
            "TableId" => &t.id,
            "BillingModeSummary" => obj! { "BillingMode" => "PAY_PER_REQUEST" },
            "SSEDescription" => sse,
            "DeletionProtectionEnabled" => false,
        };
        sink.json(
            &ddb.join(format!("{}.json", file("describe-table", &t.name))),
            &obj! { "Table" => table },
        )?;
    }

    let sqs = dir("sqs")?;
    let url = |q: &str| format!("https://sqs.{name}.amazonaws.com/{id}/{q}");
    if region.queues.is_empty() {
        // SQS answers `{}` and the CLI prints nothing.
        sink.empty(&sqs.join("list-queues.json"))?;
    } else {
        let urls: Vec<J> = region
            .queues
            .iter()
            .map(|q| J::from(url(&q.name)))
            .collect();
        sink.json(&sqs.join("list-queues.json"), &obj! { "QueueUrls" => urls })?;
    }
    // The topic a queue's policy lets send: the region's first, or one of the account's.
    let sender = match region.topics.first() {
        Some(t) => format!("arn:aws:sns:{name}:{id}:{}", t.name),
        None => format!("arn:aws:sns:{name}:{id}:fanout"),
    };
    for q in &region.queues {
        let created = (q.created / 1000).to_string();
        let queue_arn = format!("arn:aws:sqs:{name}:{id}:{}", q.name);
        let statement = match q.policy {
            QueuePolicy::None => None,
            QueuePolicy::Public => Some(obj! {
                "Sid" => "AnyoneCanSend",
                "Effect" => "Allow",
                "Principal" => "*",
                "Action" => "sqs:SendMessage",
                "Resource" => &queue_arn,
            }),
            QueuePolicy::FromTopic => Some(obj! {
                "Sid" => "TopicCanSend",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => "*" },
                "Action" => "sqs:SendMessage",
                "Resource" => &queue_arn,
                "Condition" => obj! { "ArnEquals" => obj! { "aws:SourceArn" => &sender } },
            }),
        };
        let policy = statement.map(|st| {
            compact(&obj! { "Version" => "2012-10-17", "Id" => "queue-policy", "Statement" => vec![st] })
        });
        let key = key_reference(region, q.enc, "alias/aws/sqs");
        let fifo = q.name.ends_with(".fifo");
        let attributes = obj! {
            "QueueArn" => &queue_arn,
            "ApproximateNumberOfMessages" => "0",
            "ApproximateNumberOfMessagesNotVisible" => "0",
            "ApproximateNumberOfMessagesDelayed" => "0",
            "CreatedTimestamp" => &created,
            "LastModifiedTimestamp" => &created,
            "VisibilityTimeout" => "30",
            "MaximumMessageSize" => "1048576",
            "MessageRetentionPeriod" => "345600",
            "DelaySeconds" => "0",
            "ReceiveMessageWaitTimeSeconds" => "0",
            "Policy" => policy,
            "KmsMasterKeyId" => key.clone(),
            "KmsDataKeyReusePeriodSeconds" => key.as_ref().map(|_| "300"),
            "SqsManagedSseEnabled" => if q.enc == DataEnc::AwsOwned { "true" } else { "false" },
            "FifoQueue" => fifo.then_some("true"),
            "ContentBasedDeduplication" => fifo.then_some("false"),
        };
        sink.json(
            &sqs.join(format!("{}.json", file("get-queue-attributes", &q.name))),
            &obj! { "Attributes" => attributes },
        )?;
    }

    let sns = dir("sns")?;
    let arn = |t: &str| format!("arn:aws:sns:{name}:{id}:{t}");
    let mut topics: Vec<String> = region.topics.iter().map(|t| arn(&t.name)).collect();
    topics.sort_unstable();
    let listed: Vec<J> = topics.iter().map(|a| obj! { "TopicArn" => a }).collect();
    sink.json(&sns.join("list-topics.json"), &obj! { "Topics" => listed })?;
    for t in &region.topics {
        let topic = arn(&t.name);
        let mut statements = vec![obj! {
                "Sid" => "__default_statement_ID",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => "*" },
                "Action" => strs(&["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                    "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                    "SNS:ListSubscriptionsByTopic", "SNS:Publish"]),
                "Resource" => &topic,
                "Condition" => obj! { "StringEquals" => obj! { "AWS:SourceOwner" => id } },
        }];
        if t.public {
            statements.push(obj! {
                "Sid" => "AnyoneCanSubscribe",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => "*" },
                "Action" => "SNS:Subscribe",
                "Resource" => &topic,
            });
        }
        let policy = obj! {
            "Version" => "2008-10-17",
            "Id" => "__default_policy_ID",
            "Statement" => statements,
        };
        let attributes = obj! {
            "Policy" => compact(&policy),
            "Owner" => id,
            "SubscriptionsPending" => "0",
            "KmsMasterKeyId" => key_reference(region, t.enc, "alias/aws/sns"),
            "TopicArn" => &topic,
            "SubscriptionsConfirmed" => "1",
            "DisplayName" => "",
            "SubscriptionsDeleted" => "0",
        };
        sink.json(
            &sns.join(format!("{}.json", file("get-topic-attributes", &t.name))),
            &obj! { "Attributes" => attributes },
        )?;
    }
    Ok(())
}
