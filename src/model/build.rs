//! Merging the pieces readers produced into one resource per ARN, then deriving facts.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::document::Document;
use super::document::Name;
use super::inventory::{Inventory, Origin, Resource};
use super::piece::{Item, Loc, Named, Part};
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
    let mut too_large = Vec::new();
    // Collected in place: the parts reuse the items' vector.
    let mut pieces: Vec<Part> = items
        .into_iter()
        .enumerate()
        .filter_map(|(seq, item)| match item.compact() {
            Ok(Item::Part(p)) => Some(Part { seq, ..p }),
            Ok(Item::Listed {
                kind,
                account,
                region,
            }) => {
                listed.insert((kind, account, region));
                None
            }
            Ok(Item::Piece(_)) => None,
            Err(place) => {
                too_large.extend(place);
                None
            }
        })
        .collect();
    let mut unplaced = place_key_ids(&mut pieces);
    unplaced.extend(too_large.into_iter().map(|loc| Unplaced {
        loc,
        message: TOO_LARGE.to_owned(),
    }));

    // Order the pieces by resource, a resource's pieces in source order (so the later file
    // wins a conflict), then merge each run of pieces into one resource. Sorted in place:
    // the source order is part of the key, so an unstable sort keeps it.
    // Grouped by the ARN's number (equal texts have equal numbers); the resources are put in
    // ARN order after, fewer and with their text at hand.
    let key = |p: &Part| {
        let (Named::Arn(name) | Named::KeyId(name)) = p.ident;
        (p.kind, name, p.seq)
    };
    pieces.par_sort_unstable_by_key(key);
    // Straight into the resources' vector (a vector of results beside it would hold a
    // second resource-sized slot for each); the rare resource too large goes aside.
    let refused = std::sync::Mutex::new(Vec::new());
    let mut resources: Vec<Resource> = pieces
        .par_chunk_by_mut(|a, b| a.kind == b.kind && a.ident == b.ident)
        .filter_map(|group| match resource(group)? {
            Ok(r) => Some(r),
            Err(place) => {
                refused
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(place);
                None
            }
        })
        .collect();
    drop(pieces);
    let mut refused = refused
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // In source order whatever the threads did.
    refused.sort();
    unplaced.extend(refused.into_iter().map(|loc| Unplaced {
        loc,
        message: TOO_LARGE.to_owned(),
    }));
    resources.par_sort_unstable_by(|a, b| (a.kind, a.arn).cmp(&(b.kind, b.arn)));
    let mut inventory = Inventory::new(resources);
    let keys_listed: HashSet<(String, String)> = listed
        .iter()
        .filter(|(kind, _, _)| *kind == Kind::KmsKey)
        .map(|(_, a, r)| (a.clone(), r.clone()))
        .collect();
    inventory.listed = listed.into_iter().collect();
    for loc in derive::apply(&mut inventory, &keys_listed, now) {
        unplaced.push(Unplaced {
            loc,
            message: TOO_LARGE.to_owned(),
        });
    }
    (inventory, unplaced)
}

const TOO_LARGE: &str = "this resource's description is larger than the 4 GiB atrest models \
                         for one resource; it was left out of the scan";

/// One resource from its pieces, in source order (taken out of them); too large a one is
/// refused with its place.
fn resource(group: &mut [Part]) -> Option<Result<Resource, Option<Loc>>> {
    let mut pieces = group.iter_mut().map(Part::take);
    let first = pieces.next()?;
    let Named::Arn(arn) = first.ident else {
        return None;
    };
    let mut resource = Resource {
        kind: first.kind,
        arn: arn.as_str(),
        account: "",
        region: "",
        data: Document::new(),
        links: Vec::new(),
        origins: Vec::new(),
        evidence: Vec::new(),
        facts: Vec::new(),
    };
    merge(&mut resource, first);
    for piece in pieces {
        if !merge(&mut resource, piece) {
            return Some(Err(resource.home().cloned()));
        }
    }
    Some(Ok(resource))
}

/// Merges a piece into its resource; `false` if the document would be too large.
fn merge(resource: &mut Resource, piece: Part) -> bool {
    if resource.account.is_empty() {
        resource.account = piece.account.as_str();
    }
    if resource.region.is_empty() {
        resource.region = piece.region.as_str();
    }
    resource
        .origins
        .reserve(usize::from(piece.whole.is_some()) + piece.each.len());
    if let Some(loc) = piece.whole {
        resource.origins.push(Origin::whole(loc));
    }
    for (name, loc) in piece.each {
        resource.origins.push(Origin { field: name, loc });
    }
    resource.facts.extend(piece.facts);
    if resource.data.is_empty() {
        // The first piece of a resource is its document as it stands.
        resource.data = piece.fields;
        true
    } else {
        resource.data.extend(&piece.fields).is_ok()
    }
}

/// Gives pieces that name a KMS key only by id the ARN of the one key with that id; those
/// that match no key or several are taken out and reported.
fn place_key_ids(pieces: &mut Vec<Part>) -> Vec<Unplaced> {
    let mut arns_by_id: HashMap<&str, HashSet<Name>> = HashMap::new();
    for p in pieces.iter() {
        if let (Kind::KmsKey, Named::Arn(arn)) = (p.kind, p.ident)
            && let Some((_, id)) = arn.as_str().rsplit_once("key/")
        {
            arns_by_id.entry(id).or_default().insert(arn);
        }
    }
    let mut unplaced = Vec::new();
    pieces.retain_mut(|p| {
        let Named::KeyId(id) = p.ident else {
            return true;
        };
        let id = id.as_str();
        let candidates = arns_by_id.get(id);
        match candidates.map(|c| c.iter().collect::<Vec<_>>()).as_deref() {
            Some([arn]) => {
                p.ident = Named::Arn(**arn);
                true
            }
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
                false
            }
        }
    });
    unplaced
}
