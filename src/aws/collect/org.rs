//! `atrest collect --org --role-name NAME`: every active account of the organization
//! (AWS Organizations `ListAccounts`, asked from the management or a delegated
//! administrator account), each collected into `DIR/<account>/` with the role `NAME`
//! assumed in it (STS `AssumeRole`; the account the credentials are in is collected with
//! them). An account whose role cannot be assumed is recorded as the failed
//! `get-caller-identity` of that account, so that a scan of `DIR` reports it: it is not
//! fatal to the others.

use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};

use super::{CallError, Collected, Out, Plan, bounded};
use crate::aws::Settings;

/// Accounts collected at once (each one's regions are collected in parallel already).
const ACCOUNTS_AT_ONCE: usize = 4;

/// One member account: its id and name, and what collecting it gave.
#[derive(Debug)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub collected: Result<Collected, String>,
}

/// Collects every active account of the organization.
pub fn collect(settings: &Settings, plan: &Plan, role_name: &str) -> Result<Vec<Member>, String> {
    let runtime = crate::aws::runtime().map_err(|e| format!("cannot start the AWS client: {e}"))?;
    runtime.block_on(async {
        let config = crate::aws::load(settings).await;
        let regions = super::regions(&config, plan)?;
        let own = aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                let e = CallError::of(&e);
                format!("sts get-caller-identity failed: {}", e.message_line())
            })?
            .account()
            .unwrap_or_default()
            .to_owned();
        let accounts = list_accounts(&config).await?;
        let members = bounded(
            accounts.iter().map(|(id, _)| id.clone()).collect(),
            ACCOUNTS_AT_ONCE,
            |id| {
                let (config, plan, regions) = (config.clone(), plan.clone(), regions.clone());
                let own = own.clone();
                let role = format!("arn:aws:iam::{id}:role/{role_name}");
                async move {
                    if id == own {
                        return super::account(&config, &plan, &regions).await;
                    }
                    match assume(&config, &role).await {
                        Ok(assumed) => super::account(&assumed, &plan, &regions).await,
                        Err(e) => {
                            record_refusal(&plan, &id, &regions[0], &e);
                            Err(format!("cannot assume {role}: {}", e.message_line()))
                        }
                    }
                }
            },
        )
        .await;
        Ok(members
            .into_iter()
            .zip(accounts)
            .map(|((id, collected), (_, name))| Member {
                id,
                name,
                collected,
            })
            .collect())
    })
}

/// The active accounts of the organization, with their names, every page.
async fn list_accounts(config: &aws_config::SdkConfig) -> Result<Vec<(String, String)>, String> {
    let client = aws_sdk_organizations::Client::new(config);
    let mut accounts = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_accounts()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| {
                let e = CallError::of(&e);
                format!(
                    "organizations list-accounts failed: {} (run it from the management \
                     account or a delegated administrator)",
                    e.message_line()
                )
            })?;
        for a in page.accounts() {
            let active = a
                .status()
                .is_none_or(|s| s == &aws_sdk_organizations::types::AccountStatus::Active);
            if let (Some(id), true) = (a.id(), active) {
                accounts.push((id.to_owned(), a.name().unwrap_or_default().to_owned()));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    accounts.sort();
    Ok(accounts)
}

/// The configuration of `config` with the credentials of `role` (an hour's, the most a
/// chained role session may last).
async fn assume(
    config: &aws_config::SdkConfig,
    role: &str,
) -> Result<aws_config::SdkConfig, CallError> {
    let answer = aws_sdk_sts::Client::new(config)
        .assume_role()
        .role_arn(role)
        .role_session_name("atrest-collect")
        .duration_seconds(3600)
        .send()
        .await
        .map_err(|e| CallError::of(&e))?;
    let Some(c) = answer.credentials() else {
        return Err(CallError {
            code: String::new(),
            message: "AssumeRole returned no credentials".to_owned(),
        });
    };
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        expiry,
        "atrest-assume-role",
    );
    Ok(config
        .clone()
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

/// An account that could not be entered: its `get-caller-identity` failed, with the
/// refusal, so that a scan of the directory reports the account instead of leaving it out.
fn record_refusal(plan: &Plan, account: &str, region: &str, error: &CallError) {
    let out = Out::new(plan.out.join(account));
    let refused = CallError {
        code: error.code.clone(),
        message: format!("AssumeRole into {account} was refused: {}", error.message),
    };
    out.write(
        region,
        "sts",
        "get-caller-identity",
        "AssumeRole",
        Err(refused),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_account_is_a_failed_call_in_its_own_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = Plan {
            out: dir.path().to_path_buf(),
            regions: vec!["eu-west-1".into()],
            concurrency: 4,
        };
        let refused = CallError {
            code: "AccessDenied".into(),
            message: "not authorized to perform sts:AssumeRole".into(),
        };
        record_refusal(&plan, "210987654321", "eu-west-1", &refused);
        let path = dir
            .path()
            .join("210987654321/eu-west-1/sts/get-caller-identity.error.json");
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("written")).expect("JSON");
        assert_eq!(doc["error_code"], "AccessDenied");
        let stderr = doc["stderr"].as_str().unwrap_or_default();
        assert!(
            stderr.contains("AssumeRole into 210987654321 was refused"),
            "{stderr}"
        );
    }
}
