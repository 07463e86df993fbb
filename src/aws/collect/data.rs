//! Where data is kept, in one region: EFS file systems, Secrets Manager secrets and
//! Parameter Store parameters (metadata only: `list-secrets` and `describe-parameters` never
//! return a value, and no call here asks for one), DynamoDB tables, SQS queues and SNS
//! topics. The JSON services' answers are kept as sent; SNS answers in XML and is written
//! from the SDK's types.

use serde_json::{Map, Value};

use super::raw::{all_pages, raw_call};
use super::{CallError, Out, bounded, file_name, in_region};

type Answer = Result<Map<String, Value>, CallError>;

pub async fn collect(config: &aws_config::SdkConfig, out: &Out, region: &str, concurrency: usize) {
    let config = in_region(config, region);
    let efs = aws_sdk_efs::Client::new(&config);
    let systems = all_pages!(
        efs.describe_file_systems(),
        set_marker,
        next_marker,
        "DescribeFileSystems",
        ["FileSystems"],
        ["Marker", "NextMarker"]
    );
    out.write(
        region,
        "efs",
        "describe-file-systems",
        "DescribeFileSystems",
        systems,
    );

    let secrets = aws_sdk_secretsmanager::Client::new(&config);
    let listed = all_pages!(
        secrets.list_secrets(),
        set_next_token,
        next_token,
        "ListSecrets",
        ["SecretList"],
        ["NextToken"]
    );
    out.write(
        region,
        "secretsmanager",
        "list-secrets",
        "ListSecrets",
        listed,
    );

    let ssm = aws_sdk_ssm::Client::new(&config);
    let parameters = all_pages!(
        ssm.describe_parameters(),
        set_next_token,
        next_token,
        "DescribeParameters",
        ["Parameters"],
        ["NextToken"]
    );
    out.write(
        region,
        "ssm",
        "describe-parameters",
        "DescribeParameters",
        parameters,
    );

    tables(&config, out, region, concurrency).await;
    queues(&config, out, region, concurrency).await;
    topics(&config, out, region, concurrency).await;
}

/// The strings of a list member of an answer (`TableNames`, `QueueUrls`).
fn strings(answer: &Answer, key: &str) -> Vec<String> {
    answer
        .as_ref()
        .ok()
        .and_then(|json| json.get(key))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

async fn tables(config: &aws_config::SdkConfig, out: &Out, region: &str, concurrency: usize) {
    let client = aws_sdk_dynamodb::Client::new(config);
    let listed = all_pages!(
        client.list_tables(),
        set_exclusive_start_table_name,
        last_evaluated_table_name,
        "ListTables",
        ["TableNames"],
        ["LastEvaluatedTableName"]
    );
    let names = strings(&listed, "TableNames");
    out.write(region, "dynamodb", "list-tables", "ListTables", listed);
    let described = bounded(names, concurrency, |name| {
        let client = client.clone();
        async move {
            raw_call!(client.describe_table().table_name(&name), "DescribeTable").map(|(_, j)| j)
        }
    })
    .await;
    for (name, answer) in described {
        let file = format!("describe-table--{}", file_name(&name));
        out.write(region, "dynamodb", &file, "DescribeTable", answer);
    }
}

async fn queues(config: &aws_config::SdkConfig, out: &Out, region: &str, concurrency: usize) {
    let client = aws_sdk_sqs::Client::new(config);
    let listed = all_pages!(
        client.list_queues(),
        set_next_token,
        next_token,
        "ListQueues",
        ["QueueUrls"],
        ["NextToken"]
    );
    let urls = strings(&listed, "QueueUrls");
    out.write(region, "sqs", "list-queues", "ListQueues", listed);
    let described = bounded(urls, concurrency, |url| {
        let client = client.clone();
        async move {
            raw_call!(
                client
                    .get_queue_attributes()
                    .queue_url(&url)
                    .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All),
                "GetQueueAttributes"
            )
            .map(|(_, j)| j)
        }
    })
    .await;
    for (url, answer) in described {
        // Named by the queue's name, the last segment of its URL.
        let name = url.rsplit('/').next().unwrap_or(&url);
        let file = format!("get-queue-attributes--{}", file_name(name));
        out.write(region, "sqs", &file, "GetQueueAttributes", answer);
    }
}

async fn topics(config: &aws_config::SdkConfig, out: &Out, region: &str, concurrency: usize) {
    let client = aws_sdk_sns::Client::new(config);
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    let listed: Answer = loop {
        match client
            .list_topics()
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(page) => {
                arns.extend(
                    page.topics()
                        .iter()
                        .filter_map(|t| t.topic_arn())
                        .map(str::to_owned),
                );
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                    _ => {
                        let topics = arns
                            .iter()
                            .map(|arn| serde_json::json!({ "TopicArn": arn }))
                            .collect();
                        let mut json = Map::new();
                        json.insert("Topics".to_owned(), Value::Array(topics));
                        break Ok(json);
                    }
                }
            }
            Err(e) => break Err(CallError::of(&e)),
        }
    };
    if listed.is_err() {
        arns.clear();
    }
    out.write(region, "sns", "list-topics", "ListTopics", listed);
    let described = bounded(arns, concurrency, |arn| {
        let client = client.clone();
        async move {
            let answer = client.get_topic_attributes().topic_arn(&arn).send().await;
            answer.map_err(|e| CallError::of(&e)).map(|o| {
                let attributes: Map<String, Value> = o
                    .attributes()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut json = Map::new();
                json.insert("Attributes".to_owned(), Value::Object(attributes));
                json
            })
        }
    })
    .await;
    for (arn, answer) in described {
        // Named by the topic's name, the last part of its ARN.
        let name = arn.rsplit(':').next().unwrap_or(&arn);
        let file = format!("get-topic-attributes--{}", file_name(name));
        out.write(region, "sns", &file, "GetTopicAttributes", answer);
    }
}
