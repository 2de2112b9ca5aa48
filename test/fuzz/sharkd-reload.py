#!/usr/bin/env python3
"""sharkd-reload.py: load one capture into sharkd again and again, as a GUI
user reopening a file does, and print sharkd's resident memory after each
load and a dissection of every frame.

Usage: sharkd-reload.py ANALYZE LOADS CAPTURE COMMAND...
ANALYZE is the value of the preference teardown.analyze (TRUE or FALSE: the
plugin loaded but idle, to tell sharkd's own growth from the plugin's).
COMMAND starts sharkd reading requests on stdin (tshark-teardown -, run by
teardown_checked sharkd of test/lib.sh).
Prints one line per load: "load N rss KB".
"""
import json
import os
import subprocess
import sys


def descendant(pid, name):
    """The first process called NAME below PID (sharkd runs under wrappers)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    queue = [pid]
    while queue:
        current = queue.pop(0)
        with open("/proc/%d/comm" % current) as comm:
            if comm.read().strip() == name:
                return current
        queue += children.get(current, [])
    sys.exit("sharkd-reload: no %s process below %d" % (name, pid))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    analyze, loads, capture, command = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    sharkd = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    setup = [("setconf", {"name": "teardown.analyze", "value": analyze})]
    requests = [("load", {"file": capture}), ("frames", {})]
    target = None
    for n in range(1, loads + 1):
        for method, params in setup * (n == 1) + requests:
            sharkd.stdin.write(json.dumps({"jsonrpc": "2.0", "id": n, "method": method,
                                           "params": params}) + "\n")
            sharkd.stdin.flush()
            answer = sharkd.stdout.readline()
            while answer and not answer.startswith("{"):
                answer = sharkd.stdout.readline()
            if not answer or "error" in json.loads(answer):
                sys.exit("sharkd-reload: %s failed: %s" % (method, answer.strip()))
        target = target or descendant(sharkd.pid, "sharkd")
        print("load %d rss %d KB" % (n, rss_kb(target)), flush=True)
    sharkd.stdin.close()
    sharkd.wait()


if __name__ == "__main__":
    main()
