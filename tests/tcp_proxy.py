"""A TCP proxy the tests put in front of PostgreSQL, to make it vanish and come back."""

import socket
import threading


class TcpProxy:
    """A TCP proxy on 127.0.0.1 in front of a server, until `stop()` closes it and every connection through it:
    the server is then unreachable at the proxy's address. `cut()` drops every connection and refuses new ones
    (a server that restarts) until `resume()`."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self.refusing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def _close(self, sockets: list[socket.socket]) -> None:
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut(self) -> None:
        self.refusing = True
        self._close(self._sockets)
        self._sockets = []

    def resume(self) -> None:
        self.refusing = False

    def stop(self) -> None:
        self._close([self.listener, *self._sockets])
