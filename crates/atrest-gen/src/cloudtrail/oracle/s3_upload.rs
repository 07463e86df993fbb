//! Plants of the upload analysis (`event-s3-uploads-without-sse-kms`): object writes by one
//! principal to a bucket of the plant's own, so that two plants never share a (bucket,
//! principal) summary. `additionalEventData.SSEApplied` says how S3 encrypted each object.

use super::Ctx;
use crate::cloudtrail::record::{self, Call, Who, resource};
use crate::json::{J, obj};

/// A bucket of the account that no other call names.
fn fresh_bucket(c: &Ctx) -> String {
    format!("import-{}-{}", c.n, c.env.buckets[0])
}

/// `PutObject`, `CopyObject` or `CreateMultipartUpload` by a pipeline role (principals 3
/// and 4 are the web-app and etl-job sessions, env.rs), encrypted as `applied` says.
pub(super) fn upload(c: &mut Ctx, name: &'static str, applied: &'static str) -> Call {
    let bucket = fresh_bucket(c);
    let host = format!("{bucket}.s3.{}.amazonaws.com", c.env.region);
    let key = format!(
        "incoming/{}/{}.csv.gz",
        c.n,
        record::token(&mut c.rng, record::HEX, 12)
    );
    let mut req = vec![
        ("bucketName", J::from(&bucket)),
        ("Host", J::from(host)),
        ("key", J::from(&key)),
    ];
    match name {
        "CopyObject" => req.push((
            "x-amz-copy-source",
            J::from(format!("{}/exports/{}.csv.gz", c.env.buckets[0], c.n)),
        )),
        "CreateMultipartUpload" => req.push(("uploads", J::from(""))),
        _ => {}
    }
    let kms = applied.contains("KMS");
    let mut resp = vec![];
    if applied == "SSE_C" {
        resp.push((
            "x-amz-server-side-encryption-customer-algorithm",
            J::from("AES256"),
        ));
    } else {
        resp.push((
            "x-amz-server-side-encryption",
            J::from(if kms { "aws:kms" } else { "AES256" }),
        ));
    }
    if kms {
        resp.push((
            "x-amz-server-side-encryption-aws-kms-key-id",
            J::from(c.env.key_arn(&c.env.keys[2])),
        ));
    }
    if name == "CreateMultipartUpload" {
        resp.push((
            "uploadId",
            J::from(record::token(&mut c.rng, record::ALNUM, 64)),
        ));
    }
    let bytes_in = if name == "PutObject" {
        1000 + c.rng.below(4_000_000) as i64
    } else {
        0
    };
    let extra = obj! {
        "SignatureVersion" => "SigV4",
        "CipherSuite" => "TLS_AES_128_GCM_SHA256",
        "bytesTransferredIn" => bytes_in,
        "SSEApplied" => applied,
        "AuthenticationMethod" => "AuthHeader",
        "x-amz-id-2" => record::token(&mut c.rng, record::ALNUM, 76),
        "bytesTransferredOut" => 0i64,
    };
    let resources = J::Arr(vec![
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
    ]);
    Call::new("s3.amazonaws.com", name, Who::Direct(3 + c.n % 2))
        .req(J::Obj(req))
        .resp(J::Obj(resp))
        .extra(extra)
        .resources(resources)
        .data()
}
