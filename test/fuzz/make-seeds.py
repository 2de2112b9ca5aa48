#!/usr/bin/env python3
"""make-seeds.py: write each fixture capture as an input of the state-machine
fuzzer (the record layout of fuzz_teardown_state.c), one file per capture.

Usage: make-seeds.py OUTPUT_DIR CAPTURE...
Sequence and acknowledgement numbers are written raw, so the fuzzer starts
from the exact teardowns of the fixtures; ports are the harness's own.
"""
import os
import struct
import subprocess
import sys

FIELDS = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "tcp.flags",
          "tcp.seq_raw", "tcp.ack_raw", "tcp.len"]
FLAG_BITS = {0x001: 0x1, 0x002: 0x2, 0x004: 0x4, 0x010: 0x8}  # FIN SYN RST ACK
RAW_SEQ, RAW_ACK, WIDE_LENGTH = 0x10, 0x20, 0x40


def segments(capture):
    command = ["tshark", "-r", capture, "-Y", "tcp", "-T", "fields", "-E", "occurrence=f"]
    for field in FIELDS:
        command += ["-e", field]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        stream, ip4, ip6, port, flags, seq, ack, length = line.split("\t")
        if not (flags and seq and length):
            continue  # truncated header: the plugin never feeds it
        yield int(stream), (ip4 or ip6, port), int(flags, 16), int(seq), int(ack or 0), int(length)


def encode(capture):
    first_sender = {}
    data = bytearray(4)
    for stream, sender, flags, seq, ack, length in segments(capture):
        endpoint = 0 if first_sender.setdefault(stream, sender) == sender else 1
        bits = sum(bit for tcp_bit, bit in FLAG_BITS.items() if flags & tcp_bit)
        data += struct.pack("<BBbbHII", (stream & 7) | endpoint << 3 | RAW_SEQ | RAW_ACK | WIDE_LENGTH,
                            bits, 0, 0, min(length, 0xffff), seq, ack)
    return bytes(data)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for capture in sys.argv[2:]:
        name = os.path.splitext(os.path.basename(capture))[0]
        with open(os.path.join(out_dir, name), "wb") as seed:
            seed.write(encode(capture))


if __name__ == "__main__":
    main()
