//! One CloudTrail record: the call a generator picked ([`Call`]), who made it ([`Who`]), and
//! the envelope CloudTrail wraps around every call, in the member order of delivered records.

use super::env::{Env, Principal};
use crate::json::{J, obj};
use crate::rng::Rng;
use crate::time::iso_z;

/// Who made a call, as `userIdentity` records it.
#[derive(Clone, Copy)]
pub(crate) enum Who {
    /// A principal of the account calling directly (console, CLI or SDK).
    Direct(usize),
    /// A service acting for a principal of the account (`invokedBy`, source IP = the service).
    Via(usize, &'static str),
    /// An AWS service with its own credentials (`type: AWSService`).
    Service(&'static str),
    /// EC2's infrastructure role for an instance, decrypting its EBS volumes.
    Ec2Infra(usize),
    /// An unsigned request from the internet (S3 data events of the bucket owner).
    Anonymous,
    /// A role session of the outside account, signing an S3 request for one of the
    /// account's buckets: the bucket owner's record names only its account (`AWSAccount`).
    OtherAccount,
}

/// A call, before the envelope.
pub(crate) struct Call {
    pub source: &'static str,
    pub name: &'static str,
    pub who: Who,
    pub error: Option<(&'static str, String)>,
    pub req: J,
    pub resp: J,
    pub extra: J,
    pub resources: J,
    pub read_only: bool,
    /// A data event (S3 object calls): `managementEvent: false`, `eventCategory: Data`.
    pub data: bool,
    /// Identified through `recipientAccountId` only (S3 Control calls keep it, others too).
    pub api_version: Option<&'static str>,
}

impl Call {
    pub(crate) fn new(source: &'static str, name: &'static str, who: Who) -> Call {
        Call {
            source,
            name,
            who,
            error: None,
            req: J::Null,
            resp: J::Null,
            extra: J::Absent,
            resources: J::Absent,
            read_only: name.starts_with("Describe")
                || name.starts_with("Get")
                || name.starts_with("List")
                || name.starts_with("Head")
                || matches!(
                    name,
                    "Decrypt" | "GenerateDataKey" | "Encrypt" | "LookupEvents"
                ),
            data: false,
            api_version: None,
        }
    }

    pub(crate) fn req(mut self, req: J) -> Call {
        self.req = req;
        self
    }
    pub(crate) fn resp(mut self, resp: J) -> Call {
        self.resp = resp;
        self
    }
    pub(crate) fn extra(mut self, extra: J) -> Call {
        self.extra = extra;
        self
    }
    pub(crate) fn resources(mut self, resources: J) -> Call {
        self.resources = resources;
        self
    }
    pub(crate) fn data(mut self) -> Call {
        self.data = true;
        self
    }
    pub(crate) fn writes(mut self) -> Call {
        self.read_only = false;
        self
    }
    /// The call failed: CloudTrail records it with `errorCode` and no response.
    pub(crate) fn failed(mut self, code: &'static str, message: impl Into<String>) -> Call {
        self.error = Some((code, message.into()));
        self.resp = J::Null;
        self
    }
}

/// `[{"accountId":..,"type":..,"ARN":..}]`, as CloudTrail lists the resources of a call.
pub(crate) fn resource(account: Option<&str>, kind: &'static str, arn: String) -> J {
    obj! { "accountId" => account.map(str::to_owned), "type" => kind, "ARN" => arn }
}

const CONSOLE_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 Safari/537.36";
const USER_AGENTS: [&str; 4] = [
    "aws-cli/2.31.39 md/awscrt#0.29.0 ua/2.1 os/linux#6.1.158-178.288.amzn2023.x86_64 md/arch#x86_64 lang/python#3.13.9 md/pyimpl#CPython cfg/retry-mode#standard",
    "aws-sdk-java/2.31.12 Linux/6.1.158-178.288.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.7+6-LTS Java/21.0.7 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/adaptive",
    "Boto3/1.40.61 md/Botocore#1.40.61 ua/2.1 os/linux#5.10.240-238.955.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.11 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.40.61",
    "aws-sdk-go-v2/1.39.2 ua/2.1 os/linux lang/go#1.24.6 md/GOOS#linux md/GOARCH#amd64 api/sts#1.38.6",
];

/// A UUID-shaped id from two draws.
pub(crate) fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next(), rng.next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// `n` characters of `alphabet`.
pub(crate) fn token(rng: &mut Rng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.below(alphabet.len())] as char)
        .collect()
}

pub(crate) const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

fn identity(env: &Env, who: Who, at: i64, rng: &mut Rng) -> (J, String, String) {
    let session = |p: &Principal, rng: &mut Rng| -> J {
        let created = iso_z(at - 60_000 * (1 + rng.below(50) as i64));
        match p.role.as_deref() {
            None => J::Absent,
            Some(role) => obj! {
                "sessionIssuer" => obj! {
                    "type" => "Role",
                    "principalId" => p.role_id.clone(),
                    "arn" => format!("arn:aws:iam::{}:role/{role}", env.account),
                    "accountId" => &env.account,
                    "userName" => role,
                },
                "attributes" => obj! { "creationDate" => created, "mfaAuthenticated" => "false" },
            },
        }
    };
    let principal = |p: &Principal, invoked: Option<&'static str>, rng: &mut Rng| -> J {
        obj! {
            "type" => if p.role.is_some() { "AssumedRole" } else { "IAMUser" },
            "principalId" => p.principal_id.clone(),
            "arn" => p.arn.clone(),
            "accountId" => &env.account,
            "accessKeyId" => format!("{}{}", if p.role.is_some() { "ASIA" } else { "AKIA" }, token(rng, UPPER_DIGITS, 16)),
            "userName" => p.role.is_none().then(|| p.name.clone()),
            "sessionContext" => session(p, rng),
            "invokedBy" => invoked,
        }
    };
    match who {
        Who::Direct(i) => {
            let p = &env.principals[i];
            let (ip, ua) = if p.console {
                (env.ip(i), CONSOLE_UA.to_owned())
            } else {
                (env.ip(i), USER_AGENTS[i % USER_AGENTS.len()].to_owned())
            };
            (principal(p, None, rng), ip, ua)
        }
        Who::Via(i, service) => (
            principal(&env.principals[i], Some(service), rng),
            service.to_owned(),
            service.to_owned(),
        ),
        Who::Service(service) => (
            obj! { "type" => "AWSService", "invokedBy" => service },
            service.to_owned(),
            service.to_owned(),
        ),
        Who::Anonymous => (
            obj! { "type" => "AWSAccount", "principalId" => "", "accountId" => "ANONYMOUS_PRINCIPAL" },
            outside_ip(env, 0),
            format!("[{CONSOLE_UA}]"),
        ),
        Who::OtherAccount => (
            obj! {
                "type" => "AWSAccount",
                "principalId" => format!("AROA{}:etl-2025", token(rng, UPPER_DIGITS, 17)),
                "accountId" => &env.outside,
            },
            outside_ip(env, 1),
            format!("[{}]", USER_AGENTS[2]),
        ),
        Who::Ec2Infra(instance) => {
            let id = &env.instances[instance % env.instances.len()];
            let role = "aws:ec2-infrastructure";
            (
                obj! {
                    "type" => "AssumedRole",
                    "principalId" => format!("{}:{role}:{id}", env.account),
                    "arn" => format!("arn:aws:sts::{}:assumed-role/{role}/{id}", env.account),
                    "accountId" => &env.account,
                    "accessKeyId" => format!("ASIA{}", token(rng, UPPER_DIGITS, 16)),
                    "sessionContext" => obj! {
                        "sessionIssuer" => obj! {
                            "type" => "Role",
                            "principalId" => format!("{}:{role}", env.account),
                            "arn" => format!("arn:aws:iam::{}:role/{role}", env.account),
                            "accountId" => &env.account,
                            "userName" => role,
                        },
                        "attributes" => obj! { "creationDate" => iso_z(at - 1000), "mfaAuthenticated" => "false" },
                    },
                    "invokedBy" => "AWS Internal",
                    "inScopeOf" => obj! {
                        "issuerType" => "AWS::EC2::Instance",
                        "credentialsIssuedTo" => format!("arn:aws:ec2:{}:{}:instance/{id}", env.region, env.account),
                    },
                },
                "AWS Internal".to_owned(),
                "AWS Internal".to_owned(),
            )
        }
    }
}

/// An address outside the account's networks (a documentation range of its own).
fn outside_ip(env: &Env, i: usize) -> String {
    format!("192.0.2.{}", 10 + (env.a * 7 + i * 13) % 240)
}

/// The whole record of `call` made at `at` (ms).
pub(crate) fn render(env: &Env, call: Call, at: i64, rng: &mut Rng) -> J {
    let (user, ip, ua) = identity(env, call.who, at, rng);
    // A caller outside the account reaches it over the internet: TLS details, no VPC
    // endpoint, and the event shared with the caller's side (`sharedEventID`).
    let outside = matches!(call.who, Who::Anonymous | Who::OtherAccount);
    let internal = !outside && !matches!(call.who, Who::Direct(_));
    let s3 = call.source == "s3.amazonaws.com";
    let request_id = if s3 {
        token(rng, UPPER_DIGITS, 16)
    } else {
        uuid(rng)
    };
    let event_id = uuid(rng);
    let host = if s3 {
        format!("s3.{}.amazonaws.com", env.region)
    } else {
        format!(
            "{}.{}.amazonaws.com",
            call.source.trim_end_matches(".amazonaws.com"),
            env.region
        )
    };
    let (code, message) = match call.error {
        Some((c, m)) => (Some(c), Some(m)),
        None => (None, None),
    };
    obj! {
        "eventVersion" => if s3 { "1.10" } else { "1.11" },
        "userIdentity" => user,
        "eventTime" => iso_z(at),
        "eventSource" => call.source,
        "eventName" => call.name,
        "awsRegion" => &env.region,
        "sourceIPAddress" => ip,
        "userAgent" => ua,
        "errorCode" => code,
        "errorMessage" => message,
        "requestParameters" => call.req,
        "responseElements" => call.resp,
        "additionalEventData" => call.extra,
        "requestID" => request_id,
        "eventID" => event_id,
        "readOnly" => call.read_only,
        "resources" => call.resources,
        "eventType" => "AwsApiCall",
        "apiVersion" => call.api_version,
        "managementEvent" => !call.data,
        "recipientAccountId" => &env.account,
        "sharedEventID" => (internal || outside).then(|| uuid(rng)),
        "vpcEndpointId" => internal.then_some("AWS Internal"),
        "vpcEndpointAccountId" => internal.then_some("AWS Internal"),
        "eventCategory" => if call.data { "Data" } else { "Management" },
        "tlsDetails" => (!internal).then(|| obj! {
            "tlsVersion" => "TLSv1.3",
            "cipherSuite" => "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader" => host,
        }),
    }
}
