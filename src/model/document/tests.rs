use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;

fn doc(v: Value) -> Document {
    match v {
        Value::Object(map) => Document::from_map(&map).expect("small"),
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn reads_back_what_it_was_given() {
    let v = json!({
        "VolumeId": "vol-1",
        "Encrypted": true,
        "Size": 8,
        "Iops": -3,
        "Ratio": 0.25,
        "Tags": [{"Key": "Name", "Value": "a"}, {"Key": "env", "Value": "prod"}],
        "Attachments": [],
        "Nested": {"Deep": {"Deeper": [1, [2, [3]]]}},
        "Nothing": null,
        "Unicode": "ключ \u{202e} \"q\""
    });
    let d = doc(v.clone());
    assert_eq!(d.to_value(), v);
    assert_eq!(d.get("VolumeId").and_then(Node::as_str), Some("vol-1"));
    assert_eq!(d.get("Encrypted").and_then(Node::as_bool), Some(true));
    assert_eq!(d.get("Size").and_then(Node::as_u64), Some(8));
    assert_eq!(d.get("Iops").and_then(Node::as_i64), Some(-3));
    assert_eq!(d.get("Ratio").and_then(Node::as_f64), Some(0.25));
    assert!(d.get("Nothing").is_some_and(Node::is_null));
    assert!(d.get("Missing").is_none());
    let tags = d.get("Tags").and_then(Node::as_array).expect("array");
    assert_eq!(tags.len(), 2);
    let keys: Vec<&str> = tags
        .filter_map(|t| t.get("Key").and_then(Node::as_str))
        .collect();
    assert_eq!(keys, ["Name", "env"]);
    assert_eq!(
        d.pointer("/Nested/Deep/Deeper/1/1/0")
            .and_then(Node::as_u64),
        Some(3)
    );
    assert!(d.pointer("/Nested/Deep/Deeper/01").is_none());
    assert!(d.pointer("/Tags/2").is_none());
    assert_eq!(d.root().pointer("").map(Node::to_value), Some(v.clone()));
    assert_eq!(serde_json::to_value(&d).expect("serialises"), v);
    assert!(d.root() == v);
}

#[test]
fn pointers_unescape_their_tokens() {
    let d = doc(json!({"a/b": {"c~d": 1}}));
    assert_eq!(d.pointer("/a~1b/c~0d").and_then(Node::as_u64), Some(1));
}

#[test]
fn insert_replaces_and_appends() {
    let mut d = doc(json!({"A": 1, "B": {"x": [1, 2]}}));
    d.insert("B", &json!("now a string")).expect("small");
    d.insert("C", &json!({"y": [true]})).expect("small");
    assert_eq!(
        d.to_value(),
        json!({"A": 1, "B": "now a string", "C": {"y": [true]}})
    );
}

#[test]
fn extend_lets_the_later_document_win() {
    let mut a = doc(json!({"A": 1, "B": [1, 2], "S": "first"}));
    let b = doc(json!({"B": {"k": "v"}, "C": "c"}));
    a.extend(&b).expect("small");
    assert_eq!(
        a.to_value(),
        json!({"A": 1, "B": {"k": "v"}, "S": "first", "C": "c"})
    );
    let mut empty = Document::new();
    empty.extend(&b).expect("small");
    assert_eq!(empty.to_value(), b.to_value());
}

#[test]
fn large_numbers_keep_their_type() {
    let v = json!({"u": u64::MAX, "i": i64::MIN, "f": 1e300, "neg0": -0.0});
    let d = doc(v.clone());
    assert_eq!(d.to_value(), v);
    assert_eq!(d.get("u").and_then(Node::as_u64), Some(u64::MAX));
}

#[test]
fn is_smaller_than_a_value_tree() {
    // A describe-volumes entry as the generator writes it.
    let v = json!({
        "AvailabilityZone": "us-east-1a", "CreateTime": "2024-01-01T00:00:00.000Z",
        "Encrypted": true, "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "Size": 100, "SnapshotId": "", "State": "in-use", "VolumeId": "vol-0123456789abcdef0",
        "Iops": 3000, "VolumeType": "gp3", "MultiAttachEnabled": false, "Throughput": 125,
        "Attachments": [{"AttachTime": "2024-01-01T00:00:00.000Z", "Device": "/dev/xvda",
            "InstanceId": "i-0123456789abcdef0", "State": "attached", "VolumeId": "vol-0123456789abcdef0",
            "DeleteOnTermination": true}],
        "Tags": [{"Key": "Name", "Value": "data-1"}, {"Key": "team", "Value": "platform"}]
    });
    let d = doc(v);
    // 33 values of 12 bytes and about 330 bytes of text.
    assert!(d.heap_bytes() < 800, "{} bytes", d.heap_bytes());
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z/~]{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_object_round_trips(members in prop::collection::btree_map("[a-zA-Z]{0,8}", arb_json(), 0..8)) {
        let map: Map<String, Value> = members.into_iter().collect();
        let d = Document::from_map(&map).expect("small");
        prop_assert_eq!(d.to_value(), Value::Object(map.clone()));
        for (k, v) in &map {
            prop_assert_eq!(d.get(k).map(Node::to_value), Some(v.clone()));
            prop_assert!(d.get(k).is_some_and(|n| n == *v));
        }
    }
}
