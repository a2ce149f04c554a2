#!/usr/bin/env python3
"""Tensorlake's official Python SDK against sbx-fake-tensorlake: the basic flow of a user.

Usage: basic_flow.py FAKE_BINARY

Starts the fake on a free loopback port and points the SDK at it with the SDK's own
knob: TENSORLAKE_API_URL (a localhost URL makes the SDK use the local server's
/v1/namespaces/{ns}/sandboxes paths; the proxy base is the sandbox_url the fake
returns, and the SDK sends the sandbox id with every proxy request). Then: creates a
sandbox, runs commands (stdout, stderr, env, working dir, exit codes), writes and reads
text and binary files, lists a directory, looks the sandbox up and terminates it.
Exit status 0: every check passed; 77: the SDK is not installed (skipped unless
CI=true); 1: a check failed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import check, live_sandboxes, run  # noqa: E402

API_KEY = "tl_conformance_key"


def flow(url):
    from tensorlake.sandbox import Sandbox

    sandbox = Sandbox.create(cpus=1.0, memory_mb=1024, timeout_secs=300)
    try:
        info = sandbox.info()
        check(info.status.value == "running", "Sandbox.create: the sandbox is running")
        check(info.resources.memory_mb == 1024, "Sandbox.info: resources as requested")

        result = sandbox.run("sh", ["-c", "echo out; echo err >&2; exit 3"])
        check(result.stdout == "out", "run: stdout lines")
        check(result.stderr == "err", "run: stderr apart from stdout")
        check(result.exit_code == 3, "run: the exit code")

        result = sandbox.run("sh", ["-c", 'pwd; printf "%s\\n" "$GREETING"'], env={"GREETING": "hi there"},
                             working_dir="/tmp")
        check(result.stdout == "/tmp\nhi there", "run: working_dir and env")

        sandbox.write_file("/tmp/notes/hello.txt", b"text content")
        check(sandbox.read_file("/tmp/notes/hello.txt").value == b"text content", "write_file then read_file (text)")
        every_byte = bytes(range(256)) * 4
        sandbox.write_file("/tmp/notes/bin.dat", every_byte)
        check(sandbox.read_file("/tmp/notes/bin.dat").value == every_byte, "files: all 256 byte values round-trip")
        check(sandbox.run("cat", ["/tmp/notes/hello.txt"]).stdout == "text content",
              "a file written through the API is seen by commands")

        sandbox.run("mkdir", ["-p", "/tmp/notes/sub"])
        listing = sandbox.list_directory("/tmp/notes")
        entries = {e.name: e for e in listing.entries}
        check(sorted(entries) == ["bin.dat", "hello.txt", "sub"], "list_directory names the entries")
        check(entries["sub"].is_dir and not entries["bin.dat"].is_dir, "list_directory tells files from directories")
        check(entries["bin.dat"].size == len(every_byte), "list_directory gives file sizes")

        reconnected = Sandbox.connect(sandbox.sandbox_id, api_url=url)
        check(reconnected.run("cat", ["/tmp/notes/hello.txt"]).stdout == "text content",
              "Sandbox.connect reattaches to the same sandbox")
    finally:
        sandbox.terminate()
    check(live_sandboxes(url) == 0, "terminate deletes the sandbox: none is left on the fake")


if __name__ == "__main__":
    sys.exit(run("tensorlake", ["--api-key", API_KEY], flow,
                 lambda url: {"TENSORLAKE_API_KEY": API_KEY, "TENSORLAKE_API_URL": url}))
