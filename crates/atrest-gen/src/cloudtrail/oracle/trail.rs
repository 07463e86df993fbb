//! Plants of the CloudTrail rules: trails stopped, deleted or weakened.

use super::Ctx;
use crate::cloudtrail::record::{Call, resource};
use crate::json::{J, obj};

pub(super) fn trail_call(c: &mut Ctx, name: &'static str) -> Call {
    let who = c.admin();
    let trail = format!(
        "arn:aws:cloudtrail:{}:{}:trail/management-events",
        c.env.region, c.env.account
    );
    let req = if name == "DeleteTrail" {
        obj! { "name" => trail.clone() }
    } else {
        obj! { "name" => "management-events" }
    };
    Call::new("cloudtrail.amazonaws.com", name, who)
        .req(req)
        .resources(J::Arr(vec![resource(
            Some(&c.env.account),
            "AWS::CloudTrail::Trail",
            trail,
        )]))
        .writes()
}
