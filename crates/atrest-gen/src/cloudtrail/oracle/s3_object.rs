//! Plants of the S3 object rules: public object ACLs, anonymous object requests. Object
//! calls are data events (`managementEvent: false`) naming the object and its bucket.

use super::Ctx;
use super::s3::s3_call;
use crate::cloudtrail::record::{self, Call, Who, resource};
use crate::json::{J, obj, strs};

/// An object key of the bucket that no background call names.
fn fresh_object(c: &mut Ctx) -> String {
    format!(
        "reports/shared/{}-{}.pdf",
        c.n,
        record::token(&mut c.rng, record::HEX, 8)
    )
}

fn object_resources(c: &Ctx, bucket: &str, key: &str) -> J {
    J::Arr(vec![
        resource(
            None,
            "AWS::S3::Object",
            format!("arn:aws:s3:::{bucket}/{key}"),
        ),
        resource(
            Some(&c.env.account),
            "AWS::S3::Bucket",
            format!("arn:aws:s3:::{bucket}"),
        ),
    ])
}

/// `PutObjectAcl` with a canned ACL (`x-amz-acl`), as the console and the CLI send it.
pub(super) fn object_acl(c: &mut Ctx, canned: &'static str) -> Call {
    let bucket = c.bucket();
    let key = fresh_object(c);
    let req = vec![
        ("acl", J::from("")),
        ("x-amz-acl", strs(&[canned])),
        ("key", J::from(&key)),
    ];
    let resources = object_resources(c, &bucket, &key);
    s3_call(c, "PutObjectAcl", &bucket, req)
        .resources(resources)
        .data()
}

/// A `GetObject` (or, for `ListObjects`, a listing of the bucket) by `who`. Unsigned
/// requests carry no signature members in `additionalEventData`.
pub(super) fn object_read(c: &mut Ctx, name: &'static str, who: Who) -> Call {
    let bucket = c.bucket();
    let host = format!("{bucket}.s3.{}.amazonaws.com", c.env.region);
    let key = fresh_object(c);
    let id2 = record::token(&mut c.rng, record::ALNUM, 76);
    let out = 200 + c.rng.below(4000) as i64;
    let signed = !matches!(who, Who::Anonymous);
    let extra = obj! {
        "SignatureVersion" => signed.then_some("SigV4"),
        "CipherSuite" => "TLS_AES_128_GCM_SHA256",
        "bytesTransferredIn" => 0i64,
        "AuthenticationMethod" => signed.then_some("AuthHeader"),
        "x-amz-id-2" => id2,
        "bytesTransferredOut" => out,
    };
    let (req, resources) = if name == "ListObjects" {
        (
            obj! { "list-type" => "2", "bucketName" => bucket.clone(), "prefix" => "reports/", "Host" => host },
            J::Arr(vec![resource(
                Some(&c.env.account),
                "AWS::S3::Bucket",
                format!("arn:aws:s3:::{bucket}"),
            )]),
        )
    } else {
        (
            obj! { "bucketName" => bucket.clone(), "Host" => host, "key" => key.clone() },
            object_resources(c, &bucket, &key),
        )
    };
    Call::new("s3.amazonaws.com", name, who)
        .req(req)
        .extra(extra)
        .resources(resources)
        .data()
}

/// Objects of the account's buckets are under SSE-KMS: S3 refuses an unsigned read of one
/// before it looks at permissions, or refuses it for want of a public grant.
pub(super) fn anonymous_get(c: &mut Ctx) -> Call {
    let call = object_read(c, "GetObject", Who::Anonymous);
    if c.n.is_multiple_of(2) {
        call.failed(
            "InvalidArgument",
            "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.",
        )
    } else {
        call.failed("AccessDenied", "Access Denied")
    }
}
