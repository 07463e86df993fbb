//! Calls whose output describes no resource of its own (`sts get-caller-identity`), and AWS
//! Config and CloudTrail calls, which other readers read: listed so that the layout knows
//! them.

use super::shape::{Ty, req};
use super::{Api, Names, Reader};

pub const STS: &[Api] = &[Api {
    command: "get-caller-identity",
    operation: "GetCallerIdentity",
    invocation: "aws sts get-caller-identity",
    signature: &[&["Account", "Arn", "UserId"]],
    shape: &[
        req("Account", Ty::Str),
        req("Arn", Ty::Str),
        req("UserId", Ty::Str),
    ],
    read: Reader::Export(|_, _| Ok(Vec::new())),
    ..Api::base("sts", Names::Nothing, None)
}];

const fn elsewhere(
    service: &'static str,
    command: &'static str,
    operation: &'static str,
    invocation: &'static str,
    read: Reader,
) -> Api {
    Api {
        command,
        operation,
        invocation,
        read,
        // Recognised by their own readers outside the layout.
        ..Api::base(service, Names::Nothing, None)
    }
}

pub const CONFIG: &[Api] = &[
    elsewhere(
        "configservice",
        "get-resource-config-history",
        "GetResourceConfigHistory",
        "aws configservice get-resource-config-history --resource-type T --resource-id I",
        Reader::Config,
    ),
    elsewhere(
        "configservice",
        "batch-get-resource-config",
        "BatchGetResourceConfig",
        "aws configservice batch-get-resource-config --resource-keys ...",
        Reader::Config,
    ),
    elsewhere(
        "configservice",
        "batch-get-aggregate-resource-config",
        "BatchGetAggregateResourceConfig",
        "aws configservice batch-get-aggregate-resource-config --configuration-aggregator-name N --resource-identifiers ...",
        Reader::Config,
    ),
    elsewhere(
        "configservice",
        "get-aggregate-resource-config",
        "GetAggregateResourceConfig",
        "aws configservice get-aggregate-resource-config --configuration-aggregator-name N --resource-identifier ...",
        Reader::Config,
    ),
    elsewhere(
        "cloudtrail",
        "lookup-events",
        "LookupEvents",
        "aws cloudtrail lookup-events",
        Reader::CloudTrailLookup,
    ),
];
