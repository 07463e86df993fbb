//! The kinds that hold messages and items: DynamoDB tables, SQS queues and SNS topics.

use super::{Field, KEY_KIND, KEY_RESOLUTION, KindDoc, Link, POLICY_FIELDS, aws, derived};
use crate::model::Kind;

pub(super) const DYNAMODB_TABLE: KindDoc = KindDoc {
    kind: Kind::DynamodbTable,
    arn: "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME",
    doc: "A DynamoDB table, merged from `dynamodb list-tables` and `describe-table` (the `Table` fields) (or AWS Config `AWS::DynamoDB::Table`).",
    fields: &[
        aws("TableName", "describe-table, list-tables"),
        aws("AttributeDefinitions", "describe-table"),
        aws("KeySchema", "describe-table"),
        Field {
            doc: "`ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `ARCHIVING`, `ARCHIVED`, or `INACCESSIBLE_ENCRYPTION_CREDENTIALS` (the table's KMS key cannot be used: DynamoDB archives the table after seven days).",
            ..aws("TableStatus", "describe-table")
        },
        aws("CreationDateTime", "describe-table"),
        aws("ProvisionedThroughput", "describe-table"),
        aws("TableSizeBytes", "describe-table"),
        aws("ItemCount", "describe-table"),
        aws("TableArn", "describe-table"),
        aws("TableId", "describe-table"),
        aws("BillingModeSummary", "describe-table"),
        aws("LocalSecondaryIndexes", "describe-table"),
        aws("GlobalSecondaryIndexes", "describe-table"),
        aws("StreamSpecification", "describe-table"),
        aws("LatestStreamLabel", "describe-table"),
        aws("LatestStreamArn", "describe-table"),
        aws("GlobalTableVersion", "describe-table"),
        aws("Replicas", "describe-table"),
        aws("GlobalTableWitnesses", "describe-table"),
        aws("GlobalTableSettingsReplicationMode", "describe-table"),
        aws("RestoreSummary", "describe-table"),
        Field {
            keys: &[
                "Status",
                "SSEType",
                "KMSMasterKeyArn",
                "InaccessibleEncryptionDateTime",
            ],
            doc: "Server-side encryption: absent (or `Status: DISABLED`) when the table is on DynamoDB's AWS owned key; `SSEType: KMS` with `KMSMasterKeyArn` on a KMS key (`aws/dynamodb` or a customer managed key). `InaccessibleEncryptionDateTime`: when DynamoDB found the key unusable.",
            ..aws("SSEDescription", "describe-table")
        },
        aws("ArchivalSummary", "describe-table"),
        aws("TableClassSummary", "describe-table"),
        aws("DeletionProtectionEnabled", "describe-table"),
        aws("OnDemandThroughput", "describe-table"),
        aws("WarmThroughput", "describe-table"),
        aws("MultiRegionConsistency", "describe-table"),
        derived("Region", "The table's region."),
        KEY_RESOLUTION,
        KEY_KIND,
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The KMS key the table is encrypted with (`SSEType: KMS`).",
        via: Some("/SSEDescription/KMSMasterKeyArn"),
    }],
};

pub(super) const SQS_QUEUE: KindDoc = KindDoc {
    kind: Kind::SqsQueue,
    arn: "arn:aws:sqs:REGION:ACCOUNT:NAME",
    doc: "An SQS queue, merged from `sqs list-queues` and `get-queue-attributes --attribute-names All` (each attribute a field) (or AWS Config `AWS::SQS::Queue`). Attribute values are strings, as SQS returns them.",
    fields: &[
        aws("QueueUrl", "list-queues"),
        aws("QueueArn", "get-queue-attributes"),
        aws("Policy", "get-queue-attributes"),
        aws("VisibilityTimeout", "get-queue-attributes"),
        aws("MaximumMessageSize", "get-queue-attributes"),
        aws("MessageRetentionPeriod", "get-queue-attributes"),
        aws("ApproximateNumberOfMessages", "get-queue-attributes"),
        aws(
            "ApproximateNumberOfMessagesNotVisible",
            "get-queue-attributes",
        ),
        aws("CreatedTimestamp", "get-queue-attributes"),
        aws("LastModifiedTimestamp", "get-queue-attributes"),
        aws("ApproximateNumberOfMessagesDelayed", "get-queue-attributes"),
        aws("DelaySeconds", "get-queue-attributes"),
        aws("ReceiveMessageWaitTimeSeconds", "get-queue-attributes"),
        aws("RedrivePolicy", "get-queue-attributes"),
        aws("FifoQueue", "get-queue-attributes"),
        aws("ContentBasedDeduplication", "get-queue-attributes"),
        Field {
            doc: "SSE-KMS: the KMS key (key id, key ARN, alias name or alias ARN; `alias/aws/sqs` is the AWS managed key). Absent when the queue uses SSE-SQS or no encryption.",
            ..aws("KmsMasterKeyId", "get-queue-attributes")
        },
        aws("KmsDataKeyReusePeriodSeconds", "get-queue-attributes"),
        aws("DeduplicationScope", "get-queue-attributes"),
        aws("FifoThroughputLimit", "get-queue-attributes"),
        aws("RedriveAllowPolicy", "get-queue-attributes"),
        Field {
            doc: "`\"true\"` with SSE-SQS (an AWS owned key, the default for new queues since 2022).",
            ..aws("SqsManagedSseEnabled", "get-queue-attributes")
        },
        derived(
            "QueueName",
            "The queue's name (the last part of its ARN or URL).",
        ),
        derived("Region", "The queue's region."),
        derived(
            "Encrypted",
            "The queue is encrypted at rest: SSE-KMS (`KmsMasterKeyId`) or SSE-SQS (`SqsManagedSseEnabled: \"true\"`). Absent when the queue's attributes were not exported.",
        ),
        POLICY_FIELDS[0],
        Field {
            doc: "An `Allow` statement of the queue policy applies to every principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) without a condition that pins a narrowing key (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, ...) to fixed values. False when `get-queue-attributes --attribute-names All` printed no `Policy` (only the owner has access); absent when that is not known (AWS Config records no queue policy).",
            ..POLICY_FIELDS[1]
        },
        POLICY_FIELDS[2],
        KEY_RESOLUTION,
        KEY_KIND,
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The KMS key of SSE-KMS.",
        via: Some("/KmsMasterKeyId"),
    }],
};

pub(super) const SNS_TOPIC: KindDoc = KindDoc {
    kind: Kind::SnsTopic,
    arn: "arn:aws:sns:REGION:ACCOUNT:NAME",
    doc: "An SNS topic, merged from `sns list-topics` and `get-topic-attributes` (each attribute a field) (or AWS Config `AWS::SNS::Topic`). Attribute values are strings, as SNS returns them.",
    fields: &[
        aws("TopicArn", "get-topic-attributes, list-topics"),
        aws("DisplayName", "get-topic-attributes"),
        aws("Owner", "get-topic-attributes"),
        aws("Policy", "get-topic-attributes"),
        aws("DeliveryPolicy", "get-topic-attributes"),
        aws("EffectiveDeliveryPolicy", "get-topic-attributes"),
        aws("SignatureVersion", "get-topic-attributes"),
        aws("SubscriptionsConfirmed", "get-topic-attributes"),
        aws("SubscriptionsDeleted", "get-topic-attributes"),
        aws("SubscriptionsPending", "get-topic-attributes"),
        aws("TracingConfig", "get-topic-attributes"),
        Field {
            doc: "The KMS key that encrypts the topic's messages at rest (key id, key ARN, alias name or alias ARN; `alias/aws/sns` is the AWS managed key). Absent: not encrypted with KMS.",
            ..aws("KmsMasterKeyId", "get-topic-attributes")
        },
        aws("ArchivePolicy", "get-topic-attributes"),
        aws("BeginningArchiveTime", "get-topic-attributes"),
        aws("ContentBasedDeduplication", "get-topic-attributes"),
        aws("FifoTopic", "get-topic-attributes"),
        derived("TopicName", "The topic's name (the last part of its ARN)."),
        derived("Region", "The topic's region."),
        derived(
            "Encrypted",
            "The topic is encrypted at rest with a KMS key (`KmsMasterKeyId`). False when its attributes name none; absent when they were not exported.",
        ),
        POLICY_FIELDS[0],
        Field {
            doc: "An `Allow` statement of the topic policy applies to every principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) without a condition that pins a narrowing key (`aws:SourceOwner`, `aws:SourceArn`, `aws:SourceAccount`, ...) to fixed values, as SNS's default policy does with `AWS:SourceOwner`. Absent without the `Policy` attribute (AWS Config records none).",
            ..POLICY_FIELDS[1]
        },
        POLICY_FIELDS[2],
        KEY_RESOLUTION,
        KEY_KIND,
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The KMS key that encrypts the topic.",
        via: Some("/KmsMasterKeyId"),
    }],
};
