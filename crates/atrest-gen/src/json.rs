//! An ordered JSON tree, written through serde_json's formatters: pretty as the AWS CLI prints
//! it, compact as S3 returns a bucket policy, and in Jackson's style as KMS returns a key
//! policy.

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter};

/// A JSON value whose objects keep the order they were built in (the API model's order).
pub(crate) enum J {
    /// A member left out of its object (an optional field the API did not return).
    Absent,
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

impl From<&str> for J {
    fn from(s: &str) -> J {
        J::Str(s.to_owned())
    }
}
impl From<&String> for J {
    fn from(s: &String) -> J {
        J::Str(s.clone())
    }
}
impl From<String> for J {
    fn from(s: String) -> J {
        J::Str(s)
    }
}
impl From<bool> for J {
    fn from(b: bool) -> J {
        J::Bool(b)
    }
}
impl From<i64> for J {
    fn from(n: i64) -> J {
        J::Int(n)
    }
}
impl From<usize> for J {
    fn from(n: usize) -> J {
        J::Int(n as i64)
    }
}
impl From<Vec<J>> for J {
    fn from(v: Vec<J>) -> J {
        J::Arr(v)
    }
}
impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> J {
        v.map_or(J::Absent, Into::into)
    }
}

/// An object with its members in the order given; `None` values leave the member out.
macro_rules! obj {
    ($($k:literal => $v:expr),* $(,)?) => {
        $crate::json::J::Obj(vec![$(($k, $crate::json::J::from($v))),*])
    };
}
pub(crate) use obj;

pub(crate) fn strs(items: &[&str]) -> J {
    J::Arr(items.iter().map(|s| J::from(*s)).collect())
}

pub(crate) fn emit<W: Write, F: Formatter>(w: &mut W, f: &mut F, v: &J) -> io::Result<()> {
    match v {
        J::Absent | J::Null => f.write_null(w),
        J::Bool(b) => f.write_bool(w, *b),
        J::Int(n) => f.write_i64(w, *n),
        J::Str(s) => serde_json::to_writer(&mut *w, s).map_err(io::Error::from),
        J::Arr(items) => {
            f.begin_array(w)?;
            for (i, item) in items.iter().enumerate() {
                f.begin_array_value(w, i == 0)?;
                emit(w, f, item)?;
                f.end_array_value(w)?;
            }
            f.end_array(w)
        }
        J::Obj(members) => {
            f.begin_object(w)?;
            let mut first = true;
            for (k, v) in members {
                if matches!(v, J::Absent) {
                    continue;
                }
                f.begin_object_key(w, first)?;
                serde_json::to_writer(&mut *w, k).map_err(io::Error::from)?;
                f.end_object_key(w)?;
                f.begin_object_value(w)?;
                emit(w, f, v)?;
                f.end_object_value(w)?;
                first = false;
            }
            f.end_object(w)
        }
    }
}

/// Compact JSON text, as S3 returns a bucket policy.
pub(crate) fn compact(v: &J) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail, and the tree holds only valid UTF-8.
    let _ = emit(&mut buf, &mut CompactFormatter, v);
    String::from_utf8_lossy(&buf).into_owned()
}

/// JSON text as KMS returns a key policy: Jackson's default pretty printer
/// (`{` and members on new lines indented by two per object level, `"k" : v`, arrays inline
/// as `[ a, b ]`).
pub(crate) fn jackson(v: &J) -> String {
    let mut buf = Vec::new();
    let _ = emit(&mut buf, &mut Jackson::default(), v);
    String::from_utf8_lossy(&buf).into_owned()
}

#[derive(Default)]
struct Jackson {
    depth: usize,
    /// For every open object or array, whether it has a value yet.
    open: Vec<bool>,
}

impl Jackson {
    fn indent<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for Jackson {
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.open.push(false);
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.open.pop().unwrap_or(false) {
            self.indent(w, self.depth)?;
        } else {
            w.write_all(b" ")?;
        }
        w.write_all(b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.indent(w, self.depth)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b" : ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        if let Some(has) = self.open.last_mut() {
            *has = true;
        }
        Ok(())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open.push(false);
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open.pop();
        w.write_all(b" ]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b" " } else { b", " })
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        if let Some(has) = self.open.last_mut() {
            *has = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_s3_and_kms() {
        let doc = obj! {
            "Version" => "2012-10-17",
            "Absent" => None::<&str>,
            "Statement" => vec![obj! {
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => "arn:aws:iam::123456789012:root" },
                "Action" => strs(&["kms:Decrypt", "kms:Encrypt"]),
            }],
        };
        assert_eq!(
            jackson(&doc),
            "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Effect\" : \"Allow\",\n    \
             \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::123456789012:root\"\n    },\n    \
             \"Action\" : [ \"kms:Decrypt\", \"kms:Encrypt\" ]\n  } ]\n}"
        );
        assert_eq!(
            compact(&doc),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["kms:Decrypt","kms:Encrypt"]}]}"#
        );
        assert_eq!(
            jackson(&obj! { "Empty" => obj! {} }),
            "{\n  \"Empty\" : { }\n}"
        );
    }
}
