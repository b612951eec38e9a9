"""What every simulated device's HTTP front end shares: faults applied before routing, JSON
and text replies, query parsing, a request log without secrets."""
import json
import re
import socket
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_SECRET_QUERY = re.compile(r"(password|user|access_token)=[^&]*", re.IGNORECASE)


def redact(path):
    return _SECRET_QUERY.sub(lambda m: m.group(1) + "=***", path)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, device, sim):
        self.device = device
        self.sim = sim
        super().__init__(address, handler)


class DeviceHandler(BaseHTTPRequestHandler):
    """Subclasses implement route(method, path, query) and answer with send_json/send_text.
    'unavailable' drops the connection unanswered (a device gone from the network) unless
    the subclass overrides unavailable_answers (Home Assistant stays up, its entity does not)."""

    protocol_version = "HTTP/1.1"
    server_version = "plug-sim"
    keep_alive = True
    unavailable_answers = False
    control_paths = False   # the Home Assistant port also serves the /_sim control API

    def log_message(self, fmt, *args):  # quiet: tests read the request log instead
        pass

    @property
    def device(self):
        return self.server.device

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        self._reply_status = 0
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        self.body = self._read_body()
        if self.control_paths and (path == "/_sim" or path.startswith("/_sim/")):
            self.server.sim.control.handle(self, method, path)
            return
        device = self.device
        if device.fault == "slow" and device.delay_ms:
            time.sleep(device.delay_ms / 1000.0)
        if device.fault == "unavailable" and not self.unavailable_answers:
            device.record(method, redact(self.path), 0)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        query = {k: v[-1] for k, v in query.items()}
        try:
            self.route(method, path, query)
        except Exception as exc:  # a bug in the sim must show, not hang the client
            traceback.print_exc()
            self.send_text(500, f"plug-sim internal error: {exc!r}\n")
        device.record(method, redact(self.path), self._reply_status)

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            return self.rfile.read(int(length))
        except ValueError:
            return b""

    def json_body(self):
        """The request body as JSON; ValueError when it is not."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def send_bytes(self, status, body, content_type, headers=()):
        self._reply_status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if not self.keep_alive:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=()):
        body = json.dumps(obj, separators=(",", ":")).encode("utf-8")
        self.send_bytes(status, body, "application/json", headers)

    def send_text(self, status, text, headers=(), content_type="text/plain; charset=utf-8"):
        self.send_bytes(status, text.encode("utf-8"), content_type, headers)

    def route(self, method, path, query):
        raise NotImplementedError
