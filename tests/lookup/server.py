"""A stand-in for CloudTrail's LookupEvents API (moto's answers HTTP 500): serves the records
of a JSON-lines file, newest first, for the region a request is signed for, between its
StartTime and EndTime, filtered by its one lookup attribute, in pages of MaxResults with a
NextToken. The first request of each region is answered ThrottlingException, as CloudTrail
answers more than two requests a second. Each request is logged to stdout as
`STATUS REGION SECONDS TOKEN`. tests/lookup_server.rs drives it.

usage: server.py RECORDS.jsonl  (prints the port it listens on, then serves)
"""

import http.server
import json
import sys
import threading
import time
from datetime import datetime

RECORDS = []
with open(sys.argv[1]) as f:
    for line in f:
        if line.strip():
            record = json.loads(line)
            when = datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00"))
            RECORDS.append((when.timestamp(), record))
RECORDS.sort(key=lambda r: (-r[0], r[1]["eventID"]))
ATTRIBUTES = {"EventName": "eventName", "EventSource": "eventSource", "EventId": "eventID"}
lock = threading.Lock()
throttled = set()


class LookupEvents(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        auth = self.headers.get("Authorization", "")
        region = auth.split("Credential=")[1].split("/")[2] if "Credential=" in auth else "?"
        target = self.headers.get("X-Amz-Target", "")
        if not target.endswith(".LookupEvents"):
            return self.answer(400, region, {"__type": "UnknownOperationException"})
        with lock:
            first = region not in throttled
            throttled.add(region)
        if first:
            return self.answer(400, region, {"__type": "ThrottlingException",
                                             "message": "Rate exceeded"})
        start = body.get("StartTime", float("-inf"))
        end = body.get("EndTime", float("inf"))
        wanted = [(ATTRIBUTES[a["AttributeKey"]], a["AttributeValue"])
                  for a in body.get("LookupAttributes", [])]
        matches = [
            (t, r) for t, r in RECORDS
            if r.get("awsRegion") == region and start <= t <= end
            and all(r.get(field) == value for field, value in wanted)
        ]
        offset = int(body.get("NextToken") or 0)
        size = min(int(body.get("MaxResults") or 50), 50)
        page = matches[offset:offset + size]
        out = {"Events": [{
            "EventId": r["eventID"],
            "EventName": r["eventName"],
            "EventSource": r["eventSource"],
            "EventTime": t,
            "ReadOnly": str(r.get("readOnly", False)).lower(),
            "Resources": [],
            "CloudTrailEvent": json.dumps(r),
        } for t, r in page]}
        if offset + size < len(matches):
            out["NextToken"] = str(offset + size)
        self.answer(200, region, out, body.get("NextToken", "-"))

    def answer(self, status, region, doc, token="-"):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with lock:
            sys.stdout.write(f"{status} {region} {time.monotonic():.3f} {token}\n")
            sys.stdout.flush()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LookupEvents)
print(server.server_address[1], flush=True)
server.serve_forever()
