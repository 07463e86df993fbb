#!/usr/bin/env python3
"""Writes the CloudTrail log of the lab: samples/lab/AWSLogs/123456789012/CloudTrail/us-east-1/...

Run it from anywhere (`python3 samples/lab/make-cloudtrail.py`). Standard library only. The
files are in CloudTrail's delivery format, `{"Records":[...]}` as compact JSON, gzip-compressed
with mtime 0 so that the bytes do not change from one run to the next.

The story (2026-11-20, UTC), by the student's session of the lab role voclabs, mostly through
the console, and by the services acting for it:

  14:00  the student starts LabInstance; EC2 creates a KMS grant for the root volume
         (alias/lab-volume-key) and the instance's EC2 infrastructure role decrypts its data key
  14:00  uploads clock.png to imagebucket: S3 calls GenerateDataKey under alias/MyKMSKey for the
         student; opens it: S3 calls Decrypt
  14:01  deletes the public-access block of lab-public-assets, grants AllUsers READ in its ACL
         and in the ACL of img/logo.png (public-read)
  14:02  an anonymous browser fetches img/logo.png (SSE-KMS) from it: InvalidArgument, SSE-KMS
         needs SigV4; the student deletes the bucket's default encryption (back to SSE-S3)
  14:02  lab-shared-data: turns the public-policy blocks off, puts a "Principal": "*" policy
  14:03  disables rotation of alias/app-data-key; disables alias/lab-volume-key
  14:04  stops and restarts LabInstance: EC2's CreateGrant fails with DisabledException and the
         instance falls back to stopped
  14:05  a CLI Decrypt under the disabled key fails too; the student enables the key again,
         starts the instance (grant and Decrypt succeed), schedules alias/old-backup-key for
         deletion (7 days), turns EBS encryption by default off and disables lab-volume-key again
  14:06  tries to let the other account decrypt with alias/app-data-key: KMS refuses the new
         key policy (it would lock the student's role out); makes the unencrypted data snapshot
         public; the same for the root volume's snapshot (under lab-volume-key) is refused, as
         EC2 refuses for every encrypted snapshot
  14:07  removes the trail's S3 data events (PutEventSelectors) and stops logging
  14:09  starts logging again (nothing between 14:07:48 and 14:09:36 was recorded)

Records added after the first version of the story are made at the end of story() and sorted
into place, so that the random ids of the others stay as they were.

Left out to keep the log short: the grants and Decrypt calls for the aws/ebs volume at each
start, the RetireGrant calls when the instance stops, and read-only console traffic.
"""

import gzip
import json
import os
import random
import sys
import uuid

sys.dont_write_bytecode = True  # keep samples/lab free of __pycache__
import lab_ids as L  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_DIR = os.path.join(HERE, "AWSLogs", L.ACCOUNT, "CloudTrail", L.REGION, "2026", "11", "20")
FILES = {  # delivery file (its 5-minute window ends at the time in the name) -> suffix
    "20261120T1405Z": "GefHkzgehUzvpVvh",
    "20261120T1410Z": "n7HSXmFoErOao3dZ",
}

RNG = random.Random("atrest lab cloudtrail")

# ---------------------------------------------------------------------------------------------
# Who made the calls

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/154.0.0.0 Safari/537.36")
SAFARI = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/19.1 Safari/605.1.15")
S3_CONSOLE = ("[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.792 Linux/5.10.240-238.955.amzn2int.x86_64 "
              "OpenJDK_64-Bit_Server_VM/25.462-b08 java/1.8.0_462 vendor/Oracle_Corporation cfg/retry-mode/standard]")


def cli(command):
    return ("aws-cli/2.31.39 md/awscrt#0.29.0 ua/2.1 os/linux#6.1.158-178.288.amzn2023.x86_64 "
            "md/arch#x86_64 lang/python#3.13.9 md/pyimpl#CPython m/b,Z,E cfg/retry-mode#standard "
            f"md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#{command}")


# Console sessions get fresh temporary keys now and then; the CLI uses the keys from the lab page.
CONSOLE_KEY_1 = "ASIARZ5GXN5KFQ3TMW6D"
CONSOLE_KEY_2 = "ASIARZ5GXN5KNB4HYQ7C"
CLI_KEY = "ASIARZ5GXN5KD7WLE2XU"


def student(access_key, invoked_by=None):
    identity = {
        "type": "AssumedRole",
        "principalId": L.SESSION_PRINCIPAL_ID,
        "arn": L.SESSION_ARN,
        "accountId": L.ACCOUNT,
        "accessKeyId": access_key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": L.ROLE_ID,
                "arn": L.ROLE_ARN,
                "accountId": L.ACCOUNT,
                "userName": L.ROLE_NAME,
            },
            "attributes": {"creationDate": L.SESSION_CREATED, "mfaAuthenticated": "false"},
        },
    }
    if invoked_by:
        identity["invokedBy"] = invoked_by
    return identity


def ec2_infrastructure(created):
    """The role session EC2 uses for an instance's volumes (the grantee of EBS grants)."""
    return {
        "type": "AssumedRole",
        "principalId": f"{L.ACCOUNT}:aws:ec2-infrastructure:{L.INSTANCE}",
        "arn": L.EC2_INFRA_SESSION_ARN,
        "accountId": L.ACCOUNT,
        "accessKeyId": "ASIARZ5GXN5KOYV3GD2A",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": f"{L.ACCOUNT}:aws:ec2-infrastructure",
                "arn": f"arn:aws:iam::{L.ACCOUNT}:role/aws:ec2-infrastructure",
                "accountId": L.ACCOUNT,
                "userName": "aws:ec2-infrastructure",
            },
            "attributes": {"creationDate": created, "mfaAuthenticated": "false"},
        },
        "invokedBy": "AWS Internal",
        "inScopeOf": {
            "issuerType": "AWS::EC2::Instance",
            "credentialsIssuedTo": f"arn:aws:ec2:{L.REGION}:{L.ACCOUNT}:instance/{L.INSTANCE}",
        },
    }


ANONYMOUS = {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"}

# ---------------------------------------------------------------------------------------------
# Record helpers

ORDER = [
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
    "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources",
    "eventType", "managementEvent", "recipientAccountId", "sharedEventID", "vpcEndpointId",
    "vpcEndpointAccountId", "eventCategory", "tlsDetails", "sessionCredentialFromConsole",
]


def uuid4():
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


def service_event_id(name):
    """Events that AWS writes for a service acting on someone's behalf carry version-3 UUIDs."""
    return str(uuid.uuid3(uuid.NAMESPACE_URL, f"https://atrest.invalid/lab/{name}"))


def hex64():
    return "".join(RNG.choice("0123456789abcdef") for _ in range(64))


def s3_request_id():
    return "".join(RNG.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(16))


def amz_id_2():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(RNG.choice(alphabet) for _ in range(75)) + "="


def tls(host, key_exchange=None):
    details = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": host}
    if key_exchange:
        details["cipherSuite"] = "TLS_AES_256_GCM_SHA384"
        details["keyExchange"] = key_exchange
    return details


def record(**fields):
    fields.setdefault("awsRegion", L.REGION)
    fields.setdefault("eventType", "AwsApiCall")
    fields.setdefault("recipientAccountId", L.ACCOUNT)
    fields.setdefault("eventID", uuid4())
    unknown = set(fields) - set(ORDER)
    assert not unknown, unknown
    return {k: fields[k] for k in ORDER if k in fields}


def kms_key(key_id):
    return [{"accountId": L.ACCOUNT, "type": "AWS::KMS::Key", "ARN": L.key_arn(key_id)}]


def s3_bucket(bucket):
    return [{"accountId": L.ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}]


def s3_object(bucket, key):
    return [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"}] + s3_bucket(bucket)


def host(bucket):
    return f"{bucket}.s3.{L.REGION}.amazonaws.com"


def s3_extra(bytes_in=0, bytes_out=0, auth="AuthHeader", sse=None):
    data = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": bytes_in}
    if sse:
        data["SSEApplied"] = sse
    data.update({"AuthenticationMethod": auth, "x-amz-id-2": amz_id_2(), "bytesTransferredOut": bytes_out})
    return data


def console_kms(time, name, key_id, access_key=CONSOLE_KEY_1, request=None, response=None):
    """A KMS call made from the KMS console."""
    return record(
        eventVersion="1.11", userIdentity=student(access_key), eventTime=time,
        eventSource="kms.amazonaws.com", eventName=name, sourceIPAddress=L.STUDENT_IP,
        userAgent=CHROME, requestParameters=request or {"keyId": key_id}, responseElements=response,
        requestID=uuid4(), readOnly=False, resources=kms_key(key_id), managementEvent=True,
        eventCategory="Management",
        tlsDetails=tls(f"kms.{L.REGION}.amazonaws.com", key_exchange="X25519MLKEM768"),
        sessionCredentialFromConsole="true",
    )


def console_s3(time, name, bucket, request, access_key=CONSOLE_KEY_1):
    """A bucket-level S3 management call made from the S3 console."""
    return record(
        eventVersion="1.11", userIdentity=student(access_key), eventTime=time,
        eventSource="s3.amazonaws.com", eventName=name, sourceIPAddress=L.STUDENT_IP,
        userAgent=S3_CONSOLE, requestParameters={"bucketName": bucket, "Host": host(bucket), **request},
        responseElements=None, additionalEventData=s3_extra(), requestID=s3_request_id(),
        readOnly=False, resources=s3_bucket(bucket), managementEvent=True,
        eventCategory="Management", tlsDetails=tls(host(bucket)), sessionCredentialFromConsole="true",
    )


def ec2_instances(time, name, request, previous, current, access_key=CONSOLE_KEY_1):
    """StartInstances / StopInstances from the EC2 console."""
    request_id = uuid4()
    return record(
        eventVersion="1.11", userIdentity=student(access_key), eventTime=time,
        eventSource="ec2.amazonaws.com", eventName=name, sourceIPAddress=L.STUDENT_IP, userAgent=CHROME,
        requestParameters=request,
        responseElements={"requestId": request_id, "instancesSet": {"items": [{
            "instanceId": L.INSTANCE, "currentState": current, "previousState": previous}]}},
        requestID=request_id, readOnly=False, managementEvent=True, eventCategory="Management",
        tlsDetails=tls(f"ec2.{L.REGION}.amazonaws.com"), sessionCredentialFromConsole="true",
    )


def ebs_create_grant(time, name, key_id, volume, access_key, grant_id=None, error=None):
    """The grant EC2 creates, for the student, so that the instance can decrypt a volume's data key."""
    rec = dict(
        eventVersion="1.11", userIdentity=student(access_key, invoked_by="ec2-frontend-api.amazonaws.com"),
        eventTime=time, eventSource="kms.amazonaws.com", eventName="CreateGrant",
        sourceIPAddress="ec2-frontend-api.amazonaws.com", userAgent="ec2-frontend-api.amazonaws.com",
        requestParameters={
            "constraints": {"encryptionContextSubset": {"aws:ebs:id": volume}},
            "retiringPrincipal": f"ec2.{L.REGION}.amazonaws.com",
            "operations": ["Decrypt"],
            "keyId": L.key_arn(key_id),
            "granteePrincipal": L.EC2_INFRA_SESSION_ARN,
        },
        responseElements={"grantId": grant_id, "keyId": L.key_arn(key_id)} if grant_id else None,
        requestID=uuid4(), eventID=service_event_id(name), readOnly=False, resources=kms_key(key_id),
        managementEvent=True, sharedEventID=uuid4(), vpcEndpointId="AWS Internal",
        vpcEndpointAccountId="AWS Internal", eventCategory="Management", sessionCredentialFromConsole="true",
    )
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    return record(**rec)


def ebs_decrypt(time, key_id, volume, request_id):
    """The instance's EC2 infrastructure session decrypts the volume's data key."""
    return record(
        eventVersion="1.11", userIdentity=ec2_infrastructure(time), eventTime=time,
        eventSource="kms.amazonaws.com", eventName="Decrypt", sourceIPAddress="AWS Internal",
        userAgent="AWS Internal",
        requestParameters={"encryptionContext": {"aws:ebs:id": volume}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
        responseElements=None, additionalEventData={"keyMaterialId": L.KEY_MATERIAL[key_id]},
        requestID=request_id, readOnly=True, resources=kms_key(key_id), managementEvent=True,
        eventCategory="Management",
    )


def s3_kms(time, name, key_id, bucket, key, request, event_name):
    """A KMS call S3 makes for the student to encrypt or decrypt an SSE-KMS object."""
    return record(
        eventVersion="1.11", userIdentity=student(CONSOLE_KEY_1, invoked_by="s3.amazonaws.com"),
        eventTime=time, eventSource="kms.amazonaws.com", eventName=name,
        sourceIPAddress="s3.amazonaws.com", userAgent="s3.amazonaws.com",
        requestParameters={"encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::{bucket}/{key}"}, **request},
        responseElements=None, additionalEventData={"keyMaterialId": L.KEY_MATERIAL[key_id]},
        requestID=uuid4(), eventID=service_event_id(event_name), readOnly=True, resources=kms_key(key_id),
        managementEvent=True, sharedEventID=uuid4(), vpcEndpointId="AWS Internal",
        vpcEndpointAccountId="AWS Internal", eventCategory="Management", sessionCredentialFromConsole="true",
    )


def trail_cli(time, name, request, response=None):
    """A CloudTrail call from the AWS CLI (lab terminal)."""
    return record(
        eventVersion="1.11", userIdentity=student(CLI_KEY), eventTime=time,
        eventSource="cloudtrail.amazonaws.com", eventName=name, sourceIPAddress=L.STUDENT_IP,
        userAgent=cli("cloudtrail." + {"PutEventSelectors": "put-event-selectors",
                                       "StopLogging": "stop-logging", "StartLogging": "start-logging"}[name]),
        requestParameters=request, responseElements=response, requestID=uuid4(), readOnly=False,
        managementEvent=True, eventCategory="Management", tlsDetails=tls(f"cloudtrail.{L.REGION}.amazonaws.com"),
    )


# ---------------------------------------------------------------------------------------------
# The story

RUNNING = {"code": 16, "name": "running"}
STOPPED = {"code": 80, "name": "stopped"}
PENDING = {"code": 0, "name": "pending"}
STOPPING = {"code": 64, "name": "stopping"}
INSTANCES = {"instancesSet": {"items": [{"instanceId": L.INSTANCE}]}}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
DISABLED = ("DisabledException", f"{L.key_arn(L.KEY_VOLUME)} is disabled.")


def story():
    events = []
    add = events.append

    # 14:00 the instance starts: EBS grant for the root volume, then the instance decrypts its key.
    add(ec2_instances("2026-11-20T14:00:08Z", "StartInstances", INSTANCES, STOPPED, PENDING))
    first_grant = ebs_create_grant("2026-11-20T14:00:09Z", "grant-start-1", L.KEY_VOLUME, L.VOL_ROOT,
                                   CONSOLE_KEY_1,
                                   grant_id=hex64())  # retired when the instance stopped at 14:04
    add(first_grant)
    add(ebs_decrypt("2026-11-20T14:00:10Z", L.KEY_VOLUME, L.VOL_ROOT, first_grant["requestID"]))

    # 14:00 upload and open clock.png in imagebucket (SSE-KMS, MyKMSKey, no Bucket Key).
    add(record(
        eventVersion="1.09", userIdentity=student(CONSOLE_KEY_1), eventTime="2026-11-20T14:00:47Z",
        eventSource="s3.amazonaws.com", eventName="PutObject", sourceIPAddress=L.STUDENT_IP,
        userAgent=S3_CONSOLE,
        requestParameters={"bucketName": L.IMAGE_BUCKET, "Host": host(L.IMAGE_BUCKET), "key": L.IMAGE_OBJECT},
        responseElements={
            "x-amz-server-side-encryption-aws-kms-key-id": L.key_arn(L.KEY_MY),
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-version-id": "Xq4V9m0c2T1rJd8sPwLk6fYhN3bZ7aUe",
        },
        additionalEventData=s3_extra(bytes_in=24873, sse="Default_SSE_KMS"), requestID=s3_request_id(),
        readOnly=False, resources=s3_object(L.IMAGE_BUCKET, L.IMAGE_OBJECT), managementEvent=False,
        eventCategory="Data", tlsDetails=tls(host(L.IMAGE_BUCKET)), sessionCredentialFromConsole="true",
    ))
    add(s3_kms("2026-11-20T14:00:47Z", "GenerateDataKey", L.KEY_MY, L.IMAGE_BUCKET, L.IMAGE_OBJECT,
               {"keyId": L.key_arn(L.KEY_MY), "keySpec": "AES_256"}, "s3-generate-data-key"))
    add(record(
        eventVersion="1.09", userIdentity=student(CONSOLE_KEY_1), eventTime="2026-11-20T14:01:03Z",
        eventSource="s3.amazonaws.com", eventName="GetObject", sourceIPAddress=L.STUDENT_IP,
        userAgent=f"[{CHROME}]",
        requestParameters={"X-Amz-Date": "20261120T140102Z", "bucketName": L.IMAGE_BUCKET,
                           "X-Amz-Algorithm": "AWS4-HMAC-SHA256", "response-content-disposition": "inline",
                           "X-Amz-SignedHeaders": "host", "Host": host(L.IMAGE_BUCKET), "X-Amz-Expires": "300",
                           "key": L.IMAGE_OBJECT},
        responseElements=None, additionalEventData=s3_extra(bytes_out=24873, auth="QueryString"),
        requestID=s3_request_id(), readOnly=True, resources=s3_object(L.IMAGE_BUCKET, L.IMAGE_OBJECT),
        managementEvent=False, eventCategory="Data", tlsDetails=tls(host(L.IMAGE_BUCKET)),
        sessionCredentialFromConsole="true",
    ))
    add(s3_kms("2026-11-20T14:01:03Z", "Decrypt", L.KEY_MY, L.IMAGE_BUCKET, L.IMAGE_OBJECT,
               {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, "s3-decrypt"))

    # 14:01 lab-public-assets goes public through its ACL.
    add(console_s3("2026-11-20T14:01:29Z", "DeleteBucketPublicAccessBlock", L.PUBLIC_BUCKET, {"publicAccessBlock": ""}))
    add(console_s3("2026-11-20T14:01:51Z", "PutBucketAcl", L.PUBLIC_BUCKET, {
        "AccessControlPolicy": {
            "AccessControlList": {"Grant": [
                {"Grantee": {"xsi:type": "CanonicalUser", "xmlns:xsi": XSI, "ID": L.CANONICAL_ID},
                 "Permission": "FULL_CONTROL"},
                {"Grantee": {"xsi:type": "Group", "xmlns:xsi": XSI, "URI": ALL_USERS}, "Permission": "READ"},
            ]},
            "xmlns": S3_XMLNS,
            "Owner": {"ID": L.CANONICAL_ID},
        },
        "acl": "",
    }))

    # 14:02 an anonymous reader fetches an SSE-KMS object: S3 refuses unsigned requests for it.
    add(record(
        eventVersion="1.09", userIdentity=ANONYMOUS, eventTime="2026-11-20T14:02:14Z",
        eventSource="s3.amazonaws.com", eventName="GetObject", sourceIPAddress=L.ANONYMOUS_IP,
        userAgent=f"[{SAFARI}]", errorCode="InvalidArgument",
        errorMessage="Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.",
        requestParameters={"bucketName": L.PUBLIC_BUCKET, "Host": host(L.PUBLIC_BUCKET), "key": L.PUBLIC_OBJECT},
        responseElements=None,
        additionalEventData={"CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
                             "x-amz-id-2": amz_id_2(), "bytesTransferredOut": 397},
        requestID=s3_request_id(), readOnly=True, resources=s3_object(L.PUBLIC_BUCKET, L.PUBLIC_OBJECT),
        managementEvent=False, sharedEventID=uuid4(), eventCategory="Data", tlsDetails=tls(host(L.PUBLIC_BUCKET)),
    ))
    add(console_s3("2026-11-20T14:02:37Z", "DeleteBucketEncryption", L.PUBLIC_BUCKET, {"encryption": ""}))

    # 14:02 lab-shared-data gets a public bucket policy.
    add(console_s3("2026-11-20T14:02:58Z", "PutBucketPublicAccessBlock", L.SHARED_BUCKET, {
        "publicAccessBlock": "",
        "PublicAccessBlockConfiguration": {"xmlns": S3_XMLNS, "RestrictPublicBuckets": False,
                                           "BlockPublicPolicy": False, "BlockPublicAcls": True,
                                           "IgnorePublicAcls": True},
    }))
    add(console_s3("2026-11-20T14:03:12Z", "PutBucketPolicy", L.SHARED_BUCKET, {
        "bucketPolicy": {"Version": "2012-10-17", "Statement": [{
            "Sid": "PublicReadGetObject", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{L.SHARED_BUCKET}/*"}]},
        "policy": "",
    }))

    # 14:03 key changes from the KMS console.
    add(console_kms("2026-11-20T14:03:31Z", "DisableKeyRotation", L.KEY_APP))
    add(console_kms("2026-11-20T14:03:49Z", "DisableKey", L.KEY_VOLUME,
                    response={"keyId": L.key_arn(L.KEY_VOLUME)}))

    # 14:04 restart: the new grant for the root volume is refused, the instance stops again.
    add(ec2_instances("2026-11-20T14:04:05Z", "StopInstances", {**INSTANCES, "force": False}, RUNNING, STOPPING))
    add(ec2_instances("2026-11-20T14:04:41Z", "StartInstances", INSTANCES, STOPPED, PENDING))
    add(ebs_create_grant("2026-11-20T14:04:42Z", "grant-start-2", L.KEY_VOLUME, L.VOL_ROOT, CONSOLE_KEY_1,
                         error=DISABLED))

    # 14:05 (second log file) a CLI Decrypt under the disabled key.
    add(record(
        eventVersion="1.11", userIdentity=student(CLI_KEY), eventTime="2026-11-20T14:05:06Z",
        eventSource="kms.amazonaws.com", eventName="Decrypt", sourceIPAddress=L.STUDENT_IP,
        userAgent=cli("kms.decrypt"), errorCode=DISABLED[0], errorMessage=DISABLED[1],
        requestParameters={"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, responseElements=None,
        requestID=uuid4(), readOnly=True, resources=kms_key(L.KEY_VOLUME), managementEvent=True,
        eventCategory="Management", tlsDetails=tls(f"kms.{L.REGION}.amazonaws.com", key_exchange="X25519MLKEM768"),
    ))

    # 14:05 enable the key, start the instance (these are the grants list-grants shows).
    add(console_kms("2026-11-20T14:05:38Z", "EnableKey", L.KEY_VOLUME, access_key=CONSOLE_KEY_2,
                    response={"keyId": L.key_arn(L.KEY_VOLUME)}))
    add(ec2_instances("2026-11-20T14:05:52Z", "StartInstances", INSTANCES, STOPPED, PENDING, CONSOLE_KEY_2))
    grant = ebs_create_grant("2026-11-20T14:05:53Z", "grant-start-3", L.KEY_VOLUME, L.VOL_ROOT, CONSOLE_KEY_2,
                             grant_id=L.GRANT_VOLUME)
    add(grant)
    add(ebs_decrypt("2026-11-20T14:05:54Z", L.KEY_VOLUME, L.VOL_ROOT, grant["requestID"]))

    # 14:06 clean-up that leaves the account worse off.
    add(console_kms("2026-11-20T14:06:20Z", "ScheduleKeyDeletion", L.KEY_BACKUP, access_key=CONSOLE_KEY_2,
                    request={"keyId": L.KEY_BACKUP, "pendingWindowInDays": 7},
                    response={"keyId": L.key_arn(L.KEY_BACKUP), "deletionDate": "Nov 27, 2026, 2:06:20 PM",
                              "keyState": "PendingDeletion", "pendingWindowInDays": 7}))
    request_id = uuid4()
    add(record(
        eventVersion="1.11", userIdentity=student(CONSOLE_KEY_2), eventTime="2026-11-20T14:06:44Z",
        eventSource="ec2.amazonaws.com", eventName="DisableEbsEncryptionByDefault",
        sourceIPAddress=L.STUDENT_IP, userAgent=CHROME,
        requestParameters={"DisableEbsEncryptionByDefaultRequest": ""},
        responseElements={"DisableEbsEncryptionByDefaultResponse": {
            "xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": request_id,
            "ebsEncryptionByDefault": False}},
        requestID=request_id, readOnly=False, managementEvent=True, eventCategory="Management",
        tlsDetails=tls(f"ec2.{L.REGION}.amazonaws.com"), sessionCredentialFromConsole="true",
    ))
    add(console_kms("2026-11-20T14:07:09Z", "DisableKey", L.KEY_VOLUME, access_key=CONSOLE_KEY_2,
                    response={"keyId": L.key_arn(L.KEY_VOLUME)}))

    # 14:07 the trail: S3 data events dropped, logging stopped, then started again.
    selectors = [{"readWriteType": "All", "includeManagementEvents": True, "dataResources": [],
                  "excludeManagementEventSources": []}]
    add(trail_cli("2026-11-20T14:07:31Z", "PutEventSelectors",
                  {"trailName": L.TRAIL_NAME, "eventSelectors": selectors},
                  {"trailARN": L.TRAIL_ARN, "eventSelectors": selectors}))
    add(trail_cli("2026-11-20T14:07:48Z", "StopLogging", {"name": L.TRAIL_NAME}))
    add(trail_cli("2026-11-20T14:09:36Z", "StartLogging", {"name": L.TRAIL_NAME}))

    # Added later (see the module's doc): the object ACL, the refused key policy and the two
    # snapshot shares.
    add(record(
        eventVersion="1.09", userIdentity=student(CONSOLE_KEY_1), eventTime="2026-11-20T14:01:58Z",
        eventSource="s3.amazonaws.com", eventName="PutObjectAcl", sourceIPAddress=L.STUDENT_IP,
        userAgent=S3_CONSOLE,
        requestParameters={"bucketName": L.PUBLIC_BUCKET, "Host": host(L.PUBLIC_BUCKET), "acl": "",
                           "x-amz-acl": ["public-read"], "key": L.PUBLIC_OBJECT},
        responseElements=None, additionalEventData=s3_extra(), requestID=s3_request_id(),
        readOnly=False, resources=s3_object(L.PUBLIC_BUCKET, L.PUBLIC_OBJECT), managementEvent=False,
        eventCategory="Data", tlsDetails=tls(host(L.PUBLIC_BUCKET)), sessionCredentialFromConsole="true",
    ))
    add(record(
        eventVersion="1.11", userIdentity=student(CONSOLE_KEY_2), eventTime="2026-11-20T14:06:31Z",
        eventSource="kms.amazonaws.com", eventName="PutKeyPolicy", sourceIPAddress=L.STUDENT_IP,
        userAgent=CHROME, errorCode="MalformedPolicyDocumentException",
        errorMessage="The new key policy will not allow you to update the key policy in the future.",
        requestParameters={"keyId": L.KEY_APP, "policyName": "default", "bypassPolicyLockoutSafetyCheck": False,
                           "policy": json.dumps({"Version": "2012-10-17", "Statement": [
                               {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                                "Principal": {"AWS": L.ROOT_ARN}, "Action": "kms:Describe*", "Resource": "*"},
                               {"Sid": "Let the other account decrypt", "Effect": "Allow",
                                "Principal": {"AWS": f"arn:aws:iam::{L.OTHER_ACCOUNT}:root"},
                                "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}]})},
        responseElements=None, requestID=uuid4(), readOnly=False, resources=kms_key(L.KEY_APP),
        managementEvent=True, eventCategory="Management",
        tlsDetails=tls(f"kms.{L.REGION}.amazonaws.com", key_exchange="X25519MLKEM768"),
        sessionCredentialFromConsole="true",
    ))
    add(ec2_share_snapshot("2026-11-20T14:06:52Z", L.SNAP_DATA))
    add(ec2_share_snapshot("2026-11-20T14:06:58Z", L.SNAP_ROOT, error=(
        "Client.InvalidParameterValue", "Encrypted snapshots cannot be shared publicly.")))
    events.sort(key=lambda e: e["eventTime"])
    return events


def ec2_share_snapshot(time, snapshot_id, error=None):
    """ModifySnapshotAttribute from the EC2 console: create-volume permission for everyone."""
    request_id = uuid4()
    rec = dict(
        eventVersion="1.11", userIdentity=student(CONSOLE_KEY_2), eventTime=time,
        eventSource="ec2.amazonaws.com", eventName="ModifySnapshotAttribute",
        sourceIPAddress=L.STUDENT_IP, userAgent=CHROME,
        requestParameters={"snapshotId": snapshot_id, "attributeType": "CREATE_VOLUME_PERMISSION",
                           "createVolumePermission": {"add": {"items": [{"group": "all"}]}}},
        responseElements=None if error else {"requestId": request_id, "_return": True},
        requestID=request_id, readOnly=False, managementEvent=True, eventCategory="Management",
        tlsDetails=tls(f"ec2.{L.REGION}.amazonaws.com"), sessionCredentialFromConsole="true",
    )
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    return record(**rec)


def main():
    events = story()
    ids = [e["eventID"] for e in events]
    assert len(ids) == len(set(ids)), "eventIDs must be unique"
    assert [e["eventTime"] for e in events] == sorted(e["eventTime"] for e in events)
    os.makedirs(LOG_DIR, exist_ok=True)
    for stamp, suffix in FILES.items():
        end = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:00Z"
        start_minute = int(stamp[11:13]) - 5
        start = f"{end[:14]}{start_minute:02d}:00Z"
        records = [e for e in events if start <= e["eventTime"] < end]
        body = json.dumps({"Records": records}, separators=(",", ":"), ensure_ascii=False).encode()
        name = f"{L.ACCOUNT}_CloudTrail_{L.REGION}_{stamp}_{suffix}.json.gz"
        with open(os.path.join(LOG_DIR, name), "wb") as f:
            f.write(gzip.compress(body, compresslevel=9, mtime=0))
        print(f"{name}: {len(records)} records")
    assert sum(1 for e in events if "2026-11-20T14:00:00Z" <= e["eventTime"] < "2026-11-20T14:10:00Z") == len(events)
    for e in events:
        print(f'  {e["eventTime"]}  {e["eventName"]:<30} {e["eventID"]}'
              + (f'  {e["errorCode"]}' if "errorCode" in e else ""))


if __name__ == "__main__":
    main()
