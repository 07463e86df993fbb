//! Derived facts: what atrest computes from AWS's fields, once, in typed Rust. Each fact is
//! added to the resource's document under a documented name (docs/resources.md) with the
//! location of the evidence it was computed from, so a finding on it points at that line.

mod dynamodb;
mod ebs;
mod efs;
mod image;
mod kms;
mod rds;
mod replication;
mod s3;
mod secrets;
mod sharing;
mod sns;
mod sqs;
mod ssm;
mod trail;

use std::collections::HashSet;

use rayon::prelude::*;
use serde_json::Value;

use super::Kind;
use super::document::{Document, Name, Node};
use super::inventory::{Evidence, Inventory, Link, Resource};
use super::keyref::{KeyIndex, KeyKind, KeyRef};
use super::piece::Loc;
use crate::source::SourceId;

/// What derivation adds to one resource: its facts already compact (every resource's are
/// held until all are derived), where each was computed from, and links.
#[derive(Default)]
pub struct Derived {
    fields: Document,
    /// Each fact's evidence, made compact as it is given: every resource's facts are held
    /// until all are derived.
    places: Vec<(Name, Evidence)>,
    too_large: bool,
    links: Vec<Link>,
    region: Option<String>,
}

impl Derived {
    pub fn set(&mut self, name: &'static str, value: Value, loc: Option<Loc>) {
        self.too_large |= self.fields.insert(name, &value).is_err();
        if let Some(loc) = loc {
            let evidence = if loc.source == HERE {
                Evidence::here(loc.pointer)
            } else {
                Evidence::At(Box::new(loc))
            };
            self.places.push((Name::of(name), evidence));
        }
    }

    pub fn link(&mut self, name: &'static str, target: usize) {
        self.links.push(Link { name, target });
    }

    /// Resolves a KMS key reference: a `KmsKey` link, `KmsKeyResolution` saying how, and
    /// `KeyKind` saying who manages the key.
    pub fn key_link(&mut self, ctx: &Ctx, r: &Resource, reference: &str, loc: Option<Loc>) {
        // A bucket's region is only known once derived (`LocationConstraint`).
        let region = self.region.as_deref().unwrap_or(r.region);
        let resolved = ctx.keys.resolve(reference, r.account, region);
        if let KeyRef::Resolved(i) = resolved {
            self.link("KmsKey", i);
        }
        let kind = ctx.keys.kind_of(ctx.inv, reference, resolved);
        self.set(
            "KmsKeyResolution",
            Value::from(resolved.name()),
            loc.clone(),
        );
        self.set("KeyKind", Value::from(kind.name()), loc);
    }

    /// The resource is encrypted with a key AWS owns (SSE-S3, SSE-SQS, DynamoDB's default):
    /// no KMS key to link.
    pub fn aws_owned_key(&mut self, loc: Option<Loc>) {
        self.set("KeyKind", Value::from(KeyKind::AwsOwned.name()), loc);
    }
}

/// Context shared by every derivation.
pub struct Ctx<'a> {
    pub inv: &'a Inventory,
    pub keys: &'a KeyIndex,
    /// The time facts are judged at (`--as-of`, else the scan's start): key material that
    /// expires, policies past their expiration.
    pub now: jiff::Timestamp,
}

/// Derives every resource's facts; returns where the resources are whose documents the
/// facts would make too large (over 4 GiB: none that AWS describes).
pub fn apply(
    inv: &mut Inventory,
    listed: &HashSet<(String, String)>,
    now: jiff::Timestamp,
) -> Vec<Loc> {
    let keys = KeyIndex::new(inv, listed);
    let derived: Vec<Derived> = {
        let ctx = Ctx {
            inv,
            keys: &keys,
            now,
        };
        inv.resources
            .par_iter()
            .map(|r| {
                let mut d = Derived::default();
                match r.kind {
                    Kind::S3Bucket => s3::bucket(r, &ctx, &mut d),
                    Kind::KmsKey => kms::key(r, &ctx, &mut d),
                    Kind::KmsAlias => kms::alias(r, &ctx, &mut d),
                    Kind::EbsVolume => ebs::volume(r, &ctx, &mut d),
                    Kind::EbsSnapshot => ebs::snapshot(r, &ctx, &mut d),
                    Kind::EbsDefaults => ebs::defaults(r, &ctx, &mut d),
                    Kind::CloudtrailTrail => trail::trail(r, &ctx, &mut d),
                    Kind::Ec2Image => image::image(r, &ctx, &mut d),
                    Kind::EfsFileSystem => efs::file_system(r, &ctx, &mut d),
                    Kind::SecretsmanagerSecret => secrets::secret(r, &ctx, &mut d),
                    Kind::SsmParameter => ssm::parameter(r, &ctx, &mut d),
                    Kind::DynamodbTable => dynamodb::table(r, &ctx, &mut d),
                    Kind::SqsQueue => sqs::queue(r, &ctx, &mut d),
                    Kind::SnsTopic => sns::topic(r, &ctx, &mut d),
                    Kind::S3Account | Kind::Ec2Instance => {}
                    Kind::RdsInstance => rds::instance(r, &ctx, &mut d),
                    Kind::RdsCluster => rds::cluster(r, &ctx, &mut d),
                    Kind::RdsSnapshot => rds::snapshot(r, &ctx, &mut d),
                    Kind::RdsClusterSnapshot => rds::cluster_snapshot(r, &ctx, &mut d),
                }
                d
            })
            .collect()
    };
    let mut too_large: Vec<Loc> = inv
        .resources
        .par_iter_mut()
        .zip(derived.into_par_iter())
        .filter_map(|(r, d)| store(r, d))
        .collect();
    // Facts that need every resource's links: which resources depend on each key.
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); inv.resources.len()];
    for (i, r) in inv.resources.iter().enumerate() {
        if r.kind == Kind::KmsAlias {
            continue;
        }
        // An AMI links every key of its snapshots, some maybe twice: each key once.
        let keys = r.links.iter().filter(|l| l.name == "KmsKey");
        for (n, key) in keys.clone().enumerate() {
            if keys.clone().take(n).all(|k| k.target != key.target) {
                dependents[key.target].push(i);
            }
        }
    }
    let per_key: Vec<(usize, Derived)> = {
        let inv = &*inv;
        dependents
            .into_par_iter()
            .enumerate()
            .filter(|(key, _)| inv.resources[*key].kind == Kind::KmsKey)
            .map(|(key, deps)| {
                let arns: Vec<Value> = deps
                    .iter()
                    .map(|&i| Value::from(inv.resources[i].arn))
                    .collect();
                let count = arns.len();
                let summary = dependents_summary(inv, &deps);
                let mut d = Derived::default();
                d.set("DependentResources", Value::Array(arns), None);
                d.set("DependentResourceCount", Value::from(count), None);
                d.set("DependentResourceSummary", Value::from(summary), None);
                (key, d)
            })
            .collect()
    };
    for (key, d) in per_key {
        too_large.extend(store(&mut inv.resources[key], d));
    }
    too_large
}

/// What depends on a key, by kind, in the order kinds are declared: `3 ebs_volume, 1
/// ec2_image (shared with 210987654321), 2 sqs_queue`; `none` when nothing does.
fn dependents_summary(inv: &Inventory, deps: &[usize]) -> String {
    // One pass over the dependents (each a resource somewhere in memory), by kind.
    let mut by_kind: Vec<(usize, Vec<&str>)> = vec![(0, Vec::new()); Kind::ALL.len()];
    for &i in deps {
        let r = &inv.resources[i];
        let Some(k) = Kind::ALL.iter().position(|&k| k == r.kind) else {
            continue;
        };
        by_kind[k].0 += 1;
        let shared = r.get("SharedWithAccounts").and_then(Node::as_array);
        by_kind[k]
            .1
            .extend(shared.into_iter().flatten().filter_map(Node::as_str));
    }
    let mut parts = Vec::new();
    for (&kind, (count, mut shared)) in Kind::ALL.iter().zip(by_kind) {
        if count == 0 {
            continue;
        }
        shared.sort_unstable();
        shared.dedup();
        let mut part = format!("{count} {}", kind.name());
        if !shared.is_empty() {
            part.push_str(&format!(" (shared with {})", shared.join(", ")));
        }
        parts.push(part);
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Stores what was derived; gives the resource's place back if its document cannot hold it.
fn store(r: &mut Resource, d: Derived) -> Option<Loc> {
    if let Some(region) = d.region {
        r.region = Name::of(&region).as_str();
    }
    let fits = !d.too_large && r.data.extend(&d.fields).is_ok();
    r.evidence.reserve_exact(d.places.len());
    r.evidence.extend(d.places);
    r.links.extend(d.links);
    if fits { None } else { r.home().cloned() }
}

/// The place of a field path of `r` (a pointer into its document), when its pieces say
/// where that is. It is kept as the pointer (see [`Evidence`]), marked by [`HERE`]: derived
/// facts' evidence goes only to [`Derived::set`], whose [`store`] takes it apart.
fn loc(r: &Resource, pointer: &str) -> Option<Loc> {
    r.covers(pointer).then(|| Loc::new(HERE, pointer))
}

/// The source of a place that is a pointer into the resource's own document (no file has
/// this number: sources are counted from 0).
const HERE: SourceId = SourceId(u32::MAX);

/// The value at a slash-separated path of plain keys and array indexes.
fn at<'a>(r: &'a Resource, pointer: &str) -> Option<Node<'a>> {
    r.data.pointer(pointer)
}

/// `true`/`false` from a boolean, or from the strings AWS Config sometimes writes.
fn as_bool(v: Node) -> Option<bool> {
    v.as_bool().or_else(|| match v.as_str() {
        Some(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}
