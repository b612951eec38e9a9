"""The simulated bastion host behind a plug: a TCP listener on 127.0.0.1 that accepts
connections only while the host is up, and greets like an SSH server."""
import socket
import threading

BANNER = b"SSH-2.0-OpenSSH_9.2p1 plug-sim-bastion\r\n"


def _bound_socket(host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # SO_REUSEADDR on both sockets lets the listener share the port with the reservation
    # below (Linux allows it while at most one of them listens).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


class Bastion:
    """Keeps its port for the whole run: a bound, never-listening socket holds it while the
    host is down (connections are refused), a second socket listens while it is up."""

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self._reservation = _bound_socket(host, 0)
        self.port = self._reservation.getsockname()[1]
        self._lock = threading.Lock()
        self._listener = None
        self._stop = None
        self._connections = set()
        self.accepted = 0

    @property
    def address(self):
        return f"{self.host}:{self.port}"

    def is_open(self):
        with self._lock:
            return self._listener is not None

    def open(self):
        with self._lock:
            if self._listener is not None:
                return
            listener = _bound_socket(self.host, self.port)
            listener.listen(16)
            listener.settimeout(0.1)
            stop = threading.Event()
            self._listener, self._stop = listener, stop
        threading.Thread(target=self._accept_loop, args=(listener, stop), daemon=True,
                         name=f"bastion-{self.port}").start()

    def close(self):
        """Power is gone: stop listening and drop every open session."""
        with self._lock:
            listener, stop = self._listener, self._stop
            self._listener = self._stop = None
            connections, self._connections = self._connections, set()
        if listener is None:
            return
        stop.set()
        # shutdown takes the socket out of LISTEN at once (and resets queued connections);
        # close alone would leave it listening while the accept thread still holds it
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()
        for conn in connections:
            _drop(conn)

    def shutdown(self):
        self.close()
        self._reservation.close()

    def _accept_loop(self, listener, stop):
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                if stop.is_set():
                    _drop(conn)
                    return
                self._connections.add(conn)
                self.accepted += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            conn.sendall(BANNER)
            while conn.recv(4096):
                pass  # a sink: clients only probe for the port and the banner
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections.discard(conn)
            _drop(conn)


def _drop(conn):
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
