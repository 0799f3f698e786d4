"""The machine's PostgreSQL and MariaDB servers: throwaway databases and a relay."""

import contextlib
import socket
import threading
import uuid
from dataclasses import dataclass

import psycopg
import pymysql

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Server:
    """How to reach one database server on loopback, as its admin user."""

    kind: str
    port: int
    driver_url: str  # what TEST_DATABASE_URL gets
    short_url: str  # what a hosting provider hands out as DATABASE_URL

    def url(self, name, port=None, short=False):
        """The URL of database `name`, optionally through another port."""
        template = self.short_url if short else self.driver_url
        return template.format(host=HOST, port=port or self.port, name=name)

    def connect(self, name=None):
        """An autocommit admin connection, to database `name` or the server."""
        if self.kind == "postgresql":
            return psycopg.connect(
                host=HOST,
                port=self.port,
                user="postgres",
                dbname=name or "postgres",
                autocommit=True,
                connect_timeout=3,
            )
        return pymysql.connect(
            host=HOST,
            port=self.port,
            user="root",
            database=name,
            autocommit=True,
            connect_timeout=3,
            charset="utf8mb4",
        )

    def problem(self):
        """None when the server answers, else why not."""
        try:
            self.connect().close()
        except (psycopg.Error, pymysql.Error) as error:
            return f"no {self.kind} server on {HOST}:{self.port}: {error}"
        return None

    def query(self, name, sql, *params):
        """Rows of `sql` run in database `name`."""
        with contextlib.closing(self.connect(name)) as connection:
            cursor = connection.cursor()
            cursor.execute(sql, params or None)
            return cursor.fetchall()

    def tables(self, name):
        """Names of the tables in database `name`."""
        if self.kind == "postgresql":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            return {row[0] for row in self.query(name, sql)}
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
        return {row[0] for row in self.query(name, sql, name)}

    @contextlib.contextmanager
    def fresh_database(self):
        """Create a database with a unique name; drop it afterwards, even on failure.

        MySQL's is created latin1 on purpose: the project must ask for utf8mb4 itself.
        """
        name = f"foundry_{uuid.uuid4().hex[:12]}"
        create = f"CREATE DATABASE {name}"
        if self.kind == "mysql":
            create += " CHARACTER SET latin1"
        with contextlib.closing(self.connect()) as connection:
            connection.cursor().execute(create)
        try:
            yield name
        finally:
            self._drop(name)

    def drop(self, name):
        """Drop database `name` if it exists (a user's, named by the project)."""
        self._drop(name)

    def _drop(self, name):
        """Drop database `name`, ending any session the app left open on it."""
        with contextlib.closing(self.connect()) as connection:
            cursor = connection.cursor()
            if self.kind == "postgresql":
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                return
            cursor.execute(
                "SELECT id FROM information_schema.processlist WHERE db = %s", (name,)
            )
            for (session,) in cursor.fetchall():
                with contextlib.suppress(pymysql.Error):
                    cursor.execute(f"KILL {int(session)}")
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")


SERVERS = {
    "postgresql": Server(
        "postgresql",
        5432,
        "postgresql+psycopg://postgres@{host}:{port}/{name}",
        "postgres://postgres@{host}:{port}/{name}",
    ),
    "mysql": Server(
        "mysql",
        3306,
        "mysql+pymysql://root@{host}:{port}/{name}",
        "mysql://root@{host}:{port}/{name}",
    ),
}


class Relay:
    """A loopback TCP relay to a server, to cut and restore like a network outage."""

    def __init__(self, target_port):
        self.target = (HOST, target_port)
        self.port = 0
        self._running = False
        self._acceptor = None
        self._pumps = []
        self._sockets = []

    def start(self):
        """Listen (on the same port as before, after a stop) and relay connections."""
        listener = socket.create_server((HOST, self.port))
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._running = True
        self._acceptor = threading.Thread(target=self._accept, args=(listener,))
        self._acceptor.start()

    def stop(self):
        """Refuse new connections and cut every open one, as a dead server would."""
        self._running = False
        self._acceptor.join()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for pump in self._pumps:
            pump.join()
        for sock in self._sockets:
            sock.close()
        self._pumps, self._sockets = [], []

    def _accept(self, listener):
        with listener:
            while self._running:
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=3)
                except OSError:
                    client.close()
                    continue
                client.settimeout(None)
                upstream.settimeout(None)
                self._sockets += [client, upstream]
                for source, sink in ((client, upstream), (upstream, client)):
                    pump = threading.Thread(target=self._pump, args=(source, sink))
                    self._pumps.append(pump)
                    pump.start()

    @staticmethod
    def _pump(source, sink):
        """Copy bytes from `source` to `sink` until either side closes."""
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
