"""What every conformance flow shares: start the provider's fake on a free loopback port,
read its live sandbox count, report each check, and turn the flow's outcome into the exit
status ctest reads (0: every check passed; 1: a check failed, or the SDK is missing under
CI=true; 77: the SDK is missing, skipped)."""
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import urllib.request


def start_fake(binary, args):
    # --exit-with-stdin: the fake stops when this script goes away, however it ends.
    fake = subprocess.Popen([binary, "--port", "0", *args, "--exit-with-stdin"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = fake.stdout.readline()
    if "http://" not in line:
        fake.kill()
        raise SystemExit(f"the fake did not start: {line!r}")
    return fake, line[line.index("http://"):].strip()


def live_sandboxes(url):
    with urllib.request.urlopen(url + "/_fake/stats") as answer:
        return json.load(answer)["live_sandboxes"]


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        raise AssertionError(what)


def run(package, fake_args, flow, environment=lambda url: {}):
    """Runs flow(url) against the fake given as argv[1], with environment(url) set first
    (before the SDK is imported: some SDKs read it at import). Returns the exit status."""
    if importlib.util.find_spec(package) is None:
        print(f"the {package} SDK is not installed for {sys.executable}", flush=True)
        return 1 if os.environ.get("CI") == "true" else 77
    fake, url = start_fake(sys.argv[1], fake_args)
    os.environ.update(environment(url))
    try:
        print(f"{package} SDK {importlib.metadata.version(package)} against {url}", flush=True)
        flow(url)
        return 0
    except AssertionError:
        return 1
    finally:
        fake.terminate()
        fake.wait(timeout=10)
