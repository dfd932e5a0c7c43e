# Prolific receiver on Python's standard library. Its mistake: it copies the
# headers into a plain dict and looks them up in lower case (as it saw them
# behind its dev proxy), so on a direct delivery every lookup raises KeyError
# and http.server answers 500: one root cause for every check.
import base64, hashlib, hmac, json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["SECRET"].encode()

class Hook(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        try:
            headers = dict(self.headers.items())
            body = self.rfile.read(int(headers.get("Content-Length", "0")))
            sig = headers["x-prolific-request-signature"]
            ts = headers["x-prolific-request-timestamp"]
            want = base64.b64encode(hmac.new(SECRET, ts.encode() + body, hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(want, sig):
                self.send_response(401); self.end_headers(); return
            json.loads(body)
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        except Exception:
            self.send_response(500); self.end_headers()

ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Hook).serve_forever()
