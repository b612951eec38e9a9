"""AutoMTLS: the provider accepts only the client certificate tofu handed it in PLUGIN_CLIENT_CERT."""

import base64
import os
import socket
import ssl
import subprocess

import pytest

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def make_cert(directory, name):
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost",
                    "-addext", "extendedKeyUsage=clientAuth,serverAuth"], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def served(provider_bin, tmp_path):
    """The provider started as tofu starts it, trusting the "host" certificate."""
    host = make_cert(tmp_path, "host")
    env = dict(os.environ, TF_PLUGIN_MAGIC_COOKIE=MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS="6",
               PLUGIN_CLIENT_CERT=host[0].read_text())
    proc = subprocess.Popen([str(provider_bin)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        fields = proc.stdout.readline().strip().split("|")
        assert fields[:3] == ["1", "6", "unix"] and fields[4] == "grpc", fields
        server_der = base64.b64decode(fields[5] + "=" * (-len(fields[5]) % 4))
        yield fields[3], ssl.DER_cert_to_PEM_cert(server_der), host
    finally:
        proc.kill()
        proc.wait()


def talk_http2(socket_path, server_pem, cert):
    """TLS with `cert` as client certificate, then the HTTP/2 preface; returns the server's first frame."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cadata=server_pem)
    ctx.load_cert_chain(*cert)
    ctx.set_alpn_protocols(["h2"])
    with socket.socket(socket.AF_UNIX) as raw:
        raw.settimeout(10)
        raw.connect(socket_path)
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(HTTP2_PREFACE)
            return tls.recv(9)


def test_host_certificate_is_accepted(served):
    socket_path, server_pem, host = served
    frame = talk_http2(socket_path, server_pem, host)
    assert len(frame) == 9 and frame[3] == 4  # the server's SETTINGS frame


def test_foreign_client_certificate_is_refused(served, tmp_path):
    socket_path, server_pem, host = served
    foreign = make_cert(tmp_path, "foreign")
    with pytest.raises((ssl.SSLError, ConnectionError)):
        frame = talk_http2(socket_path, server_pem, foreign)
        # TLS 1.3 reports the client-certificate rejection on the first read at the latest.
        if not frame:
            raise ConnectionError("closed without a frame")
    # The server keeps serving its real client.
    assert talk_http2(socket_path, server_pem, host)[3] == 4
