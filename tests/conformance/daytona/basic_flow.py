#!/usr/bin/env python3
"""Daytona's official Python SDK against sbx-fake-daytona: the basic flow of a user.

Usage: basic_flow.py FAKE_BINARY

Starts the fake on a free loopback port and points the SDK at it with its own knob
(DaytonaConfig.api_url = <fake>/api; the SDK then reaches every sandbox's toolbox at the
toolboxProxyUrl the fake reports, <fake>/toolbox). Then: creates a sandbox from the
default snapshot with env vars and labels, runs commands (output, env, cwd, exit codes),
runs Python code, writes and reads text and binary files, makes, lists and deletes
entries, runs a command in a session (sync and async), gets the sandbox again by id and
deletes it. Exit status 0: every check passed; 77: the SDK is not installed (skipped
unless CI=true); 1: a check failed.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import check, live_sandboxes, run  # noqa: E402

API_KEY = "dtn_conformance_key"


def flow(url):
    from daytona import (CreateSandboxFromSnapshotParams, Daytona, DaytonaConfig, DaytonaNotFoundError,
                         SessionExecuteRequest)

    daytona = Daytona(DaytonaConfig(api_key=API_KEY, api_url=url + "/api", target="us"))
    sandbox = daytona.create(CreateSandboxFromSnapshotParams(env_vars={"GREETING": "hello from create"},
                                                             labels={"suite": "conformance"}),
                             timeout=60)
    try:
        check(sandbox.state == "started", "create waits until the sandbox is started")
        check(sandbox.labels.get("suite") == "conformance", "create keeps the labels")

        result = sandbox.process.exec("echo $GREETING")
        check(result.result == "hello from create\n", "process.exec: output and create-time env")
        check(result.exit_code == 0, "process.exec: exit code 0")

        result = sandbox.process.exec("pwd; printf %s \"$ONE\"", cwd="/tmp", env={"ONE": "per command"})
        check(result.result == "/tmp\nper command", "process.exec: cwd and per-command env")

        result = sandbox.process.exec("echo out; echo err >&2; exit 3")
        check(result.exit_code == 3, "process.exec: a non-zero exit code")
        check(result.result == "out\nerr\n", "process.exec: stdout and stderr merged, as Daytona does")

        result = sandbox.process.code_run("import sys\nprint(6 * 7)\nprint(sys.argv[1:])")
        check(result.exit_code == 0 and result.result.startswith("42\n"), "process.code_run runs Python")

        sandbox.fs.upload_file(b"text content", "notes/hello.txt")
        check(sandbox.fs.download_file("notes/hello.txt") == b"text content", "fs: text file round trip")
        blob = bytes(range(256)) * 64
        sandbox.fs.upload_file(blob, "/tmp/blob.bin")
        check(sandbox.fs.download_file("/tmp/blob.bin") == blob, "fs: binary file with all 256 byte values")

        sandbox.fs.create_folder("notes/sub", "755")
        entries = {f.name: f for f in sandbox.fs.list_files("notes")}
        check(sorted(entries) == ["hello.txt", "sub"], "fs.list_files names the entries")
        check(entries["sub"].is_dir and not entries["hello.txt"].is_dir, "fs.list_files tells directories")
        check(entries["hello.txt"].size == len(b"text content"), "fs.list_files gives sizes")

        sandbox.fs.delete_file("notes/hello.txt")
        check([f.name for f in sandbox.fs.list_files("notes")] == ["sub"], "fs.delete_file removes a file")
        try:
            sandbox.fs.download_file("notes/hello.txt")
            check(False, "a deleted file cannot be downloaded")
        except Exception:  # the SDK's error class for a failed download varies by version
            check(True, "a deleted file cannot be downloaded")

        sandbox.process.create_session("conformance")
        ran = sandbox.process.execute_session_command("conformance", SessionExecuteRequest(command="echo in-session"))
        check(ran.exit_code == 0, "a session command runs to its end")
        started = sandbox.process.execute_session_command(
            "conformance", SessionExecuteRequest(command="sleep 0.3; exit 4", run_async=True))
        for _ in range(100):
            command = sandbox.process.get_session_command("conformance", started.cmd_id)
            if command.exit_code is not None:
                break
            time.sleep(0.05)
        check(command.exit_code == 4, "an async session command reports its exit code")
        sandbox.process.delete_session("conformance")

        again = daytona.get(sandbox.id)
        check(again.id == sandbox.id and again.process.exec("cat /tmp/blob.bin | wc -c").result.strip() == str(len(blob)),
              "get reattaches to the same sandbox")
    finally:
        daytona.delete(sandbox)
    try:
        daytona.get(sandbox.id)
        check(False, "a deleted sandbox is gone")
    except DaytonaNotFoundError:
        check(True, "a deleted sandbox is gone")
    check(live_sandboxes(url) == 0, "no sandbox is left on the fake")


if __name__ == "__main__":
    sys.exit(run("daytona", ["--api-key", API_KEY, "--start-delay-ms", "300"], flow))
