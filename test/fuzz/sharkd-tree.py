#!/usr/bin/env python3
"""sharkd-tree.py: print the teardown subtree of every frame in sharkd's
answers (stdin) as `tshark -V` prints it, frames in order of request id.

A "frame" request's id is ROUND * 1000000 + FRAME; frames without a teardown
subtree print nothing, so the output of each round reads like test/lib.sh's
tree_view.
"""
import json
import sys

ROUND = 1000000


def lines(node, depth):
    label = node.get("l", "")
    yield "    " * depth + ("[%s]" % label if node.get("g") else label)
    for child in node.get("n", []):
        yield from lines(child, depth + 1)


def main():
    frames = {}
    for text in sys.stdin:
        answer = json.loads(text)
        if "error" in answer:
            sys.exit("sharkd-tree: sharkd answered %s" % text.strip())
        tree = answer.get("result", {}).get("tree")
        if tree is not None:
            frames[answer["id"]] = [n for n in tree if n.get("f") == "teardown"]
    for request in sorted(frames):
        for node in frames[request]:
            print("Frame %d:" % (request % ROUND))
            print("\n".join(lines(node, 0)))


if __name__ == "__main__":
    main()
