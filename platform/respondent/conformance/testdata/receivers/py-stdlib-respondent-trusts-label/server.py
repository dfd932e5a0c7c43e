# Respondent receiver on Python's standard library. It verifies the raw body
# correctly for sha256 and sha512, but takes the algorithm from the header's
# label and hands it to hmac.new: a label hashlib does not know raises
# ValueError, which reaches http.server as a 500. It also copies the headers
# into a plain dict, so it finds the signature only under the exact spelling
# Respondent sends (a lower-casing proxy in front would break it).
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
        headers = dict(self.headers.items())
        header = headers.get("Respondent-Webhook-Signature")
        if not header or "=" not in header:
            return self.reply(401)
        alg, sig = header.split("=", 1)
        want = base64.b64encode(hmac.new(SECRET, body, alg).digest()).decode()  # raises on an unknown name
        if not hmac.compare_digest(want, sig):
            return self.reply(401)
        json.loads(body)
        self.reply(200)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except Exception:
            try:
                self.reply(500)
            except Exception:
                pass

ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Hook).serve_forever()
