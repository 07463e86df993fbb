#!/usr/bin/env python3
"""Writes the CloudTrail log and the small export of samples/kms-incident.

Run it from anywhere (`python3 samples/kms-incident/make-logs.py`). Standard library only;
gzip with mtime 0 and fixed ids, so the bytes do not change from one run to the next.

The story (account 123456789012, us-east-1, November 2026):

  11-19  admin names the app key alias/app-data (CreateAlias); the key is in daily use: EBS
         decrypts the data key of vol-0a1b2c3d4e5f60718 for i-0123456789abcdef0, S3 makes
         data keys for objects the etl role writes to lab-reports under SSE-KMS; an idle key
         (alias/idle, named in the export only) is never used
  11-20 14:00  alice fails to disable the app key (AccessDenied: not a change), admin
         disables it, and disables the idle key (no use: no incident)
  14:05  EC2 cannot start the instance (CreateGrant and Decrypt: DisabledException); bob
         cannot read s3://lab-reports/q3.csv (Decrypt via S3: DisabledException)
  14:10  admin schedules the app key's deletion (7 days); a Decrypt fails with
         KMSInvalidStateException
  14:20  carol cancels the deletion and enables the key again; EC2 starts the instance
  14:30  the etl role writes 4 objects to lab-reports under the bucket default SSE-S3 and
         bob copies one with SSE_S3 (two summaries, not five findings); an upload under
         SSE-KMS and a refused PutObject do not count

Expected findings of the logs: event-kms-key-disabled ×2, event-kms-key-deletion-scheduled
×1, event-kms-key-disabled-in-use ×1 (4 calls refused until 14:20: 3 DisabledException, 1
KMSInvalidStateException), event-s3-uploads-without-sse-kms ×2. The export (export/) adds
the volume, so the incident names it as still encrypted with the key.
"""

import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "123456789012"
REGION = "us-east-1"
APP_KEY = "0b1f4a3e-5c6d-4e7f-8a9b-0c1d2e3f4a5b"
IDLE_KEY = "7d8e9f00-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
VOLUME = "vol-0a1b2c3d4e5f60718"
INSTANCE = "i-0123456789abcdef0"


def key_arn(key_id):
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"


def role(name, session):
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE{name.upper()}:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{session}",
        "accountId": ACCOUNT,
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                             "accountId": ACCOUNT, "userName": name}},
    }


def user(name):
    return {"type": "IAMUser", "principalId": f"AIDAEXAMPLE{name.upper()}",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT, "userName": name}


EC2_INFRA = dict(role("aws:ec2-infrastructure", INSTANCE), invokedBy="ec2.amazonaws.com")
COUNTER = [0]


def record(time, source, name, who, params=None, response=None, error=None, key=None,
           ip="198.51.100.7", extra=None, category="Management"):
    COUNTER[0] += 1
    n = COUNTER[0]
    r = {
        "eventVersion": "1.11",
        "userIdentity": who,
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": who.get("invokedBy", ip),
        "userAgent": who.get("invokedBy", "aws-cli/2.22.0"),
        "requestParameters": params,
        "responseElements": response,
    }
    if error:
        r["errorCode"] = error
        r["errorMessage"] = f"{error} (sample)"
    if extra:
        r.update(extra)
    r["requestID"] = f"00000000-0000-4000-8000-{n:012d}"
    r["eventID"] = f"e0000000-0000-4000-8000-{n:012d}"
    r["readOnly"] = name in ("Decrypt", "GetObject")
    if key:
        r["resources"] = [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": key_arn(key)}]
    r["eventType"] = "AwsApiCall"
    r["managementEvent"] = category == "Management"
    r["recipientAccountId"] = ACCOUNT
    r["eventCategory"] = category
    return r


def kms(time, name, who, key, error=None, params=None, response=None):
    p = {"keyId": key_arn(key)} if params is None else params
    return record(time, "kms.amazonaws.com", name, who, p, response, error, key)


def ebs_decrypt(time, error=None):
    return kms(time, "Decrypt", EC2_INFRA, APP_KEY, error,
               {"encryptionContext": {"aws:ebs:id": VOLUME}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"})


def s3_kms(time, name, who, obj, error=None):
    via = dict(who, invokedBy="s3.amazonaws.com")
    return kms(time, name, via, APP_KEY, error,
               {"encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::lab-reports/{obj}"},
                "keyId": "alias/app-data" if name != "Decrypt" else None} if name != "Decrypt" else
               {"encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::lab-reports/{obj}"},
                "encryptionAlgorithm": "SYMMETRIC_DEFAULT"})


def put(time, who, name, obj, applied, error=None):
    extra = {"additionalEventData": {"SSEApplied": applied, "bytesTransferredIn": 1024}} if applied else None
    params = {"bucketName": "lab-reports", "Host": "lab-reports.s3.us-east-1.amazonaws.com", "key": obj}
    return record(time, "s3.amazonaws.com", name, who, params, None, error, None,
                  extra=dict(extra or {}, resources=[{"type": "AWS::S3::Object",
                                                      "ARN": f"arn:aws:s3:::lab-reports/{obj}"}]),
                  category="Data")


ADMIN, ALICE, BOB, CAROL = user("admin"), user("alice"), user("bob"), user("carol")
ETL = role("etl", "nightly")

DAY_BEFORE = [
    kms("2026-11-19T07:00:00Z", "CreateAlias", ADMIN, APP_KEY,
        params={"aliasName": "alias/app-data", "targetKeyId": APP_KEY}),
] + [ebs_decrypt(f"2026-11-19T{h:02d}:00:00Z") for h in range(8, 20, 4)] + [
    s3_kms("2026-11-19T09:30:00Z", "GenerateDataKey", ETL, "q3.csv"),
    s3_kms("2026-11-19T12:00:00Z", "Decrypt", BOB, "q3.csv"),
    kms("2026-11-19T12:30:00Z", "DescribeKey", ALICE, IDLE_KEY),
]

INCIDENT = [
    kms("2026-11-20T14:00:05Z", "DisableKey", ALICE, APP_KEY, "AccessDeniedException", {"keyId": APP_KEY}),
    kms("2026-11-20T14:00:41Z", "DisableKey", ADMIN, APP_KEY, params={"keyId": APP_KEY}),
    kms("2026-11-20T14:01:10Z", "DisableKey", ADMIN, IDLE_KEY, params={"keyId": IDLE_KEY}),
    kms("2026-11-20T14:05:02Z", "CreateGrant", dict(ADMIN, invokedBy="ec2.amazonaws.com"), APP_KEY,
        "DisabledException", {"keyId": APP_KEY, "granteePrincipal": f"{ACCOUNT}:aws:ec2-infrastructure:{INSTANCE}",
                              "constraints": {"encryptionContextSubset": {"aws:ebs:id": VOLUME}}}),
    ebs_decrypt("2026-11-20T14:05:03Z", "DisabledException"),
    s3_kms("2026-11-20T14:06:00Z", "Decrypt", BOB, "q3.csv", "DisabledException"),
    kms("2026-11-20T14:10:00Z", "ScheduleKeyDeletion", ADMIN, APP_KEY, params={"keyId": APP_KEY, "pendingWindowInDays": 7},
        response={"keyId": key_arn(APP_KEY), "deletionDate": "Nov 27, 2026, 2:10:00 PM", "keyState": "PendingDeletion",
                  "pendingWindowInDays": 7}),
    ebs_decrypt("2026-11-20T14:12:00Z", "KMSInvalidStateException"),
    kms("2026-11-20T14:20:00Z", "CancelKeyDeletion", CAROL, APP_KEY, params={"keyId": APP_KEY},
        response={"keyId": key_arn(APP_KEY)}),
    kms("2026-11-20T14:20:30Z", "EnableKey", CAROL, APP_KEY, params={"keyId": APP_KEY}),
    ebs_decrypt("2026-11-20T14:21:00Z"),
]

UPLOADS = [put(f"2026-11-20T14:3{i}:00Z", ETL, "PutObject", f"daily/2026-11-20/part-{i}.csv", "Default_SSE_S3")
           for i in range(4)] + [
    put("2026-11-20T14:35:00Z", BOB, "CopyObject", "archive/q3.csv", "SSE_S3"),
    put("2026-11-20T14:36:00Z", ETL, "PutObject", "secure/q4.csv", "SSE_KMS"),
    put("2026-11-20T14:37:00Z", BOB, "PutObject", "denied.csv", None, "AccessDenied"),
]

FILES = [
    ("2026/11/19", "20261119T2000Z_Ab12Cd34Ef56Gh78", DAY_BEFORE),
    ("2026/11/20", "20261120T1415Z_Ij90Kl12Mn34Op56", INCIDENT[:8]),
    ("2026/11/20", "20261120T1440Z_Qr78St90Uv12Wx34", INCIDENT[8:] + UPLOADS),
]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    base = os.path.join(HERE, "AWSLogs", ACCOUNT, "CloudTrail", REGION)
    for day, stamp, records in FILES:
        path = os.path.join(base, day, f"{ACCOUNT}_CloudTrail_{REGION}_{stamp}.json.gz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = json.dumps({"Records": records}, separators=(",", ":")).encode()
        with open(path, "wb") as f:
            f.write(gzip.compress(data, mtime=0))
    export = os.path.join(HERE, "export", ACCOUNT, REGION)
    write(os.path.join(export, "kms", "list-keys.json"), json.dumps({"Keys": [
        {"KeyId": k, "KeyArn": key_arn(k)} for k in (APP_KEY, IDLE_KEY)]}, indent=4) + "\n")
    write(os.path.join(export, "kms", "list-aliases.json"), json.dumps({"Aliases": [
        {"AliasName": "alias/app-data", "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app-data",
         "TargetKeyId": APP_KEY},
        {"AliasName": "alias/idle", "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/idle",
         "TargetKeyId": IDLE_KEY}]}, indent=4) + "\n")
    write(os.path.join(export, "ec2", "describe-volumes.json"), json.dumps({"Volumes": [{
        "VolumeId": VOLUME, "Size": 100, "VolumeType": "gp3", "State": "in-use",
        "AvailabilityZone": "us-east-1a", "CreateTime": "2026-10-01T09:00:00+00:00",
        "Encrypted": True, "KmsKeyId": key_arn(APP_KEY),
        "Attachments": [{"VolumeId": VOLUME, "InstanceId": INSTANCE, "Device": "/dev/sdf",
                         "State": "attached", "DeleteOnTermination": False,
                         "AttachTime": "2026-10-01T09:01:00+00:00"}]}]}, indent=4) + "\n")


if __name__ == "__main__":
    main()
