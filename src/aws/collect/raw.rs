//! A call's answer as AWS sent it. For the services whose protocol is JSON (KMS,
//! CloudTrail, ...), the body of the answer has the members, names and nesting the AWS CLI
//! prints (timestamps are epoch seconds, which atrest reads as the CLI's ISO 8601 text):
//! keeping that body, rather than rebuilding it from the SDK's types, writes every field AWS
//! sent, including those newer than this build.

use std::sync::{Arc, Mutex};

use aws_sdk_kms::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_kms::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_kms::error::BoxError;
use serde_json::{Map, Value};

use super::CallError;

/// Keeps the body of the last answer to the call it is attached to.
#[derive(Debug, Clone, Default)]
pub struct Capture(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "atrest-capture"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The body was read whole before it was deserialised.
        if let Some(bytes) = context.response().body().bytes() {
            *self.lock() = Some(bytes.to_vec());
        }
        Ok(())
    }
}

impl Capture {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Vec<u8>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The kept body as a JSON object (`{}` for an empty body, as the CLI prints nothing).
    pub fn json(&self, operation: &str) -> Result<Map<String, Value>, CallError> {
        let body = self.lock().take().unwrap_or_default();
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        match serde_json::from_slice(&body) {
            Ok(Value::Object(mut map)) => {
                drop_nulls(&mut map);
                Ok(map)
            }
            Ok(_) | Err(_) => Err(CallError {
                code: String::new(),
                message: format!("the answer to {operation} is not a JSON object"),
            }),
        }
    }
}

/// A member whose value is `null` is a member AWS did not send: the CLI leaves it out, and
/// so does the export.
fn drop_nulls(map: &mut Map<String, Value>) {
    map.retain(|_, v| !v.is_null());
    for value in map.values_mut() {
        match value {
            Value::Object(inner) => drop_nulls(inner),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        drop_nulls(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Sends a fluent builder with a [`Capture`] attached and gives the answer's JSON object,
/// or the call's error.
macro_rules! raw_call {
    ($builder:expr, $operation:literal) => {{
        let capture = $crate::aws::collect::raw::Capture::default();
        match $builder
            .customize()
            .interceptor(capture.clone())
            .send()
            .await
        {
            Ok(output) => capture.json($operation).map(|json| (output, json)),
            Err(e) => Err($crate::aws::collect::CallError::of(&e)),
        }
    }};
}
pub(crate) use raw_call;

/// Every page of a list call, merged as the CLI merges them: `$set` puts the token in (a
/// `set_` method of the builder taking an `Option`), `$get` takes it from a page's output,
/// `$list` names the members that are the pages' lists, `$drop` the paging members left out
/// of the result. Gives a `Result<Map, CallError>`.
macro_rules! all_pages {
    ($call:expr, $set:ident, $get:ident, $operation:literal, [$($list:literal),+], [$($drop:literal),*]) => {{
        let answer: Result<serde_json::Map<String, serde_json::Value>, $crate::aws::collect::CallError> = async {
            let mut all = serde_json::Map::new();
            let mut token: Option<String> = None;
            loop {
                let (page, json) = $crate::aws::collect::raw::raw_call!($call.$set(token.take()), $operation)?;
                $crate::aws::collect::raw::merge(&mut all, json, &[$($list),+]);
                match page.$get() {
                    Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                    _ => return Ok($crate::aws::collect::raw::without(all, &[$($drop),*])),
                }
            }
        }
        .await;
        answer
    }};
}
pub(crate) use all_pages;

/// Pages merged as the CLI merges them: the lists under `keys` of `next` appended to those of
/// `all`; the paging members (`tokens`) dropped from the result.
pub fn merge(all: &mut Map<String, Value>, mut next: Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(Value::Array(more)) = next.remove(*key) {
            match all.get_mut(*key) {
                Some(Value::Array(list)) => list.extend(more),
                _ => {
                    all.insert((*key).to_owned(), Value::Array(more));
                }
            }
        }
    }
}

/// Drops the paging members of a merged answer (`NextMarker`, `Truncated`, ...).
pub fn without(mut all: Map<String, Value>, tokens: &[&str]) -> Map<String, Value> {
    for token in tokens {
        all.remove(*token);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn pages_merge_as_the_cli_prints_them() {
        let mut all =
            object(json!({"Keys": [{"KeyId": "a"}], "NextMarker": "m", "Truncated": true}));
        merge(
            &mut all,
            object(json!({"Keys": [{"KeyId": "b"}], "Truncated": false})),
            &["Keys"],
        );
        let merged = without(all, &["NextMarker", "Truncated"]);
        assert_eq!(
            Value::Object(merged),
            json!({"Keys": [{"KeyId": "a"}, {"KeyId": "b"}]})
        );
    }

    #[test]
    fn an_empty_answer_is_an_empty_object() {
        let capture = Capture::default();
        assert_eq!(capture.json("X").expect("empty"), Map::new());
        *capture.lock() = Some(b"[1]".to_vec());
        assert!(capture.json("X").is_err());
        *capture.lock() =
            Some(br#"{"A": null, "B": {"C": null, "D": 1}, "E": [{"F": null}]}"#.to_vec());
        let json = capture.json("X").expect("an object");
        assert_eq!(Value::Object(json), json!({"B": {"D": 1}, "E": [{}]}));
    }
}
