#!/usr/bin/env python3
"""E2B's official Python SDK against sbx-fake-e2b: the basic flow of a user.

Usage: basic_flow.py FAKE_BINARY

Starts the fake on a free loopback port, points the SDK at it with the SDK's own knobs
(E2B_API_URL for the control plane, E2B_SANDBOX_URL for envd; the SDK sends
E2b-Sandbox-Id on every envd request, which the fake routes by), then: creates a
sandbox, runs commands (stdout, stderr, env, cwd, exit codes, stdin, kill), writes and
reads text and binary files, lists and makes directories, lists sandboxes by metadata
and kills the sandbox. Exit status 0: every check passed; 77: the SDK is not installed
(skipped unless CI=true); 1: a check failed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import check, live_sandboxes, run  # noqa: E402

API_KEY = "e2b_conformance_key"


def flow(url):
    from e2b import CommandExitException, FileType, Sandbox, SandboxQuery

    sandbox = Sandbox.create(template="base", timeout=120, metadata={"suite": "conformance"},
                             envs={"GREETING": "hello from create"})
    try:
        check(sandbox.is_running(), "a created sandbox is running")

        result = sandbox.commands.run("echo $GREETING; echo to-stderr >&2")
        check(result.stdout == "hello from create\n", "commands.run: stdout and create-time env")
        check(result.stderr == "to-stderr\n", "commands.run: stderr apart from stdout")
        check(result.exit_code == 0, "commands.run: exit code 0")

        result = sandbox.commands.run("pwd; printf %s \"$ONE\"", envs={"ONE": "per command"}, cwd="/tmp")
        check(result.stdout == "/tmp\nper command", "commands.run: cwd and per-command env")

        try:
            sandbox.commands.run("echo failing >&2; exit 3")
            check(False, "commands.run: a non-zero exit raises CommandExitException")
        except CommandExitException as e:
            check(e.exit_code == 3 and e.stderr == "failing\n", "commands.run: a non-zero exit raises with code and stderr")

        handle = sandbox.commands.run("cat", background=True, stdin=True)
        sandbox.commands.send_stdin(handle.pid, "through stdin")
        sandbox.commands.close_stdin(handle.pid)
        check(handle.wait().stdout == "through stdin", "commands: send_stdin and close_stdin reach the command")

        sleeper = sandbox.commands.run("sleep 300", background=True)
        check(sandbox.commands.kill(sleeper.pid), "commands.kill stops a background command")

        sandbox.files.write("notes/hello.txt", "text content")
        check(sandbox.files.read("notes/hello.txt") == "text content", "files.write then files.read (text)")
        every_byte = bytes(range(256))
        sandbox.files.write("/home/user/bin.dat", every_byte)
        check(bytes(sandbox.files.read("bin.dat", format="bytes")) == every_byte, "files: all 256 byte values round-trip")
        sandbox.files.write("raw/upload.bin", every_byte * 4, use_octet_stream=True)
        check(bytes(sandbox.files.read("raw/upload.bin", format="bytes")) == every_byte * 4,
              "files.write as application/octet-stream (envd >= 0.5.7) creates parents")
        check(sandbox.commands.run("cat notes/hello.txt").stdout == "text content",
              "a file written through the API is seen by commands")

        check(sandbox.files.make_dir("notes/sub"), "files.make_dir creates a directory")
        entries = {e.name: e for e in sandbox.files.list("notes")}
        check(sorted(entries) == ["hello.txt", "sub"], "files.list names the directory's entries")
        check(entries["hello.txt"].type == FileType.FILE and entries["sub"].type == FileType.DIR,
              "files.list tells files from directories")
        check(entries["hello.txt"].path == "/home/user/notes/hello.txt", "files.list gives absolute paths")
        check(sandbox.files.exists("notes/hello.txt") and not sandbox.files.exists("notes/missing"),
              "files.exists")

        paginator = Sandbox.list(query=SandboxQuery(metadata={"suite": "conformance"}))
        found = [s.sandbox_id for s in paginator.next_items()]
        check(found == [sandbox.sandbox_id], "Sandbox.list filters by metadata")

        reconnected = Sandbox.connect(sandbox.sandbox_id)
        check(reconnected.commands.run("cat notes/hello.txt").stdout == "text content",
              "Sandbox.connect reattaches to the same sandbox")
    finally:
        killed = sandbox.kill()
    check(killed, "kill ends the sandbox")
    check(live_sandboxes(url) == 0, "no sandbox is left on the fake")


if __name__ == "__main__":
    sys.exit(run("e2b", ["--api-key", API_KEY], flow,
                 lambda url: {"E2B_API_KEY": API_KEY, "E2B_API_URL": url, "E2B_SANDBOX_URL": url}))
