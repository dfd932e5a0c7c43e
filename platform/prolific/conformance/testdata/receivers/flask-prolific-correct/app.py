# A correct Prolific receiver in Flask: HMAC over the raw bytes, constant-time
# comparison, a 5-minute freshness window, 401 on any authentication failure,
# 400 on an authentic body it cannot parse, 200 for every event type.
# With ROUTE=/webhook/ it shows a classic deployment mistake: the route is
# declared with a trailing slash, so Flask answers a POST to /webhook with a
# 308 redirect, which the platforms never follow.
import base64, binascii, hashlib, hmac, json, os, time
from flask import Flask, request

SECRET = os.environ["SECRET"].encode()
app = Flask(__name__)

@app.post(os.environ.get("ROUTE", "/webhook"))
def webhook():
    sig = request.headers.get("X-Prolific-Request-Signature", "")
    ts = request.headers.get("X-Prolific-Request-Timestamp", "")
    raw = request.get_data()
    try:
        got = base64.b64decode(sig, validate=True)
        age = abs(time.time() - int(ts))
    except (binascii.Error, ValueError):
        return "unauthorized", 401
    want = hmac.new(SECRET, ts.encode() + raw, hashlib.sha256).digest()
    if not sig or not hmac.compare_digest(want, got) or age > 300:
        return "unauthorized", 401
    try:
        event = json.loads(raw)
    except ValueError:
        return "bad body", 400
    # Store the event for a worker here; every event type is acknowledged.
    return {"received": event.get("event_type")}, 200

if __name__ == "__main__":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]), threaded=True)
