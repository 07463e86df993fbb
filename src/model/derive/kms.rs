//! KMS keys and aliases.

use crate::model::document::Node;
use serde_json::json;

use crate::model::Resource;
use crate::model::keyref::KeyRef;
use crate::model::policy::PolicyFacts;
use crate::model::policy::{analyze, parse_node};

use super::{Ctx, Derived, loc};

pub fn key(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    let key_id = r
        .str("KeyId")
        .map(str::to_owned)
        .or_else(|| r.arn.rsplit_once("key/").map(|(_, id)| id.to_owned()));
    if let Some(id) = key_id {
        let aliases = ctx.keys.aliases_of(r.account, r.region, &id);
        // `alias/aws/*` names only AWS managed keys: known even without `describe-key`.
        if r.get("KeyManager").is_none() && aliases.iter().any(|a| a.starts_with("alias/aws/")) {
            d.set("KeyManager", json!("AWS"), None);
        }
        d.set("Aliases", json!(aliases), None);
    }
    material_expiry(r, ctx, d);
    last_rotation(r, d);
    let primary = primary_key(r, ctx, d);
    let Some(doc) = r.get("Policy").and_then(parse_node) else {
        return;
    };
    let facts = analyze(&doc, r.account);
    if let Some(primary) = primary {
        wider_than_primary(r, primary, &facts, d);
    }
    let statement = |i: usize| loc(r, &format!("/Policy/Statement/{i}"));
    let whole = loc(r, "/Policy");
    d.set(
        "PolicyPublic",
        json!(!facts.public_statements.is_empty()),
        facts
            .public_statements
            .first()
            .map_or(whole.clone(), |&i| statement(i)),
    );
    let cross: Vec<&String> = facts.cross_accounts.keys().collect();
    d.set(
        "PolicyCrossAccounts",
        json!(cross),
        facts
            .cross_accounts
            .values()
            .next()
            .map_or(whole.clone(), |&i| statement(i)),
    );
    let admins: Vec<&String> = facts.admins_who_can_use.keys().collect();
    d.set(
        "AdminsWhoCanUse",
        json!(admins),
        facts
            .admins_who_can_use
            .values()
            .next()
            .map_or(whole, |&i| statement(i)),
    );
    d.set("PolicyDocument", doc, loc(r, "/Policy"));
}

pub fn alias(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    if let Some(target) = r.str("TargetKeyId")
        && let KeyRef::Resolved(i) = ctx.keys.resolve(target, r.account, r.region)
    {
        d.link("TargetKey", i);
    }
}

/// `MaterialExpiresInDays`: imported key material with an expiration (`ExpirationModel`
/// `KEY_MATERIAL_EXPIRES`), in whole days from `--as-of` to `ValidTo` (negative once past).
fn material_expiry(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    if r.str("ExpirationModel") != Some("KEY_MATERIAL_EXPIRES") {
        return;
    }
    let Some(valid_to) = r
        .str("ValidTo")
        .and_then(|s| s.parse::<jiff::Timestamp>().ok())
    else {
        return;
    };
    let days = (valid_to.as_second() - ctx.now.as_second()).div_euclid(86_400);
    d.set("MaterialExpiresInDays", json!(days), loc(r, "/ValidTo"));
}

/// A multi-Region replica's `PrimaryKey` link, when the primary is in the scan.
fn primary_key<'a>(r: &Resource, ctx: &Ctx<'a>, d: &mut Derived) -> Option<&'a Resource> {
    let config = r.get("MultiRegionConfiguration")?;
    if config.get("MultiRegionKeyType").and_then(Node::as_str) != Some("REPLICA") {
        return None;
    }
    let arn = config.pointer("/PrimaryKey/Arn").and_then(Node::as_str)?;
    let KeyRef::Resolved(i) = ctx.keys.resolve(arn, r.account, r.region) else {
        return None;
    };
    d.link("PrimaryKey", i);
    Some(&ctx.inv.resources[i])
}

/// `PolicyWiderThanPrimary`: what a replica's key policy opens that its primary's does not
/// (`public`, or other accounts' ids). A replica's policy is its own: KMS does not keep it in
/// step with the primary's.
fn wider_than_primary(r: &Resource, primary: &Resource, facts: &PolicyFacts, d: &mut Derived) {
    let Some(theirs) = primary
        .get("Policy")
        .and_then(parse_node)
        .map(|doc| analyze(&doc, primary.account))
    else {
        return;
    };
    let mut wider = Vec::new();
    let mut evidence = None;
    if let Some(&i) = facts.public_statements.first()
        && theirs.public_statements.is_empty()
    {
        wider.push("public".to_owned());
        evidence = Some(i);
    }
    for (account, &i) in &facts.cross_accounts {
        if !theirs.cross_accounts.contains_key(account) {
            wider.push(account.clone());
            evidence.get_or_insert(i);
        }
    }
    let at = evidence.map_or_else(
        || loc(r, "/Policy"),
        |i| loc(r, &format!("/Policy/Statement/{i}")),
    );
    d.set("PolicyWiderThanPrimary", json!(wider), at);
}

/// `LastRotationDate`: the latest rotation `list-key-rotations` lists, and its type.
fn last_rotation(r: &Resource, d: &mut Derived) {
    let Some(list) = r.get("Rotations").and_then(Node::as_array) else {
        return;
    };
    let latest = list
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let date = e.get("RotationDate").and_then(Node::as_str)?;
            Some((date.parse::<jiff::Timestamp>().ok()?, i, e))
        })
        .max_by_key(|(date, _, _)| *date);
    if let Some((_, i, e)) = latest {
        let at = loc(r, &format!("/Rotations/{i}/RotationDate"));
        let date = e.get("RotationDate").map(Node::to_value);
        d.set("LastRotationDate", date.unwrap_or_default(), at.clone());
        if let Some(kind) = e.get("RotationType") {
            d.set("LastRotationType", kind.to_value(), at);
        }
    }
}
