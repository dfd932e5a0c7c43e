# Prolific receiver on Python's standard library that verifies signatures
# over the raw body and reads headers case-insensitively (self.headers), but
# has no freshness check, and refuses study events with 400 because the app
# only cares about submissions (it is subscribed to submission events only).
import base64, hashlib, hmac, json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["SECRET"].encode()

class Hook(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code):
        self.send_response(code); self.send_header("Content-Length", "0"); self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = self.headers.get("X-Prolific-Request-Signature")
        ts = self.headers.get("X-Prolific-Request-Timestamp")
        if not sig or not ts:
            return self.reply(401)
        want = base64.b64encode(hmac.new(SECRET, ts.encode() + body, hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(want, sig):
            return self.reply(401)
        try:
            event = json.loads(body)
        except ValueError:
            return self.reply(400)
        if event.get("event_type", "").startswith("study."):
            return self.reply(400)
        self.reply(200)

ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Hook).serve_forever()
