//! Merging the pieces readers produced into one resource per ARN, then deriving facts.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::inventory::{Inventory, Origin, Resource};
use super::piece::{Ident, Item, Loc, Piece, push_token};
use super::{Kind, derive};

/// A piece that could not be placed (a key named only by an id that matches no key or
/// several), with where it came from.
#[derive(Debug)]
pub struct Unplaced {
    pub loc: Loc,
    pub message: String,
}

/// Builds the inventory from every file's items, in source order (so that the result does
/// not depend on how files were scheduled).
pub fn build(items: Vec<Item>) -> (Inventory, Vec<Unplaced>) {
    let mut listed = HashSet::new();
    let mut pieces = Vec::new();
    for item in items {
        match item {
            Item::Piece(p) => pieces.push(p),
            Item::KeysListed { account, region } => {
                listed.insert((account, region));
            }
        }
    }
    let (pieces, unplaced) = place_key_ids(pieces);

    let mut order: Vec<(Kind, String)> = Vec::new();
    let mut merged: HashMap<(Kind, String), Resource> = HashMap::new();
    for piece in pieces {
        let Ident::Arn(arn) = &piece.ident else {
            continue;
        };
        let key = (piece.kind, arn.clone());
        let resource = merged.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Resource {
                kind: piece.kind,
                arn: arn.clone(),
                account: String::new(),
                region: String::new(),
                data: Value::Object(Map::new()),
                links: Vec::new(),
                origins: Vec::new(),
                facts: Vec::new(),
            }
        });
        merge(resource, piece);
    }
    order.sort();
    let resources = order
        .into_iter()
        .filter_map(|key| merged.remove(&key))
        .collect();
    let mut inventory = Inventory::new(resources);
    derive::apply(&mut inventory, &listed);
    (inventory, unplaced)
}

fn merge(resource: &mut Resource, piece: Piece) {
    if resource.account.is_empty() {
        resource.account = piece.account;
    }
    if resource.region.is_empty() {
        resource.region = piece.region;
    }
    if let Some(loc) = piece.whole {
        resource.origins.push(Origin {
            field: String::new(),
            loc,
        });
    }
    for (name, loc) in piece.each {
        let mut field = String::new();
        push_token(&mut field, &name);
        resource.origins.push(Origin { field, loc });
    }
    if let Value::Object(data) = &mut resource.data {
        data.extend(piece.fields);
    }
    resource.facts.extend(piece.facts);
}

/// Gives pieces that name a KMS key only by id the ARN of the one key with that id.
fn place_key_ids(pieces: Vec<Piece>) -> (Vec<Piece>, Vec<Unplaced>) {
    let mut arns_by_id: HashMap<String, HashSet<String>> = HashMap::new();
    for p in &pieces {
        if let (Kind::KmsKey, Ident::Arn(arn)) = (p.kind, &p.ident)
            && let Some((_, id)) = arn.rsplit_once("key/")
        {
            arns_by_id
                .entry(id.to_owned())
                .or_default()
                .insert(arn.clone());
        }
    }
    let mut placed = Vec::with_capacity(pieces.len());
    let mut unplaced = Vec::new();
    for mut p in pieces {
        if let Ident::KeyId(id) = &p.ident {
            let candidates = arns_by_id.get(id);
            match candidates.map(|c| c.iter().collect::<Vec<_>>()).as_deref() {
                Some([arn]) => p.ident = Ident::Arn((*arn).clone()),
                other => {
                    let loc = p
                        .whole
                        .clone()
                        .or_else(|| p.each.first().map(|(_, l)| l.clone()));
                    if let Some(loc) = loc {
                        let why = if other.is_some() {
                            "several keys in the scan have this id"
                        } else {
                            "no describe-key or list-keys output in the scan names this key"
                        };
                        unplaced.push(Unplaced {
                            loc,
                            message: format!(
                                "cannot tell which KMS key `{id}` is: {why}; put the file in the \
                                 export layout <account>/<region>/kms/"
                            ),
                        });
                    }
                    continue;
                }
            }
        }
        placed.push(p);
    }
    (placed, unplaced)
}
