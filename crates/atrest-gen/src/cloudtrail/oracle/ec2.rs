//! Plants of the EC2 rules: EBS encryption by default, snapshots and images shared.

use super::Ctx;
use crate::cloudtrail::record::{self, Call};
use crate::json::obj;

pub(super) fn ebs_default(c: &mut Ctx, name: &'static str, on: bool) -> Call {
    let who = c.admin();
    let request = record::uuid(&mut c.rng);
    let (req, resp) = if on {
        (
            obj! { "EnableEbsEncryptionByDefaultRequest" => "" },
            obj! { "EnableEbsEncryptionByDefaultResponse" => obj! {
                "xmlns" => "http://ec2.amazonaws.com/doc/2016-11-15/",
                "requestId" => request,
                "ebsEncryptionByDefault" => true,
            } },
        )
    } else {
        (
            obj! { "DisableEbsEncryptionByDefaultRequest" => "" },
            obj! { "DisableEbsEncryptionByDefaultResponse" => obj! {
                "xmlns" => "http://ec2.amazonaws.com/doc/2016-11-15/",
                "requestId" => request,
                "ebsEncryptionByDefault" => false,
            } },
        )
    };
    Call::new("ec2.amazonaws.com", name, who)
        .req(req)
        .resp(resp)
        .writes()
}
