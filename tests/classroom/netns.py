"""A Chromium that sees only the loopback interface, for WebRTC tests whose media must stay on 127.0.0.1.

Chromium gathers an ICE candidate on every interface it can see; a candidate on the machine's own
network address can win the pair even when the other side offers only 127.0.0.1 (it answers the
connectivity checks). So the browser runs in a network namespace of its own (`unshare --net`) that
has nothing but `lo`, and reaches the test server through a Unix socket:

    browser ─TCP 127.0.0.1:PORT (inside)─▶ forwarder ─Unix socket─▶ forwarder ─TCP 127.0.0.1:PORT─▶ Daphne

`loopback_chromium(server_port)` (a context manager) writes the launcher script and runs the outer
forwarder; Playwright launches the script as the browser executable. Needs root (or user namespaces).
"""

import contextlib
import fcntl
import os
import socket
import stat
import struct
import sys
import tempfile
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _serve(listener: socket.socket, connect, stop: threading.Event) -> None:
    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            accepted, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        try:
            upstream = connect()
        except OSError:
            accepted.close()
            continue
        for source, target in ((accepted, upstream), (upstream, accepted)):
            threading.Thread(target=_pipe, args=(source, target), daemon=True).start()


def _bring_loopback_up() -> None:
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def _inside(unix_path: str, port: int, argv: list[str]) -> None:
    """In the new namespace: lo up, a forwarder child (TCP → Unix socket), then exec Chromium."""
    _bring_loopback_up()
    parent = os.getpid()
    if os.fork() == 0:
        os.closerange(3, 4096)  # not Playwright's pipe to the browser: it must see EOF when Chromium exits
        listener = socket.create_server(("127.0.0.1", port))
        stop = threading.Event()

        def connect():
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(unix_path)
            return upstream

        threading.Thread(target=_serve, args=(listener, connect, stop), daemon=True).start()
        while os.getppid() == parent:  # the browser is still running
            stop.wait(0.5)
        os._exit(0)
    os.execv(argv[0], argv)


@contextlib.contextmanager
def loopback_chromium(server_port: int):
    """Yields the path of a Chromium launcher whose browser sees only loopback and reaches 127.0.0.1:server_port."""
    with tempfile.TemporaryDirectory(prefix="panda-netns-") as directory:
        unix_path = str(Path(directory) / "server.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(unix_path)
        listener.listen(64)
        stop = threading.Event()
        thread = threading.Thread(
            target=_serve,
            args=(listener, lambda: socket.create_connection(("127.0.0.1", server_port)), stop),
            daemon=True,
        )
        thread.start()
        launcher = Path(directory) / "chromium"
        launcher.write_text(
            "#!/bin/sh\n"
            f'exec unshare --net -- "{sys.executable}" "{Path(__file__).resolve()}" '
            f'"{unix_path}" {server_port} {CHROMIUM} "$@"\n'
        )
        launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
        try:
            yield str(launcher)
        finally:
            stop.set()
            listener.close()
            thread.join(timeout=2)


if __name__ == "__main__":
    _inside(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
