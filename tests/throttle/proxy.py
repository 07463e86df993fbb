"""An HTTP proxy in front of a local S3 server that throttles: the first GET of each object
is answered 503 SlowDown, as S3 answers a client that sends too fast; every other request,
and the second GET of an object, is passed on. Each request is logged to stdout as
`STATUS METHOD PATH`. tests/s3_server.rs uses it to check that atrest backs off and reads
every object, and reports objects whose attempts all ran out.

usage: proxy.py UPSTREAM_PORT  (prints the port it listens on, then serves)
"""

import http.client
import http.server
import sys
import threading

UPSTREAM = int(sys.argv[1])
SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
    b"<RequestId>proxy</RequestId></Error>"
)
seen = set()
lock = threading.Lock()
HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "content-length"}


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        path, _, query = self.path.partition("?")
        is_object_get = (
            self.command == "GET"
            and path.count("/") >= 2
            and "list-type" not in query
            and "location" not in query
        )
        if is_object_get:
            with lock:
                first = path not in seen
                seen.add(path)
            if first:
                self.answer(503, [("Content-Type", "application/xml")], SLOW_DOWN)
                return
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP]
        self.answer(response.status, kept, data)
        upstream.close()

    def answer(self, status, headers, data):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        with lock:  # one whole line per request, whichever thread answers
            sys.stdout.write(f"{status} {self.command} {self.path}\n")
            sys.stdout.flush()

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = handle_one


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print(server.server_address[1], flush=True)
server.serve_forever()
