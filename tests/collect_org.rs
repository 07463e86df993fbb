//! `atrest collect --org` against moto's AWS Organizations and STS: every account of the
//! organization is collected into its own directory with the role assumed in it, and a scan
//! of the whole directory finds a problem planted in a member account, under that account.

#![cfg(feature = "aws")]

mod common;

use common::moto::Moto;
use serde_json::Value;

const ROLE: &str = "OrganizationAccountAccessRole";

fn config(endpoint: &str, credentials: aws_sdk_sts::config::Credentials) -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
            credentials,
        ))
        .build()
}

/// An organization of three accounts; in the second, a disabled KMS key. Gives the member
/// accounts and the key's ARN.
fn organization(endpoint: &str) -> (Vec<String>, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let management = config(
            endpoint,
            aws_sdk_sts::config::Credentials::new("testing", "testing", None, None, "test"),
        );
        let orgs = aws_sdk_organizations::Client::new(&management);
        orgs.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .expect("organization");
        let mut members = Vec::new();
        for name in ["workloads", "sandbox"] {
            let made = orgs
                .create_account()
                .account_name(name)
                .email(format!("{name}@example.com"))
                .send()
                .await
                .expect("account");
            let id = made
                .create_account_status()
                .and_then(|s| s.account_id())
                .expect("an account id")
                .to_owned();
            members.push(id);
        }
        let assumed = aws_sdk_sts::Client::new(&management)
            .assume_role()
            .role_arn(format!("arn:aws:iam::{}:role/{ROLE}", members[0]))
            .role_session_name("setup")
            .send()
            .await
            .expect("assumed");
        let c = assumed.credentials().expect("credentials");
        let member = config(
            endpoint,
            aws_sdk_sts::config::Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                Some(c.session_token().to_owned()),
                None,
                "test",
            ),
        );
        let kms = aws_sdk_kms::Client::new(&member);
        let key = kms.create_key().send().await.expect("key");
        let meta = key.key_metadata().expect("metadata");
        kms.disable_key()
            .key_id(meta.key_id())
            .send()
            .await
            .expect("disabled");
        (members, meta.arn().expect("an ARN").to_owned())
    })
}

#[test]
fn every_account_of_the_organization_is_collected_into_its_own_directory() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let (members, key) = organization(&moto.endpoint);
    assert!(key.contains(&members[0]), "{key}");
    let out = moto.dir.path().join("org");
    let out_text = out.to_string_lossy().into_owned();
    let args = [
        "collect",
        "--org",
        "--role-name",
        ROLE,
        "--out",
        &out_text,
        "--regions",
        "us-east-1",
    ];
    let (code, _, stderr) = moto.atrest_at(&moto.endpoint, "2", &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("3 accounts, 3 collected"), "{stderr}");
    // One line per account, named.
    for name in ["workloads", "sandbox"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("  ") && l.contains(&format!("({name}): account"))),
            "{stderr}"
        );
    }
    let mut accounts = members.clone();
    accounts.push("123456789012".to_owned());
    for account in &accounts {
        let who = out
            .join(account)
            .join("us-east-1/sts/get-caller-identity.json");
        let who: Value =
            serde_json::from_str(&std::fs::read_to_string(&who).expect("collected")).expect("JSON");
        assert_eq!(&who["Account"], account.as_str(), "{stderr}");
    }

    // One scan over all of them: the member's disabled key, under the member's account.
    let (_, report, stderr) = moto.atrest_at(
        &moto.endpoint,
        "2",
        &["scan", &out_text, "--format", "json"],
    );
    let disabled: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "kms-key-disabled")
        .filter_map(|f| f["resource"]["arn"].as_str())
        .collect();
    assert_eq!(disabled, [key.as_str()], "{stderr}");
    let per_account = &report["summary"]["accounts"];
    for account in &accounts {
        assert!(
            per_account[account.as_str()]["resources"]
                .as_u64()
                .unwrap_or(0)
                > 0,
            "{per_account}"
        );
    }
    let member = &per_account[members[0].as_str()];
    assert!(
        member["findings"].as_u64().unwrap_or(0) >= 1,
        "{per_account}"
    );

    // The text summary gives each account its line.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_atrest"))
        .args(["scan", &out_text, "--color", "never"])
        .output()
        .expect("atrest runs");
    let text = String::from_utf8_lossy(&run.stdout);
    for account in &accounts {
        assert!(text.contains(&format!("  account {account}: ")), "{text}");
    }
}
