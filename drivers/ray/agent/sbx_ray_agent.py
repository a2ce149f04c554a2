"""sbx exec agent: the process behind one Ray sandbox.

Started as the entrypoint of a long-lived Ray job, it owns the sandbox's private
directory on its node and serves the sbx driver over HTTP/1.1 (standard library only):

  GET  /health                 {"id", "workdir", "scratch"}
  PUT  /env                    JSON object: the sandbox's environment overlay
  POST /exec                   body: one JSON line (id, argv, env, cwd, timeout_ms),
                               then the stdin bytes; response: chunked stream of frames
                               (1 byte kind, 4 bytes big-endian length, payload):
                               1 stdout, 2 stderr, 3 exit {"exit_code", "timed_out"}
  POST /kill?id=<exec id>      SIGKILLs that exec's process group
  GET  /file?path=<p>          the file's bytes
  PUT  /file?path=<p>          replaces the file (parents created) with the body
  GET  /list?path=<p>          [{"name", "is_dir", "size"}] of a directory

Query values are percent-encoded bytes; JSON strings carry file names and arguments
as UTF-8 with undecodable bytes passed through (surrogateescape). Errors are JSON
{"error", "kind"} with 400/401/404/409/500.

Every request must carry "Authorization: Bearer <token>" where sha256(token) equals
$SBX_AGENT_TOKEN_SHA256; the token itself is never seen by Ray or logged.

Once listening it prints one line, SBX_AGENT_READY {"host", "port", "workdir",
"scratch"}, to the job log. It ends (killing every process group it started and
removing its directory) on SIGTERM/SIGINT (the job is stopped) or when --lifetime
seconds have passed.
"""

import argparse
import errno
import hashlib
import hmac
import http.server
import json
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

READY_MARKER = "SBX_AGENT_READY"
FRAME_STDOUT, FRAME_STDERR, FRAME_EXIT = 1, 2, 3
CHUNK = 64 * 1024
TIMEOUT_EXIT_CODE = 124


class AgentError(Exception):
    """An error answered to the caller as {"error", "kind"} with an HTTP status."""

    def __init__(self, status, kind, message):
        super().__init__(message)
        self.status = status
        self.kind = kind


def os_error(err, path):
    """The AgentError for an OSError on `path`."""
    kinds = {
        errno.ENOENT: (404, "not_found"),
        errno.ENOTDIR: (409, "not_a_directory"),
        errno.EISDIR: (409, "is_a_directory"),
        errno.EEXIST: (409, "exists"),
        errno.EACCES: (403, "permission_denied"),
        errno.EPERM: (403, "permission_denied"),
    }
    status, kind = kinds.get(err.errno, (500, "io_error"))
    return AgentError(status, kind, "%s: %s" % (os.strerror(err.errno or 0), path))


def encode_json(value):
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogateescape")


def decode_json(data):
    return json.loads(data.decode("utf-8", "surrogateescape"))


def exit_status(returncode):
    return 128 - returncode if returncode < 0 else returncode


def kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except OSError:
        return False


class Sandbox:
    """The sandbox directory, its environment and the process groups of its commands."""

    def __init__(self, root, sandbox_id):
        self.id = sandbox_id
        self.dir = os.path.join(os.path.abspath(root), sandbox_id)
        self.workdir = os.path.join(self.dir, "work")
        self.scratch = os.path.join(self.dir, "tmp")
        os.makedirs(os.path.dirname(self.dir), exist_ok=True)
        os.mkdir(self.dir, 0o700)
        os.mkdir(self.workdir)
        os.mkdir(self.scratch)
        self.base_env = dict(os.environ)
        self.overlay = {}
        self.lock = threading.Lock()
        self.running = {}  # exec id -> process group id
        self.groups = set()  # every group started whose members may still live
        self.ended = False

    def command_env(self, per_exec):
        env = dict(self.base_env)
        env.update(self.overlay)
        env.update(HOME=self.workdir, SANDBOX_ROOT=self.workdir, TMPDIR=self.scratch)
        env.update(per_exec)
        return env

    def started(self, exec_id, pgid):
        with self.lock:
            self.running[exec_id] = pgid
            self.groups.add(pgid)

    def finished(self, exec_id, pgid):
        with self.lock:
            self.running.pop(exec_id, None)
            if not group_alive(pgid):
                self.groups.discard(pgid)

    def kill(self, exec_id):
        with self.lock:
            pgid = self.running.get(exec_id)
        if pgid is not None:
            kill_group(pgid)
        return pgid is not None

    def end(self):
        """Kills every process group and removes the directory (once)."""
        with self.lock:
            if self.ended:
                return
            self.ended = True
            groups = list(self.groups)
        for pgid in groups:
            kill_group(pgid)

        def open_up(function, path, _):
            os.chmod(os.path.dirname(path), 0o700)
            function(path)

        handler = {"onexc": open_up} if sys.version_info >= (3, 12) else {"onerror": open_up}
        try:
            shutil.rmtree(self.dir, **handler)
        except OSError as err:
            sys.stderr.write("sbx agent: could not remove %s: %s\n" % (self.dir, err))


class ClientGone(Exception):
    """The driver closed the connection of a running exec."""


class Execution:
    """One command: spawns it, pumps stdin/stdout/stderr, enforces the timeout."""

    def __init__(self, sandbox, spec, stdin, send_frame, client):
        self.sandbox = sandbox
        self.spec = spec
        self.stdin = stdin
        self.send_frame = send_frame
        self.client = client

    def run(self):
        spec = self.spec
        cwd = spec.get("cwd") or self.sandbox.workdir
        if not os.path.isdir(cwd):
            return self.refuse(126, "cannot enter %s: No such directory" % cwd)
        try:
            proc = subprocess.Popen(
                spec["argv"],
                cwd=cwd,
                env=self.sandbox.command_env(spec.get("env") or {}),
                stdin=subprocess.PIPE if self.stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError:
            return self.refuse(127, "%s: command not found" % spec["argv"][0])
        except OSError as err:
            return self.refuse(126, "%s: %s" % (spec["argv"][0], os.strerror(err.errno or 0)))
        self.sandbox.started(spec["id"], proc.pid)
        try:
            timed_out = self.pump(proc)
        except BaseException:
            kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            self.sandbox.finished(spec["id"], proc.pid)
        code = TIMEOUT_EXIT_CODE if timed_out else exit_status(proc.returncode)
        self.send_frame(FRAME_EXIT, encode_json({"exit_code": code, "timed_out": timed_out}))

    def refuse(self, code, message):
        self.send_frame(FRAME_STDERR, ("sbx: %s\n" % message).encode("utf-8", "surrogateescape"))
        self.send_frame(FRAME_EXIT, encode_json({"exit_code": code, "timed_out": False}))

    def pump(self, proc):
        """Moves bytes until the command exits; returns True when the timeout fired."""
        timeout_ms = self.spec.get("timeout_ms")
        deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000.0
        sel = selectors.DefaultSelector()
        streams = {proc.stdout.fileno(): FRAME_STDOUT, proc.stderr.fileno(): FRAME_STDERR}
        for fd in streams:
            sel.register(fd, selectors.EVENT_READ)
        sel.register(self.client, selectors.EVENT_READ)
        pending = memoryview(self.stdin) if self.stdin else None
        if pending is not None:
            os.set_blocking(proc.stdin.fileno(), False)
            sel.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
        pidfd = os.pidfd_open(proc.pid) if hasattr(os, "pidfd_open") else None
        if pidfd is not None:
            sel.register(pidfd, selectors.EVENT_READ)
        timed_out = False
        try:
            while proc.poll() is None:
                wait = None if pidfd is not None else 0.05
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        kill_group(proc.pid)
                        proc.wait()
                        timed_out = True
                        break
                    wait = left if wait is None else min(wait, left)
                for key, _ in sel.select(wait):
                    fd = key.fd
                    if fd in streams:
                        if not self.forward(fd, streams[fd]):
                            sel.unregister(fd)
                            del streams[fd]
                    elif key.fileobj is self.client:
                        if not self.client.recv(1, socket.MSG_PEEK):
                            raise ClientGone()
                        sel.unregister(self.client)
                    elif pending is not None and fd == proc.stdin.fileno():
                        pending = self.feed(proc, pending, sel)
            # The command ended: deliver what it wrote before, not what it left behind.
            while streams:
                ready = [key.fd for key, _ in sel.select(0) if key.fd in streams]
                if not ready:
                    break
                for fd in ready:
                    if not self.forward(fd, streams[fd]):
                        sel.unregister(fd)
                        del streams[fd]
        finally:
            sel.close()
            if pidfd is not None:
                os.close(pidfd)
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                if pipe is not None:
                    try:
                        pipe.close()
                    except OSError:
                        pass
        return timed_out

    def forward(self, fd, kind):
        data = os.read(fd, CHUNK)
        if data:
            self.send_frame(kind, data)
        return bool(data)

    def feed(self, proc, pending, sel):
        try:
            written = os.write(proc.stdin.fileno(), pending[:CHUNK])
        except BlockingIOError:
            return pending
        except BrokenPipeError:
            written = len(pending)
        pending = pending[written:]
        if len(pending) == 0:
            sel.unregister(proc.stdin.fileno())
            proc.stdin.close()
            return None
        return pending


def query_path(query, name="path"):
    """The value `name` of a query string, percent-decoded to a file system path."""
    for item in query.split("&"):
        key, _, value = item.partition("=")
        if key == name:
            return os.fsdecode(urllib.parse.unquote_to_bytes(value))
    raise AgentError(400, "invalid", "missing query parameter " + name)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sbx-ray-agent"

    def setup(self):
        super().setup()
        # Frames are small writes: send each at once instead of waiting for an ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        """Requests are never logged: paths and bodies belong to the user."""

    def do_GET(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def dispatch(self):
        path, _, query = self.path.partition("?")
        routes = {
            ("GET", "/health"): self.health,
            ("PUT", "/env"): self.set_env,
            ("POST", "/exec"): self.exec_command,
            ("POST", "/kill"): self.kill,
            ("GET", "/file"): self.read_file,
            ("PUT", "/file"): self.write_file,
            ("GET", "/list"): self.list_dir,
        }
        try:
            if not self.authorized():
                raise AgentError(401, "unauthorized", "missing or wrong token")
            route = routes.get((self.command, path))
            if route is None:
                raise AgentError(404, "no_route", "no route %s %s" % (self.command, path))
            route(query)
        except AgentError as err:
            self.close_connection = True
            self.send_json(err.status, {"error": str(err), "kind": err.kind})

    def authorized(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        digest = hashlib.sha256(header[len("Bearer "):].encode()).hexdigest()
        return hmac.compare_digest(digest, self.server.token_sha256)

    def send_json(self, status, value):
        body = encode_json(value)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        if len(data) != length:
            raise AgentError(400, "invalid", "request body cut short")
        return data

    @property
    def sandbox(self):
        return self.server.sandbox

    def health(self, _query):
        box = self.sandbox
        self.send_json(200, {"id": box.id, "workdir": box.workdir, "scratch": box.scratch})

    def set_env(self, _query):
        overlay = decode_json(self.body())
        if not isinstance(overlay, dict):
            raise AgentError(400, "invalid", "env must be a JSON object")
        self.sandbox.overlay = {str(k): str(v) for k, v in overlay.items()}
        self.send_json(200, {})

    def kill(self, query):
        self.send_json(200, {"killed": self.sandbox.kill(query_path(query, "id"))})

    def exec_command(self, _query):
        data = self.body()
        newline = data.find(b"\n")
        if newline < 0:
            raise AgentError(400, "invalid", "exec body needs a JSON line")
        spec = decode_json(data[:newline])
        if not spec.get("argv") or not spec.get("id"):
            raise AgentError(400, "invalid", "exec needs id and argv")
        self.send_response(200)
        self.send_header("Content-Type", "application/x-sbx-frames")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def send_frame(kind, payload):
            head = struct.pack(">BI", kind, len(payload))
            last = b"0\r\n\r\n" if kind == FRAME_EXIT else b""  # the exit frame ends the body
            self.wfile.write(b"%x\r\n" % (len(head) + len(payload)) + head + payload + b"\r\n" + last)

        try:
            Execution(self.sandbox, spec, data[newline + 1:], send_frame, self.connection).run()
        except (ClientGone, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def read_file(self, query):
        path = query_path(query)
        try:
            f = open(path, "rb")
        except OSError as err:
            raise os_error(err, path)
        with f:
            size = os.fstat(f.fileno()).st_size
            data = None if size > 0 else f.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size if data is None else len(data)))
            self.end_headers()
            if data is not None:
                self.wfile.write(data)
            elif self.connection.sendfile(f, 0, size) != size:
                self.close_connection = True

    def write_file(self, query):
        path = query_path(query)
        length = int(self.headers.get("Content-Length") or 0)
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "wb") as f:
                while length > 0:
                    data = self.rfile.read(min(length, 1 << 20))
                    if not data:
                        raise AgentError(400, "invalid", "request body cut short")
                    f.write(data)
                    length -= len(data)
        except OSError as err:
            raise os_error(err, path)
        self.send_json(200, {})

    def list_dir(self, query):
        path = query_path(query)
        entries = []
        try:
            with os.scandir(path) as it:
                for entry in it:
                    is_file = entry.is_file()
                    entries.append({
                        "name": entry.name,
                        "is_dir": entry.is_dir(),
                        "size": entry.stat().st_size if is_file else None,
                    })
        except OSError as err:
            raise os_error(err, path)
        self.send_json(200, entries)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def node_address():
    """This node's address as the cluster sees it: the local end of a route to the
    Ray head ($RAY_ADDRESS), else loopback."""
    head = os.environ.get("RAY_ADDRESS", "").rsplit(":", 1)[0].strip("[]")
    if not head or "/" in head:
        return "127.0.0.1"
    try:
        family, _, _, _, target = socket.getaddrinfo(head, 9, type=socket.SOCK_DGRAM)[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(target)
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def main():
    parser = argparse.ArgumentParser(description="sbx exec agent for one Ray sandbox")
    parser.add_argument("--id", required=True)
    parser.add_argument("--root", default=os.path.join(tempfile.gettempdir(), "sbx-ray"))
    parser.add_argument("--lifetime", type=float, default=0)
    args = parser.parse_args()
    token_sha256 = os.environ.pop("SBX_AGENT_TOKEN_SHA256")

    sandbox = Sandbox(args.root, args.id)
    host = node_address()
    server = Server((host, 0), Handler)
    server.sandbox = sandbox
    server.token_sha256 = token_sha256

    def end(*_):
        sandbox.end()
        os._exit(0)

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, end)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if args.lifetime > 0:
        timer = threading.Timer(args.lifetime, end)
        timer.daemon = True
        timer.start()

    ready = {"host": host, "port": server.server_address[1], "workdir": sandbox.workdir,
             "scratch": sandbox.scratch}
    sys.stdout.write("%s %s\n" % (READY_MARKER, json.dumps(ready)))
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
