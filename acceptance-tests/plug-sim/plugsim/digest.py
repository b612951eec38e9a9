"""RFC 7616 Digest authentication with SHA-256 as Shelly Gen2 devices check it: user always
"admin", realm = device id, qop "auth"; a nonce stays valid for an hour and may be reused
with an increasing nc (firmware 2.0+), up to 30000 times."""
import hashlib
import hmac
import re
import secrets
import threading
import time

NONCE_LIFETIME = 3600
NONCE_MAX_USES = 30000
DUMMY_HA2_INPUT = "dummy_method:dummy_uri"   # what the in-frame auth object hashes as HA2

_PARAM = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?')


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_header(value):
    """The key/value pairs of 'Digest k=v, k="v"'; None when it is not a Digest header."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params = {}
    for m in _PARAM.finditer(rest):
        params[m.group(1).lower()] = m.group(2) if m.group(2) is not None else m.group(3)
    return params


class DigestAuth:
    def __init__(self, realm, password):
        self.realm = realm
        self.ha1 = sha256_hex(f"admin:{realm}:{password}")
        self._lock = threading.Lock()
        self._nonces = {}  # nonce (str) -> [issued_at, highest nc seen, uses]

    def new_nonce(self):
        nonce = secrets.randbelow(2**31 - 1) + 1
        with self._lock:
            now = time.time()
            for key in [k for k, v in self._nonces.items() if now - v[0] > NONCE_LIFETIME]:
                del self._nonces[key]
            self._nonces[str(nonce)] = [now, 0, 0]
        return nonce

    def challenge(self):
        """(nonce, WWW-Authenticate header value) for a 401."""
        nonce = self.new_nonce()
        header = (f'Digest qop="auth", realm="{self.realm}", nonce="{nonce}", '
                  f'algorithm=SHA-256')
        return nonce, header

    def check_header(self, header, method, request_uri):
        """True when an Authorization header proves the password for this request."""
        p = parse_header(header or "")
        if not p:
            return False
        if p.get("username") != "admin" or p.get("realm") != self.realm:
            return False
        if (p.get("algorithm") or "MD5").upper() != "SHA-256":
            return False
        if p.get("uri") != request_uri or p.get("qop") != "auth":
            return False
        try:
            nc = int(p.get("nc", ""), 16)
        except ValueError:
            return False
        if not self._use_nonce(p.get("nonce", ""), nc):
            return False
        ha2 = sha256_hex(f"{method}:{request_uri}")
        expected = sha256_hex(f"{self.ha1}:{p['nonce']}:{p['nc']}:{p.get('cnonce', '')}:auth:{ha2}")
        return hmac.compare_digest(expected, (p.get("response") or "").lower())

    def check_frame(self, auth):
        """The JSON-RPC 'auth' object: response = SHA256(ha1:nonce:nc:cnonce:auth:HA2) with
        HA2 = SHA256("dummy_method:dummy_uri") and nc 1 unless given. Devices accept a
        client-chosen numeric nonce here (clients use it to skip the challenge round trip)."""
        if not isinstance(auth, dict):
            return False
        if auth.get("username") != "admin" or auth.get("realm") != self.realm:
            return False
        if str(auth.get("algorithm", "SHA-256")).upper() != "SHA-256":
            return False
        nonce, cnonce, nc = auth.get("nonce"), auth.get("cnonce"), auth.get("nc", 1)
        if nonce is None or cnonce is None:
            return False
        ha2 = sha256_hex(DUMMY_HA2_INPUT)
        expected = sha256_hex(f"{self.ha1}:{_num(nonce)}:{nc}:{_num(cnonce)}:auth:{ha2}")
        return hmac.compare_digest(expected, str(auth.get("response", "")).lower())

    def _use_nonce(self, nonce, nc):
        with self._lock:
            entry = self._nonces.get(nonce)
            if entry is None or time.time() - entry[0] > NONCE_LIFETIME:
                return False
            if nc <= entry[1] or entry[2] >= NONCE_MAX_USES:
                return False
            entry[1] = nc
            entry[2] += 1
            return True


def _num(value):
    """A JSON number or string as it enters the hash (Python's str of the parsed value)."""
    return str(value)
