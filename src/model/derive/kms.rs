//! KMS keys and aliases.

use serde_json::json;

use crate::model::Resource;
use crate::model::keyref::KeyRef;
use crate::model::policy::{analyze, parse_document};

use super::{Ctx, Derived, loc};

pub fn key(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    let key_id = r
        .str("KeyId")
        .map(str::to_owned)
        .or_else(|| r.arn.rsplit_once("key/").map(|(_, id)| id.to_owned()));
    if let Some(id) = key_id {
        let aliases = ctx.keys.aliases_of(&r.account, &r.region, &id);
        // `alias/aws/*` names only AWS managed keys: known even without `describe-key`.
        if r.get("KeyManager").is_none() && aliases.iter().any(|a| a.starts_with("alias/aws/")) {
            d.set("KeyManager", json!("AWS"), None);
        }
        d.set("Aliases", json!(aliases), None);
    }
    material_expiry(r, ctx, d);
    let Some(doc) = r.get("Policy").and_then(parse_document) else {
        return;
    };
    let facts = analyze(&doc, &r.account);
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
        && let KeyRef::Resolved(i) = ctx.keys.resolve(target, &r.account, &r.region)
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
