//! Sharing encrypted EBS snapshots and AMIs with other accounts: a share is useless unless the
//! key that encrypts the snapshot lets those accounts use it.

use crate::model::document::{Items, Node};

use crate::model::Resource;
use crate::model::keyref::{KeyKind, KeyRef};
use crate::model::policy::{SHARED_SNAPSHOT_ACTIONS, account_of, admits, parse_node};

use super::Ctx;

/// The accounts of `shared` that cannot use the key `reference` names (as `r` names it):
/// every one of them for an AWS managed key (its policy admits only its own account, so
/// what it encrypts cannot be shared at all); for a customer managed key, those its key
/// policy and grants do not allow the calls a shared snapshot needs. `None` when it cannot
/// be told: the key or its policy was not exported.
pub fn accounts_without_key(
    ctx: &Ctx,
    r: &Resource,
    reference: &str,
    shared: &[&str],
) -> Option<Vec<String>> {
    let resolved = ctx.keys.resolve(reference, r.account, r.region);
    if ctx.keys.kind_of(ctx.inv, reference, resolved) == KeyKind::AwsManaged {
        return Some(shared.iter().map(|a| (*a).to_owned()).collect());
    }
    let KeyRef::Resolved(i) = resolved else {
        return None;
    };
    let key = &ctx.inv.resources[i];
    let policy = key.get("Policy").and_then(parse_node)?;
    let grants = key.get("Grants").and_then(Node::as_array);
    let denied = shared
        .iter()
        .filter(|account| {
            !SHARED_SNAPSHOT_ACTIONS
                .iter()
                .all(|action| admits(&policy, account, action) || granted(grants, account, action))
        })
        .map(|a| (*a).to_owned())
        .collect();
    Some(denied)
}

/// A grant of the key gives a principal of `account` the operation of `action`.
fn granted(grants: Option<Items>, account: &str, action: &str) -> bool {
    let operation = action.strip_prefix("kms:").unwrap_or(action);
    grants.into_iter().flatten().any(|g| {
        let grantee = g.get("GranteePrincipal").and_then(Node::as_str);
        grantee.and_then(account_of) == Some(account)
            && g.get("Operations")
                .and_then(Node::as_array)
                .is_some_and(|ops| ops.iter().any(|o| o.as_str() == Some(operation)))
    })
}

/// Whether a key reference names a key that cannot be used: disabled, pending deletion,
/// without material, or gone from the account.
pub fn unusable(ctx: &Ctx, r: &Resource, reference: &str) -> bool {
    match ctx.keys.resolve(reference, r.account, r.region) {
        KeyRef::Resolved(i) => matches!(
            ctx.inv.resources[i].str("KeyState"),
            Some("Disabled" | "PendingDeletion" | "PendingImport" | "Unavailable")
        ),
        KeyRef::Missing => true,
        KeyRef::External | KeyRef::Unknown => false,
    }
}
