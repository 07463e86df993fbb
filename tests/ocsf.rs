//! `--format ocsf` against the OCSF schema itself: every line of the lab's report is checked
//! against the schema's files (`../shared/corpus/ocsf`), read at test time — the class and
//! the classes it extends, the profiles it applies, each object's attributes: required ones
//! present, none unknown or deprecated, types, enums and their captions, constraints.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use atrest::finding::{BaselineState, Suppression, SuppressionKind};
use atrest::output::{self, Format, Report, Style};
use atrest::rules::Registry;
use serde_json::{Map, Value};

/// 2026-11-21T00:00:00Z.
const TIME: i64 = 1_795_219_200_000;

/// The schema's definitions, by name, as the files hold them.
struct Schema {
    root: PathBuf,
    dictionary: Map<String, Value>,
    types: Map<String, Value>,
    categories: Map<String, Value>,
    events: BTreeMap<String, Value>,
    objects: BTreeMap<String, Value>,
}

/// A class or object with its base definitions, includes and profiles merged.
struct Def {
    name: String,
    attributes: Map<String, Value>,
    constraints: Map<String, Value>,
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn by_name(dir: &Path) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let def = read(&path);
                let name = def["name"].as_str().expect("a name").to_owned();
                out.insert(name, def);
            }
        }
    }
    out
}

/// `over` merged into `base`, objects member by member.
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

impl Schema {
    fn load(root: &Path) -> Schema {
        let dictionary = read(&root.join("dictionary.json"));
        Schema {
            root: root.to_path_buf(),
            dictionary: dictionary["attributes"]
                .as_object()
                .expect("attributes")
                .clone(),
            types: dictionary["types"]["attributes"]
                .as_object()
                .expect("types")
                .clone(),
            categories: read(&root.join("categories.json"))["attributes"]
                .as_object()
                .expect("categories")
                .clone(),
            events: by_name(&root.join("events")),
            objects: by_name(&root.join("objects")),
        }
    }

    /// A definition's own attributes: its includes first (a profile's attributes carry its
    /// name), then what it says itself.
    fn own_attributes(&self, def: &Value) -> Map<String, Value> {
        let mut out = Value::Object(Map::new());
        let attributes = def["attributes"].as_object().cloned().unwrap_or_default();
        if let Some(includes) = attributes.get("$include").and_then(Value::as_array) {
            for include in includes {
                let file = read(&self.root.join(include.as_str().expect("a path")));
                let profile = (file["meta"] == "profile").then(|| file["name"].clone());
                let mut included = file["attributes"].clone();
                if let (Some(profile), Some(attrs)) = (profile, included.as_object_mut()) {
                    for attr in attrs.values_mut() {
                        if let Some(a) = attr.as_object_mut() {
                            a.entry("profile").or_insert(profile.clone());
                        }
                    }
                }
                merge(&mut out, &included);
            }
        }
        let mut own = Value::Object(attributes);
        if let Some(o) = own.as_object_mut() {
            o.remove("$include");
        }
        merge(&mut out, &own);
        match out {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// `name` from `table`, its `extends` chain merged under it.
    fn def(&self, table: &BTreeMap<String, Value>, name: &str) -> Def {
        let mut chain = Vec::new();
        let mut next = Some(name.to_owned());
        while let Some(n) = next {
            let def = table.get(&n).unwrap_or_else(|| panic!("no definition {n}"));
            next = def["extends"].as_str().map(str::to_owned);
            chain.push(def);
        }
        let mut attributes = Value::Object(Map::new());
        let mut constraints = Map::new();
        for def in chain.iter().rev() {
            merge(&mut attributes, &Value::Object(self.own_attributes(def)));
            // A definition's constraints replace its base's (`file` clears `_entity`'s).
            if let Some(c) = def.get("constraints").and_then(Value::as_object) {
                constraints = c.clone();
            }
        }
        // Each attribute over its dictionary entry.
        let mut resolved = Map::new();
        for (k, v) in attributes.as_object().expect("attributes") {
            let mut full = self
                .dictionary
                .get(k)
                .cloned()
                .unwrap_or_else(|| panic!("{name}.{k} is not in the dictionary"));
            merge(&mut full, v);
            resolved.insert(k.clone(), full);
        }
        Def {
            name: name.to_owned(),
            attributes: resolved,
            constraints,
        }
    }

    /// The JSON kind a scalar type is written as.
    fn base_type(&self, t: &str) -> String {
        match self.types.get(t).and_then(|d| d["type"].as_str()) {
            Some(base) if base != t => self.base_type(base),
            _ => t.to_owned(),
        }
    }
}

struct Checker<'a> {
    schema: &'a Schema,
    profiles: BTreeSet<String>,
    errors: Vec<String>,
}

impl Checker<'_> {
    fn active(&self, attr: &Value) -> bool {
        match attr.get("profile") {
            None | Some(Value::Null) => true,
            Some(p) => p.as_str().is_some_and(|p| self.profiles.contains(p)),
        }
    }

    fn check_def(&mut self, at: &str, value: &Value, def: &Def) {
        let Some(object) = value.as_object() else {
            self.errors.push(format!("{at}: not an object"));
            return;
        };
        for (k, v) in object {
            let here = format!("{at}.{k}");
            match def.attributes.get(k) {
                Some(attr) if self.active(attr) => {
                    if attr.get("@deprecated").is_some() {
                        self.errors.push(format!("{here}: deprecated"));
                    }
                    self.check_attr(&here, k, v, attr);
                }
                Some(_) => self
                    .errors
                    .push(format!("{here}: its profile is not applied")),
                None => self
                    .errors
                    .push(format!("{here}: not an attribute of {}", def.name)),
            }
        }
        for (k, attr) in &def.attributes {
            if attr["requirement"] == "required" && self.active(attr) && !object.contains_key(k) {
                self.errors.push(format!("{at}: required {k} is missing"));
            }
        }
        for (kind, names) in &def.constraints {
            let present = names
                .as_array()
                .into_iter()
                .flatten()
                .filter(|n| n.as_str().is_some_and(|n| object.contains_key(n)))
                .count();
            let ok = match kind.as_str() {
                "at_least_one" => present >= 1,
                "just_one" => present == 1,
                _ => true,
            };
            if !ok {
                self.errors.push(format!("{at}: {kind} of {names}"));
            }
        }
        // A sibling holds the caption of its id's value.
        for (k, attr) in &def.attributes {
            let (Some(sibling), Some(id)) = (attr["sibling"].as_str(), object.get(k)) else {
                continue;
            };
            let Some(shown) = object.get(sibling) else {
                continue;
            };
            let key = id.to_string();
            if key == "99" || matches!(k.as_str(), "class_uid" | "category_uid" | "type_uid") {
                continue;
            }
            let caption = &attr["enum"][key.as_str()]["caption"];
            if caption != shown {
                self.errors.push(format!(
                    "{at}.{sibling}: {shown} is not {k} {key}'s {caption}"
                ));
            }
        }
    }

    fn check_attr(&mut self, at: &str, name: &str, value: &Value, attr: &Value) {
        let t = attr["type"].as_str().unwrap_or("");
        if attr["is_array"] == true {
            match value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.check_type(&format!("{at}[{i}]"), name, item, t, attr);
                    }
                }
                None => self.errors.push(format!("{at}: not an array")),
            }
        } else {
            self.check_type(at, name, value, t, attr);
        }
    }

    fn check_type(&mut self, at: &str, name: &str, value: &Value, t: &str, attr: &Value) {
        if !t.ends_with("_t") {
            // An object; `object` itself is open.
            if t == "object" {
                if !value.is_object() {
                    self.errors.push(format!("{at}: not an object"));
                }
                return;
            }
            let def = self.schema.def(&self.schema.objects, t);
            self.check_def(at, value, &def);
            return;
        }
        let ok = match self.schema.base_type(t).as_str() {
            "string_t" => value.is_string(),
            "integer_t" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            "long_t" => value.is_i64() || value.is_u64(),
            "float_t" => value.is_number(),
            "boolean_t" => value.is_boolean(),
            "json_t" => true,
            other => {
                self.errors.push(format!("{at}: unknown type {other}"));
                true
            }
        };
        if !ok {
            self.errors.push(format!("{at}: {value} is not a {t}"));
        }
        let computed = matches!(name, "class_uid" | "category_uid" | "type_uid");
        if let Some(values) = attr["enum"].as_object().filter(|_| !computed) {
            let key = match value {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            if !values.contains_key(&key) {
                self.errors
                    .push(format!("{at}: {key} is not one of its enum"));
            }
        }
    }
}

fn corpus() -> Option<PathBuf> {
    let dir = common::corpus()?.join("ocsf");
    dir.is_dir().then_some(dir)
}

/// The lab's findings in OCSF, one of them under an exception and one unchanged from a
/// baseline, as parsed lines.
fn lab_events() -> (Vec<Value>, usize) {
    let registry = Registry::load(true, &[]).expect("built-in rules");
    let mut outcome = atrest::scan::scan(&[common::root().join("samples/lab")], &registry);
    assert!(outcome.findings.len() > 20);
    outcome.findings[0].suppression = Some(Box::new(Suppression {
        kind: SuppressionKind::Config,
        reason: "accepted until the migration".into(),
        owner: "platform-team".into(),
        expires: Some("2027-03-31".into()),
        origin: "atrest.yml:12".into(),
    }));
    outcome.findings[1].baseline = Some(BaselineState::Unchanged);
    let mut report = Report::for_format(&outcome, &registry, Format::Ocsf);
    report.time = jiff::Timestamp::from_millisecond(TIME).ok();
    let mut out = Vec::new();
    output::write(&report, Format::Ocsf, Style::default(), &mut out).expect("written");
    let text = String::from_utf8(out).expect("UTF-8");
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    (events, outcome.findings.len())
}

#[test]
fn every_lab_finding_is_a_valid_detection_finding() {
    let Some(root) = corpus() else {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: no ../shared/corpus/ocsf to validate OCSF against"
        );
        return;
    };
    let schema = Schema::load(&root);
    assert_eq!(
        read(&root.join("version.json"))["version"],
        output::ocsf::VERSION,
        "the events name the schema's version"
    );
    let class = schema.def(&schema.events, "detection_finding");
    let class_file = &schema.events["detection_finding"];
    let category = class_file["category"]
        .as_str()
        .or_else(|| schema.events["finding"]["category"].as_str())
        .expect("a category");
    let category_uid = schema.categories[category]["uid"].as_i64().expect("uid");
    let class_uid = category_uid * 1000 + class_file["uid"].as_i64().expect("uid");
    // The profiles the class may apply, along its chain.
    let mut allowed = BTreeSet::new();
    for name in ["detection_finding", "finding", "base_event"] {
        for p in schema.events[name]["profiles"]
            .as_array()
            .into_iter()
            .flatten()
        {
            allowed.insert(p.as_str().expect("a name").to_owned());
        }
    }

    let (events, findings) = lab_events();
    assert_eq!(events.len(), findings, "one line per finding");
    let mut errors = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let profiles: BTreeSet<String> = event["metadata"]["profiles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect();
        for p in &profiles {
            if !allowed.contains(p) {
                errors.push(format!("line {}: profile {p} is not the class's", i + 1));
            }
        }
        let mut checker = Checker {
            schema: &schema,
            profiles,
            errors: Vec::new(),
        };
        checker.check_def("", event, &class);
        errors.extend(
            checker
                .errors
                .into_iter()
                .map(|e| format!("line {}: {e}", i + 1)),
        );
        let activity = event["activity_id"].as_i64().unwrap_or(-1);
        let expect = [
            ("category_uid", Value::from(category_uid)),
            ("class_uid", Value::from(class_uid)),
            ("type_uid", Value::from(class_uid * 100 + activity)),
            ("class_name", class_file["caption"].clone()),
            (
                "category_name",
                schema.categories[category]["caption"].clone(),
            ),
            ("type_uid", Value::from(200_401)),
            ("time", Value::from(TIME)),
        ];
        for (k, v) in expect {
            if event[k] != v {
                errors.push(format!("line {}: {k} is {}, not {v}", i + 1, event[k]));
            }
        }
        let type_name = format!(
            "{}: {}",
            event["class_name"].as_str().unwrap_or(""),
            event["activity_name"].as_str().unwrap_or("")
        );
        if event["type_name"] != type_name.as_str() {
            errors.push(format!("line {}: type_name is not {type_name}", i + 1));
        }
    }
    assert!(
        errors.is_empty(),
        "{} problems:\n{}",
        errors.len(),
        errors[..errors.len().min(40)].join("\n")
    );
}

/// What the lines say, beyond their shape.
#[test]
fn findings_map_to_their_attributes() {
    let (events, _) = lab_events();
    let suppressed = &events[0];
    assert_eq!(suppressed["status_id"], 3);
    assert_eq!(suppressed["status"], "Suppressed");
    assert_eq!(suppressed["status_detail"], "accepted until the migration");
    assert_eq!(
        suppressed["unmapped"]["suppression"]["owner"],
        "platform-team"
    );
    assert_eq!(suppressed["is_alert"], false);
    assert_eq!(events[1]["status_id"], 1);
    assert_eq!(events[1]["unmapped"]["baseline_state"], "unchanged");

    let volume = events
        .iter()
        .find(|e| e["finding_info"]["analytic"]["uid"] == "ebs-volume-unencrypted")
        .expect("the unencrypted volume");
    assert_eq!(volume["severity_id"], 3);
    assert_eq!(volume["severity"], "Medium");
    assert_eq!(
        volume["finding_info"]["types"],
        serde_json::json!(["ebs-volume-unencrypted", "ebs_volume"])
    );
    let resource = &volume["resources"][0];
    assert_eq!(
        resource["uid"],
        "arn:aws:ec2:us-east-1:123456789012:volume/vol-07ac84538bda72190"
    );
    assert_eq!(resource["type"], "ebs_volume");
    assert_eq!(resource["region"], "us-east-1");
    assert_eq!(resource["owner"]["account"]["uid"], "123456789012");
    assert_eq!(volume["cloud"]["account"]["type_id"], 10);
    assert_eq!(
        volume["unmapped"]["compliance"]["aws-fsbp"],
        serde_json::json!(["EC2.3", "EC2.7"])
    );
    let evidence = &volume["evidences"][0];
    assert_eq!(
        evidence["file"]["path"],
        "samples/lab/123456789012/us-east-1/ec2/describe-volumes.json"
    );
    assert_eq!(evidence["data"]["line"], 51);
    assert!(
        evidence["data"]["pointer"]
            .as_str()
            .is_some_and(|p| p.starts_with("/Volumes/"))
    );

    let event = events
        .iter()
        .find(|e| e["finding_info"]["analytic"]["uid"] == "event-cloudtrail-logging-stopped")
        .expect("StopLogging");
    // Made at the report's time; the call it is about is its time range.
    assert_eq!(event["time"], TIME);
    assert_eq!(event["start_time"], 1_795_183_668_000_i64);
    assert_eq!(event["evidences"][0]["api"]["operation"], "StopLogging");
    assert_eq!(
        event["evidences"][0]["api"]["service"]["name"],
        "cloudtrail.amazonaws.com"
    );
    assert_eq!(
        event["finding_info"]["related_events"][0]["uid"],
        "3c3eaca5-9c1d-4d07-8429-d42f89b51399"
    );
    assert_eq!(event["resources"][0]["uid"], "lab-trail");
}

/// A change made to a valid event.
type Edit = dyn Fn(&mut Value);

/// The checker itself: each kind of mistake is caught.
#[test]
fn the_checker_catches_mistakes() {
    let Some(root) = corpus() else {
        let _ = writeln!(std::io::stderr(), "skipped: no ../shared/corpus/ocsf");
        return;
    };
    let schema = Schema::load(&root);
    let class = schema.def(&schema.events, "detection_finding");
    let (events, _) = lab_events();
    let broken = |edit: &Edit| {
        let mut event = events[2].clone();
        edit(&mut event);
        let mut checker = Checker {
            schema: &schema,
            profiles: ["cloud".to_owned()].into(),
            errors: Vec::new(),
        };
        checker.check_def("", &event, &class);
        checker.errors
    };
    assert!(broken(&|_| {}).is_empty());
    let cases: [(&str, &Edit); 8] = [
        ("an unknown attribute", &|e| e["compliance"] = "x".into()),
        ("a missing required one", &|e| {
            e["finding_info"].as_object_mut().map(|o| o.remove("uid"));
        }),
        ("a string for a timestamp", &|e| e["time"] = "now".into()),
        ("a value outside the enum", &|e| e["status_id"] = 42.into()),
        ("a caption that is not its id's", &|e| {
            e["severity"] = "Severe".into()
        }),
        ("an object's unknown attribute", &|e| {
            e["resources"][0]["account"] = "123456789012".into()
        }),
        ("a deprecated attribute", &|e| e["comment"] = "x".into()),
        ("an unmet constraint", &|e| {
            e["evidences"] = serde_json::json!([{"name": "nothing"}])
        }),
    ];
    for (what, edit) in cases {
        assert!(!broken(edit).is_empty(), "{what} passes");
    }
    // A profile's attribute, without the profile.
    let mut event = events[2].clone();
    event["metadata"]["profiles"] = serde_json::json!([]);
    let mut checker = Checker {
        schema: &schema,
        profiles: BTreeSet::new(),
        errors: Vec::new(),
    };
    checker.check_def("", &event, &class);
    assert!(
        checker.errors.iter().any(|e| e.contains("profile")),
        "{:?}",
        checker.errors
    );
}
