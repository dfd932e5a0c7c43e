# Prolific's published verification sample, as a Flask app: it signs
# json.dumps(request.json) (a re-serialisation, not the raw bytes), reads the
# headers with .get (so a missing one is None and the concatenation or the
# comparison raises: Flask answers 500) and checks no timestamp freshness.
import base64, hashlib, hmac, json, os
from flask import Flask, request

SECRET = os.environ["SECRET"]
app = Flask(__name__)

@app.post("/webhook")
def webhook():
    signature = request.headers.get("X-Prolific-Request-Signature")
    timestamp = request.headers.get("X-Prolific-Request-Timestamp")
    message = timestamp + json.dumps(request.json)
    expected = base64.b64encode(hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, signature):
        return "invalid signature", 401
    return "", 200

if __name__ == "__main__":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]), threaded=True)
