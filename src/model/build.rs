//! Merging the pieces readers produced into one resource per ARN, then deriving facts.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

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
/// not depend on how files were scheduled), with time-dependent facts judged now.
pub fn build(items: Vec<Item>) -> (Inventory, Vec<Unplaced>) {
    build_at(items, jiff::Timestamp::now())
}

/// [`build`], judging time-dependent facts (key material that expires) at `now`.
pub fn build_at(items: Vec<Item>, now: jiff::Timestamp) -> (Inventory, Vec<Unplaced>) {
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

    // Order the pieces by resource (stable: a resource's pieces keep their source order, so
    // the later file wins a conflict), then merge each run of pieces into one resource.
    // Indexes are sorted, not the (large) pieces.
    let mut order: Vec<(Kind, &str, usize)> = pieces
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match &p.ident {
            Ident::Arn(arn) => Some((p.kind, arn.as_str(), i)),
            Ident::KeyId(_) => None,
        })
        .collect();
    order.par_sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let order: Vec<usize> = order.into_iter().map(|(_, _, i)| i).collect();
    let mut slots: Vec<Option<Piece>> = pieces.into_iter().map(Some).collect();
    let mut groups: Vec<Vec<Piece>> = Vec::new();
    for i in order {
        let Some(piece) = slots[i].take() else {
            continue;
        };
        let same = groups
            .last()
            .and_then(|g| g.last())
            .is_some_and(|p| p.kind == piece.kind && p.ident == piece.ident);
        match groups.last_mut() {
            Some(group) if same => group.push(piece),
            _ => groups.push(vec![piece]),
        }
    }
    let resources: Vec<Resource> = groups.into_par_iter().filter_map(resource).collect();
    let mut inventory = Inventory::new(resources);
    derive::apply(&mut inventory, &listed, now);
    (inventory, unplaced)
}

/// One resource from its pieces, in source order.
fn resource(group: Vec<Piece>) -> Option<Resource> {
    let mut pieces = group.into_iter();
    let first = pieces.next()?;
    let Ident::Arn(arn) = &first.ident else {
        return None;
    };
    let mut resource = Resource {
        kind: first.kind,
        arn: arn.clone(),
        account: String::new(),
        region: String::new(),
        data: Value::Object(Map::new()),
        links: Vec::new(),
        origins: Vec::new(),
        facts: Vec::new(),
    };
    merge(&mut resource, first);
    for piece in pieces {
        merge(&mut resource, piece);
    }
    Some(resource)
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
        if data.is_empty() {
            // The first piece of a resource is its document as it stands.
            *data = piece.fields;
        } else {
            data.extend(piece.fields);
        }
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
